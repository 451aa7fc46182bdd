"""Spreadsheet formulas typed as questions stay text in every CSV report of the terminal: a
cell starting with =, +, -, @, a tab or a carriage return gets a leading quote, so opening the
report in a spreadsheet runs nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from adapters.console.reports import csv_safe
from tests.console.test_cli import run

FORMULAS = [
    '=HYPERLINK("http://evil.example","holiday party") when is the holiday party',
    "+cmd|' /C calc'!A0 how many vacation days do I get",
    "-2+3 how many vacation days do I get",
    "@SUM(1,2) who do I call about my paycheck",
]


def test_questions_typed_as_formulas_stay_text_in_the_unanswered_csv(config_file: Path) -> None:
    chatted = run("chat", "--user", "pat", config=config_file, stdin="\n".join(FORMULAS) + "\n")
    assert chatted.returncode == 0, chatted.stderr
    report = run("report", "unanswered", "--csv", config=config_file)
    assert report.returncode == 0, report.stderr
    rows = list(csv.DictReader(io.StringIO(report.stdout)))
    questions = sorted(row["question"] for row in rows)
    assert questions == sorted("'" + formula for formula in FORMULAS)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_quoted(start: str) -> None:
    assert csv_safe(f"{start}1+1") == f"'{start}1+1"
    assert csv_safe(f"a{start}1") == f"a{start}1"  # only at the start of a cell
