"""What each Teams gateway adds to an install: its packages (with versions) and their size on disk.

Usage: python bench/install_size.py

Reads the dependencies from pyproject.toml. "PolicyBot without Teams" is every dependency except
the two SDKs' packages; for each SDK, pip installs its packages (at the versions pyproject.toml
allows) into a fresh folder, and the packages that the rest of PolicyBot would not install anyway
are listed with the bytes their files take (from each package's RECORD). Needs pip and the
package index (or its local mirror); installs nothing into the running environment.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SDK_PREFIXES = {
    "botbuilder": ("botbuilder-",),
    "agents": ("microsoft-agents-",),
    "both (the default install)": ("botbuilder-", "microsoft-agents-"),
}


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def resolved(requirements: list[str], folder: Path) -> dict[str, str]:
    """The packages pip would install for `requirements` in an empty environment."""
    report = folder / "report.json"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed",
         "--report", str(report), *requirements],
        check=True,
    )  # fmt: skip
    installs = json.loads(report.read_text())["install"]
    return {canonical(i["metadata"]["name"]): i["metadata"]["version"] for i in installs}


def installed_sizes(requirements: list[str], folder: Path) -> dict[str, tuple[str, int]]:
    """Install into `folder`; version and bytes on disk per package (from its RECORD)."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--ignore-installed",
         "--no-compile", "--target", str(folder), *requirements],
        check=True,
    )  # fmt: skip
    sizes = {}
    for info in folder.glob("*.dist-info"):
        name, version = info.name.removesuffix(".dist-info").rsplit("-", 1)
        total = 0
        for line in (info / "RECORD").read_text().splitlines():
            path = folder / line.split(",", 1)[0]
            if path.is_file():
                total += path.stat().st_size
        sizes[canonical(name)] = (version, total)
    return sizes


def main() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    prefixes = tuple(p for ps in SDK_PREFIXES.values() for p in ps)
    base = [d for d in dependencies if not canonical(d).startswith(prefixes)]
    with tempfile.TemporaryDirectory() as scratch:
        without_teams = resolved(base, Path(scratch))
        print(f"PolicyBot without a Teams SDK: {len(without_teams)} packages")
        for sdk, sdk_prefixes in SDK_PREFIXES.items():
            requirements = [d for d in dependencies if canonical(d).startswith(sdk_prefixes)]
            folder = Path(scratch) / sdk.split()[0]
            sizes = installed_sizes(requirements, folder)
            added = sorted(name for name in sizes if name not in without_teams)
            total = sum(sizes[name][1] for name in added)
            print(f"\n{sdk}: adds {len(added)} packages, {total / 1e6:.1f} MB on disk "
                  f"(without .pyc files)\n  for {' '.join(requirements)}")  # fmt: skip
            for name in added:
                version, size = sizes[name]
                print(f"  {name} {version}  {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
