"""`policybot people import FILE.csv`: load a whole staff list, reporting rows it rejected."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.app import App
from bot.people.staff_list import StaffListError, import_staff_list


def run_import(app: App, path: str, stdout: TextIO = sys.stdout) -> int:
    """Import the file; 0 when every row was taken, 1 when some were rejected, 2 when none."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise StaffListError(f"cannot read {path}: {error}") from None
    report = import_staff_list(
        app.db,
        text,
        source=path,
        now=app.bot.clock(),
        organizations=[org.id for org in app.config.organizations],
    )
    stdout.write(
        f"{report.created} person(s) added, {report.updated} updated, "
        f"{len(report.rejected)} row(s) rejected.\n"
    )
    for line, reason in report.rejected:
        stdout.write(f"  row {line}: {reason}\n")
    if report.rejected and not (report.created or report.updated):
        return 2
    return 1 if report.rejected else 0
