"""What `policybot` says about itself, as a newcomer meets it: run alone, mistyped, --help.

Each runs the real command in a process of its own.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import inherited

ROOT = Path(__file__).resolve().parents[2]


def policybot(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "COLUMNS": "100", **inherited()},
    )


def test_alone_it_prints_a_short_usage_and_exits_2_like_any_usage_error() -> None:
    alone = policybot()
    assert alone.returncode == 2
    assert alone.stdout == ""
    assert alone.stderr.startswith("usage: policybot")
    assert "policybot chat" in alone.stderr and "--help" in alone.stderr
    assert len(alone.stderr.splitlines()) <= 8  # short: not the whole help
    assert policybot("report").returncode == 2  # a missing sub-report: the same code


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        (["chta"], "did you mean 'chat'?"),
        (["report", "acsk"], "did you mean 'acks'?"),
        (["chat", "--polcy", "la-crosse"], "did you mean --policy?"),
        (["report", "acks", "--polciy=la-crosse"], "did you mean --policy?"),
        (["ask", "--jsno", "hello"], "did you mean --json?"),
    ],
)
def test_a_mistyped_command_or_option_names_the_right_one(typed: list[str], suggested: str) -> None:
    result = policybot(*typed)
    assert result.returncode == 2
    assert suggested in result.stderr
    assert "Traceback" not in result.stderr


def test_an_option_before_its_command_is_pointed_to_its_place() -> None:
    result = policybot("--user", "pat", "chat")
    assert result.returncode == 2
    assert "--user goes after the command" in result.stderr


def test_a_mistyped_policy_id_names_the_right_one(tmp_path: Path) -> None:
    config = tmp_path / "app.yaml"
    config.write_text("database:\n  path: bot.sqlite3\n")
    result = policybot("--config", str(config), "ask", "--policy", "lacrosse", "hi")
    assert result.returncode == 2
    assert "did you mean 'la-crosse'?" in result.stderr


def test_each_subcommand_says_what_it_does_and_lists_the_policy_ids() -> None:
    for command in (["chat"], ["ask"], ["check"], ["report", "acks"], ["policy", "history"]):
        shown = policybot(*command, "--help")
        assert shown.returncode == 0, shown.stderr
        description = shown.stdout.split("\n\n")[1]
        assert len(description.split()) >= 8, f"{command}: {description!r}"
        assert "la-crosse" in shown.stdout and "lake-elmo" in shown.stdout, command


def _environment_variables_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for top in ("bot", "adapters"):
        for path in (ROOT / top).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and re.fullmatch(r"(POLICYBOT|SLACK|MICROSOFT)_[A-Z_]*[A-Z]", node.value)
                ):
                    names.add(node.value)
    return names


def test_serve_help_lists_every_environment_variable_the_code_reads() -> None:
    shown = policybot("serve", "--help").stdout
    read = _environment_variables_read_by_the_code()
    assert {"SLACK_BOT_TOKEN", "MICROSOFT_APP_ID", "POLICYBOT_DASHBOARD_SECRET"} <= read
    missing = sorted(name for name in read if name not in shown)
    assert not missing, f"serve --help does not list {missing} (adapters/cli_help.py)"
    assert max(len(line) for line in shown.splitlines()) <= 100  # fits COLUMNS=100
