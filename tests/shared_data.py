"""Where the read-only shared material is (`../shared/`: the seed policies as published, the
question set the matcher is measured on), found relative to the repository, or a loud failure.

Looked for, in order: `$POLICYBOT_SHARED_DIR`; `shared/` beside the repository; and, in a git
worktree, `shared/` beside the main checkout the worktree belongs to. A test that needs it
fails (it does not skip) when none is there: a quality test that silently skips guards nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
SHARED_ENV = "POLICYBOT_SHARED_DIR"


def candidates(repository: Path = REPOSITORY, environ: dict[str, str] | None = None) -> list[Path]:
    """Every place the shared folder may be, most explicit first."""
    environ = dict(os.environ) if environ is None else environ
    places = [Path(environ[SHARED_ENV])] if environ.get(SHARED_ENV) else []
    places.append(repository.parent / "shared")
    git = repository / ".git"
    if git.is_file():  # a worktree: ".git" names <main>/.git/worktrees/<name>
        pointer = git.read_text(encoding="utf-8").strip().removeprefix("gitdir:").strip()
        worktree_dir = (repository / pointer).resolve()
        if worktree_dir.parent.name == "worktrees":
            places.append(worktree_dir.parents[2].parent / "shared")
    return places


def shared_dir(*parts: str) -> Path:
    """The shared folder (or a path inside it); fails the test, saying where it looked."""
    places = candidates()
    for place in places:
        if place.is_dir():
            found = place.joinpath(*parts)
            if not found.exists():
                pytest.fail(f"{found} is missing from the shared folder {place}", pytrace=False)
            return found
    looked = ", ".join(str(place) for place in places)
    pytest.fail(
        f"the shared folder (seed policies, evaluation questions) is not there; looked in: "
        f"{looked}. Put it beside the repository or set {SHARED_ENV}: these tests measure "
        "answer quality and must not pass without it.",
        pytrace=False,
    )
