"""`policybot people import FILE.csv`: load a whole staff list, reporting rows it rejected."""

from __future__ import annotations

import os
import stat
import sys
from typing import TextIO

from bot.app import App
from bot.people.staff_list import StaffListError, import_staff_list

MAX_FILE_BYTES = 100_000_000  # 20 times a 100,000-person list with every column filled


def run_import(app: App, path: str, stdout: TextIO = sys.stdout) -> int:
    """Import the file; 0 when every row was taken, 1 when some were rejected, 2 when none.

    The file is streamed, never read whole; only a regular file of at most MAX_FILE_BYTES is
    opened (a device such as /dev/zero or a FIFO would never end)."""
    try:
        found = os.stat(path)
        size = found.st_size
        if not stat.S_ISREG(found.st_mode):
            raise StaffListError(f"{path} is not a regular file")
        if size > MAX_FILE_BYTES:
            raise StaffListError(
                f"{path} is {size / 1e6:.0f} MB; a staff list may be at most "
                f"{MAX_FILE_BYTES // 1_000_000} MB"
            )
        with open(path, encoding="utf-8-sig", newline="") as lines:
            report = import_staff_list(
                app.db,
                lines,
                source=path,
                now=app.bot.clock(),
                organizations=[org.id for org in app.config.organizations],
            )
    except (OSError, UnicodeDecodeError) as error:
        raise StaffListError(f"cannot read {path}: {error}") from None
    stdout.write(
        f"{report.created} person(s) added, {report.updated} updated, "
        f"{len(report.rejected)} row(s) rejected.\n"
    )
    for line, reason in report.rejected:
        stdout.write(f"  row {line}: {reason}\n")
    if report.rejected and not (report.created or report.updated):
        return 2
    return 1 if report.rejected else 0
