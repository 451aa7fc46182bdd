"""`policybot chat` in a real terminal (a pseudo-terminal of a chosen width), typed at as a
person does: wrapped replies that never cut a word, arrow keys that edit and recall lines
instead of arriving as questions, colour that respects NO_COLOR, and a clean goodbye on `quit`,
Ctrl-D and Ctrl-C.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.console.pty_session import SGR, TerminalSession
from tests.processes import inherited

QUESTION = "can I post photos of my crew?"


@pytest.fixture
def environment(tmp_path: Path, config_file: Path) -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        **inherited(),
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TERM": "xterm",
        "POLICYBOT_CONFIG": str(config_file),
    }
    if url := os.environ.get("POLICYBOT_DATABASE_URL"):
        env["POLICYBOT_DATABASE_URL"] = url
    return env


@pytest.fixture
def sessions() -> Iterator[list[TerminalSession]]:
    started: list[TerminalSession] = []
    yield started
    for session in started:
        session.close()


def chat(
    sessions: list[TerminalSession], env: dict[str, str], columns: int = 80
) -> TerminalSession:
    session = TerminalSession(["chat", "--user", "pat"], env, columns=columns)
    sessions.append(session)
    session.prompt(1)
    return session


def scripted(env: dict[str, str], text: str) -> str:
    """The same conversation through a pipe: whole lines, as a script reads them."""
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "chat", "--user", "pat"],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("columns", [40, 60, 80])
def test_replies_wrap_to_the_width_without_cutting_a_word(
    sessions: list[TerminalSession], environment: dict[str, str], columns: int
) -> None:
    session = chat(sessions, environment, columns)
    session.type(QUESTION, "enter")
    screen = session.prompt(2)
    answer = screen.split(QUESTION, 1)[1].rsplit("you> ", 1)[0].strip("\n")
    assert "clause 9" in answer.replace("\n", " ")
    assert max(len(line) for line in answer.splitlines()) <= columns
    piped = scripted(environment, QUESTION + "\n")
    assert max(len(line) for line in piped.splitlines()) > columns  # there was wrapping to do
    assert answer.split() == piped.split()  # the same words, none cut in two


def test_arrow_keys_edit_and_recall_lines_and_never_arrive_as_a_question(
    sessions: list[TerminalSession], environment: dict[str, str]
) -> None:
    session = chat(sessions, environment)
    session.type("sttus", "left", "left", "left", "a", "enter")  # fix the typo in place
    session.prompt(2)
    session.type("up", "enter")  # the same line again, from the history
    screen = session.prompt(3)
    assert screen.count("You have not acknowledged") == 2
    session.type("right", "left", "down", "up", "down", "enter")  # arrows on an empty line
    session.type("quit", "enter")
    assert session.finish() == 0
    assert "^[[" not in session.screen() and "[A" not in session.screen()
    report = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "report", "unanswered", "--csv"],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
    )
    assert report.stdout.splitlines()[1:] == []  # nothing was logged as a question


@pytest.mark.parametrize(
    ("keys", "code"), [(["quit", "enter"], 0), (["ctrl-d"], 0), (["ctrl-c"], 130)]
)
def test_leaving_ends_on_a_line_of_its_own(
    sessions: list[TerminalSession], environment: dict[str, str], keys: list[str], code: int
) -> None:
    session = chat(sessions, environment)
    session.type(*keys)
    if keys == ["ctrl-c"]:
        # CPython's readline loop looks at signals only when its select() is interrupted: a
        # Ctrl-C in the instant between the prompt appearing and that select() is seen with the
        # next key. A person presses it again; so does the test, when the first went unseen.
        # (Further presses while it is leaving are ignored, so pressing again never hurts.)
        for _ in range(3):
            try:
                session.wait_for("Goodbye.", timeout=3)
                break
            except AssertionError:
                session.type("ctrl-c")
    assert session.finish() == code
    assert session.screen().endswith("\nGoodbye.\n")
    assert "Traceback" not in session.screen()


def test_help_lists_quit_with_the_commands_and_in_colour(
    sessions: list[TerminalSession], environment: dict[str, str]
) -> None:
    session = chat(sessions, environment)
    session.type("help", "enter")
    screen = session.prompt(2)
    listed = screen.split("You can type:", 1)[1]
    assert "  quit " in listed and "  ack " in listed
    assert "\x1b[1mYou can type:\x1b[0m" in session.text()  # the heading in bold


def test_a_verdict_is_coloured_by_what_it_says(
    sessions: list[TerminalSession], environment: dict[str, str]
) -> None:
    session = chat(sessions, environment)
    session.type("check", "enter")
    for number in range(2, 20):
        session.prompt(number)
        if "Verdict:" in session.screen():
            break
        session.type("no", "enter")
    colours = {"Fine to post.": "32", "Do not post.": "31"}  # green; red; yellow otherwise
    verdict = re.search(r"\x1b\[1;(3[123])mVerdict: ([^\x1b]*)\x1b\[0m", session.text())
    assert verdict is not None, session.text()
    assert verdict.group(1) == colours.get(verdict.group(2), "33")


def test_no_color_and_pipes_get_plain_text(
    sessions: list[TerminalSession], environment: dict[str, str]
) -> None:
    session = chat(sessions, {**environment, "NO_COLOR": "1"})
    session.type("help", "enter")
    session.prompt(2)
    session.type("ctrl-d")
    session.finish()
    assert not SGR.search(session.text())
    piped = scripted(environment, "help\n")  # TERM is set, but the output is a pipe
    assert "quit" in piped and not SGR.search(piped)


def test_ask_wraps_to_columns_when_set_and_gives_pipes_whole_lines(
    environment: dict[str, str],
) -> None:
    def ask(**extra: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "adapters.cli", "ask", "--policy", "la-crosse", QUESTION],
            capture_output=True,
            text=True,
            timeout=60,
            env={**environment, **extra},
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    whole, narrow = ask(), ask(COLUMNS="50")
    assert max(len(line) for line in whole.splitlines()) > 50
    assert max(len(line) for line in narrow.splitlines()) <= 50
    assert narrow.split() == whole.split()
