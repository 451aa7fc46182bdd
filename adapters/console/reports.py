"""`policybot report ...`: HR's lists, as an aligned table or as CSV."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from typing import TextIO

from bot import records
from bot.app import App


def run_report(app: App, args: argparse.Namespace, stdout: TextIO = sys.stdout) -> int:
    """Print the report the arguments ask for."""
    if args.report == "acks":
        policy = app.library.policy(args.policy)
        rows = records.list_acknowledgements(app.db, policy.id)
        header = ["person", "display_name", "platform", "version", "acknowledged_at_utc", "sha256"]
        table = [
            [
                r.person,
                r.display_name or "",
                r.platform,
                str(r.version),
                r.acknowledged_at.isoformat(timespec="seconds"),
                r.sha256,
            ]
            for r in rows
        ]
        summary = (
            f"{len(rows)} acknowledgement(s) of the {policy.title} "
            f"(current version {policy.version})."
        )
    else:
        if args.policy:
            app.library.policy(args.policy)
        found = records.list_unanswered(app.db, args.policy)
        header = ["asked_at_utc", "policy", "best_score", "question"]
        table = [
            [r.asked_at.isoformat(timespec="seconds"), r.policy_id, f"{r.best_score:.2f}", r.text]
            for r in found
        ]
        summary = f"{len(found)} unanswered question(s)."
    write_table(header, table, as_csv=args.csv, stdout=stdout)
    if not args.csv:
        stdout.write(summary + "\n")
    return 0


def write_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, as_csv: bool, stdout: TextIO
) -> None:
    """CSV for spreadsheets, or columns aligned for reading in a terminal."""
    if as_csv:
        writer = csv.writer(stdout)
        writer.writerow(header)
        writer.writerows([[_csv_safe(cell) for cell in row] for row in rows])
        return
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(header)]
    for row in [list(header), *rows]:
        stdout.write(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            + "\n"
        )


def _csv_safe(cell: str) -> str:
    """Keep a spreadsheet from running a question typed as a formula ("=HYPERLINK(...)")."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
