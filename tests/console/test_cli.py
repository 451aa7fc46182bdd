"""The `policybot` command as a person or a script runs it, in a separate process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import inherited


def _database_url() -> dict[str, str]:
    """The test's POLICYBOT_DATABASE_URL, if it set one (it does on PostgreSQL)."""
    return {k: v for k, v in os.environ.items() if k == "POLICYBOT_DATABASE_URL"}


def run(
    *args: str, config: Path | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "adapters.cli"]
    if config is not None:
        command += ["--config", str(config)]
    return subprocess.run(
        [*command, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), **inherited(), **_database_url()},
    )


def test_ask_json_has_the_documented_shape(config_file: Path) -> None:
    result = run(
        "ask",
        "--policy",
        "la-crosse",
        "--json",
        "--top",
        "2",
        stdin="can I post photos of my crew?\nhow many vacation days do I get?\n",
        config=config_file,
    )
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert set(first) >= {"question", "policy", "version", "answered", "matches"}
    assert first["answered"] is True and first["version"] == 1
    assert first["matches"][0]["clause"] == "clause-9"
    assert first["matches"][0]["citation"] == "City of La Crosse Social Media Policy, clause 9"
    assert set(first["matches"][0]) == {
        "policy", "clause", "citation", "title", "text", "lead_in", "score"
    }  # fmt: skip
    assert first["matches"][0]["lead_in"] is None  # clause 9 is no list's item
    assert len(first["matches"]) <= 2
    assert second["answered"] is False


def test_chat_script_acknowledges_and_reports(config_file: Path) -> None:
    chat = run(
        "chat",
        "--user",
        "dana",
        config=config_file,
        stdin="can i get fired for a tweet?\nack\nack\nstatus\nquit\n",
    )
    assert chat.returncode == 0, chat.stderr
    assert "clause 7" in chat.stdout and "up to date" in chat.stdout
    report = run("report", "acks", "--policy", "la-crosse", "--csv", config=config_file)
    rows = report.stdout.strip().splitlines()
    assert rows[0].startswith("person,") and len(rows) == 2 and rows[1].startswith("dana,")


def test_checklist_walked_to_a_verdict_and_resumed_after_restart(config_file: Path) -> None:
    first = run(
        "check", "--policy", "la-crosse", "--user", "eve", config=config_file, stdin="no\nyes\n"
    )
    assert "Question 3 of at most" in first.stdout
    resumed = run(
        "chat", "--policy", "la-crosse", "--user", "eve", config=config_file, stdin="status\n"
    )
    assert "Back to your checklist" in resumed.stdout and "Question 3 of at most" in resumed.stdout


def test_checklist_listing_as_json(config_file: Path) -> None:
    result = run("check", "--policy", "lake-elmo", "--list", "--json", config=config_file)
    listing = json.loads(result.stdout)
    assert {q["id"] for q in listing["questions"]} and listing["outcomes"]
    assert all(set(q) == {"id", "text", "clauses"} for q in listing["questions"])
    assert all(set(o) == {"id", "verdict", "clauses"} for o in listing["outcomes"])


@pytest.mark.parametrize(
    ("config_text", "message"),
    [
        ("matcher: [unclosed", "not valid YAML"),
        ("matcher:\n  confidence_threshold: high\n", "confidence_threshold"),
        ("colour: blue\n", "unknown setting"),
        ("database:\n  path: /proc/policybot/x.sqlite3\n", "cannot open the database"),
    ],
)
def test_bad_configuration_is_one_clear_line(
    tmp_path: Path, config_text: str, message: str
) -> None:
    config = tmp_path / "app.yaml"
    config.write_text(config_text)
    result = run("ask", "--policy", "la-crosse", "hello", config=config)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_missing_config_file_and_unknown_policy(tmp_path: Path, config_file: Path) -> None:
    missing = run("chat", config=tmp_path / "nope.yaml")
    assert missing.returncode == 2 and "not found" in missing.stderr
    unknown = run("ask", "--policy", "springfield", "hi", config=config_file)
    assert unknown.returncode == 2 and "known: la-crosse, lake-elmo" in unknown.stderr


def test_empty_and_oversized_questions_fail_politely(config_file: Path) -> None:
    result = run(
        "ask",
        "--policy",
        "la-crosse",
        config=config_file,
        stdin="\x00\x01\n" + "x" * 100_000 + "\nis harassment online allowed?\n",
    )
    assert result.returncode == 1
    assert "skipped a question that is empty" in result.stderr
    assert "skipped a question that is too long" in result.stderr
    assert "clause 8" in result.stdout and "Traceback" not in result.stderr
