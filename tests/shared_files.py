"""Where the read-only shared files are (../shared: seed sources, evaluation sets, corpus).

They sit next to the main checkout; a git worktree elsewhere finds them next to the main
worktree, and POLICYBOT_SHARED may name them outright. Tests that need them fail with this
message when they are absent rather than skip silently: a suite that skips its quality checks
would pass while measuring nothing.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shared_directory() -> Path:
    """The shared directory; AssertionError naming where it was looked for when absent."""
    candidates = [Path(os.environ["POLICYBOT_SHARED"])] if "POLICYBOT_SHARED" in os.environ else []
    candidates.append(ROOT.parent / "shared")
    common = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--path-format=absolute", "--git-common-dir"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if common:
        candidates.append(Path(common).parent.parent / "shared")
    for candidate in candidates:
        if (candidate / "eval").is_dir():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise AssertionError(
        f"the shared files (../shared) are not present (looked in: {looked}); set "
        "POLICYBOT_SHARED to their directory"
    )
