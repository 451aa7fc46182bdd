"""HR's reports fit the terminal they are read in, and --csv/--json keep every column whole.

A real request is walked in chat (two people, as in tests/approvals), then `policybot report
authorizations` is read at 80 columns: on a pseudo-terminal of that width and through a pipe
with COLUMNS=80. Every word of the request is on screen, none cut, no line too wide.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from adapters.console.tables import fit_table
from tests.approvals.conftest import STAFF
from tests.console.pty_session import TerminalSession
from tests.processes import inherited

WHAT = "Post the pool reopening photos on the Parks Facebook page"
START = (date.today() + timedelta(days=2)).isoformat()
END = (date.today() + timedelta(days=32)).isoformat()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
        + STAFF
    )
    return path


def environment(config: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        **inherited(),
        "HOME": str(config.parent / "home"),
        "POLICYBOT_CONFIG": str(config),
    }
    if url := os.environ.get("POLICYBOT_DATABASE_URL"):
        env["POLICYBOT_DATABASE_URL"] = url
    return {**env, **extra}


def policybot(config: Path, *args: str, stdin: str = "", **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=environment(config, **env),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def requested(config: Path) -> Path:
    lines = [
        "request authorization needs-link-permission",
        WHAT,
        "Residents keep asking when the pool reopens",
        "Parks Facebook page, from my work computer",
        START,
        END,
        "yes",
    ]
    policybot(config, "chat", "--user", "pat", stdin="\n".join(lines) + "\n")
    policybot(config, "chat", "--user", "dana", stdin="approve 1 fine by me\n")
    return config


def _words_of_the_request(config: Path) -> list[str]:
    [row] = json.loads(policybot(config, "report", "authorizations", "--json"))
    return [word for value in row.values() for word in value.split()]


def test_authorizations_fit_80_columns_through_a_pipe_with_every_word_whole(
    requested: Path,
) -> None:
    full = policybot(requested, "report", "authorizations")
    assert max(len(line) for line in full.splitlines()) > 150  # a pipe gets the whole table
    shown = policybot(requested, "report", "authorizations", COLUMNS="80")
    assert max(len(line) for line in shown.splitlines()) <= 80
    words = shown.split()
    for word in _words_of_the_request(requested):
        assert word in words, f"{word!r} is missing or cut"
    assert "1 authorization request(s)." in shown


def test_authorizations_fit_the_terminal_they_are_printed_in(
    requested: Path, tmp_path: Path
) -> None:
    session = TerminalSession(["report", "authorizations"], environment(requested), columns=80)
    try:
        assert session.finish() == 0
        screen = session.screen()
    finally:
        session.close()
    assert max(len(line) for line in screen.splitlines()) <= 80
    assert WHAT.split()[-1] in screen.split() and "1 authorization request(s)." in screen


def test_csv_and_json_keep_every_column_whole(requested: Path) -> None:
    [row] = list(
        csv.DictReader(
            io.StringIO(policybot(requested, "report", "authorizations", "--csv", COLUMNS="40"))
        )
    )
    assert row["what"] == WHAT and "approved by Dana Fox" in row["decisions"]
    [item] = json.loads(policybot(requested, "report", "authorizations", "--json", COLUMNS="40"))
    assert item == row


def test_a_table_wraps_prose_within_its_column_before_it_gives_up_on_columns() -> None:
    header = ["id", "status", "question"]
    rows = [["1", "open", "can I post photos of my crew at the pool on a weekend afternoon?"]]
    fitted = fit_table(header, rows, 40)
    lines = fitted.splitlines()
    assert max(len(line) for line in lines) <= 40
    assert lines[0].split() == header and len(lines) > 2  # still a table, the question wrapped
    assert sorted(fitted.split()) == sorted([*header, "1", "open", *rows[0][2].split()])
    records = fit_table(["a" * 8, "b" * 8, "c" * 8, "d" * 8], [["x" * 12] * 4], 30)
    assert records.splitlines()[0] == "aaaaaaaa  " + "x" * 12  # too many columns: a record
    assert fit_table(header, rows, None) == fit_table(header, rows, 1000)  # a pipe: whole lines


def test_acks_and_feedback_as_json(config: Path) -> None:
    policybot(config, "chat", "--user", "pat", stdin="ack\n")
    acks = json.loads(policybot(config, "report", "acks", "--policy", "la-crosse", "--json"))
    assert acks["acknowledged"] == 1 and acks["people_count"] == 7
    assert {person["person"] for person in acks["people"]} >= {"pat", "sam"}
    feedback = json.loads(policybot(config, "report", "feedback", "--json"))
    assert set(feedback) == {"votes", "unanswered"}
