"""`policybot people import` of a whole city's staff list: time and peak memory.

Writes a staff list of N people (departments of about 500, each with a director, supervisors
of about 10 people each, Slack and Teams ids for everyone, a few HR people), then runs the real
command in a process of its own on a new SQLite database (or PostgreSQL with --database-url):
first the import that creates everyone, then the same file again (everyone updated, nothing
changed), as a city re-importing its nightly export would. Prints the seconds and the peak
resident memory of each run.

    python bench/people_import.py [--rows 100000] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 60


def write_staff_list(path: Path, rows: int) -> None:
    """A plausible staff list: every supervisor listed before or after their people, at random."""
    with path.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(["handle", "name", "department", "supervisor", "roles", "slack", "teams"])
        per_department = 500
        for n in range(rows):
            department = n // per_department
            first = department * per_department
            if n == first:
                supervisor, roles = "", "supervisor;department_director"
            elif (n - first) % 10 == 1:
                supervisor, roles = f"p{first}", "supervisor"
            else:
                supervisor, roles = f"p{first + 1 + ((n - first - 1) // 10) * 10}", "employee"
            if n % 5000 == 7:
                roles += ";hr"
            teams = f"aad-{n:08d}-0000-4000-8000-000000000000"
            out.writerow([f"p{n}", f"Person {n} Example", f"Department {department}", supervisor,
                          roles, f"U{n:09d}", teams])  # fmt: skip


def run_import(config: Path, staff: Path, env: dict[str, str]) -> tuple[float, float, float, str]:
    """Seconds, CPU seconds, peak resident MB and the summary line of one import."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "--config", str(config), "people", "import",
         str(staff)],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if result.returncode != 0:
        sys.exit(f"the import failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    # ru_maxrss of children is the largest child so far: a later, smaller run reads as the same.
    return seconds, cpu, after.ru_maxrss / 1024, result.stdout.splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="a PostgreSQL database to import into (empty)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        config, staff = Path(folder) / "app.yaml", Path(folder) / "staff.csv"
        config.write_text("database:\n  path: bot.sqlite3\n")
        write_staff_list(staff, args.rows)
        env = {key: value for key, value in os.environ.items() if key != "POLICYBOT_DATABASE_URL"}
        if args.database_url:
            env["POLICYBOT_DATABASE_URL"] = args.database_url
        backend = "PostgreSQL" if args.database_url else "SQLite"
        size = staff.stat().st_size / 1e6
        print(f"people import, {args.rows:,} rows ({size:.1f} MB CSV), {backend}, "
              f"{os.cpu_count()} cores")  # fmt: skip
        for label in ("first import (all new)", "same file again (all updated)"):
            seconds, cpu, peak_mb, summary = run_import(config, staff, env)
            verdict = "within" if seconds < TARGET_SECONDS else "OVER"
            print(f"  {label}: {seconds:.1f} s ({verdict} the {TARGET_SECONDS} s target; "
                  f"{cpu:.1f} s of CPU), peak resident memory {peak_mb:.0f} MB (largest run so "
                  f"far); {summary}")  # fmt: skip
        print(f"  (load average after: {', '.join(f'{v:.1f}' for v in os.getloadavg())})")


if __name__ == "__main__":
    main()
