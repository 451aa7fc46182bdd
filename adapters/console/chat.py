"""`policybot chat`: the bot in a terminal, interactive or driven line by line from a script."""

from __future__ import annotations

import getpass
import json
import sys
from dataclasses import replace
from typing import TextIO

from adapters.console.render import Hints, render
from bot.app import App
from bot.delivery import outbox
from bot.messages import Incoming
from bot.people import directory

PLATFORM = "console"
_QUIT = {"quit", "exit", "bye", "q", ":q"}


def run_chat(
    app: App,
    *,
    policy_id: str | None,
    user: str | None,
    first_message: str | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    """Read messages until 'quit' or end of input; replies go to standard output.

    `first_message` is handled as if typed first (`policybot check` starts with "check").
    """
    person = user or _login_name()
    interactive = stdin.isatty()
    if policy_id is not None:
        app.library.policy(policy_id)  # an unknown id fails early, naming the known ones
    session = Incoming(PLATFORM, person, f"console:{person}", "", person, policy_id)
    policy = app.library.policy(app.bot.policy_for(session))  # the person's organization's
    if interactive:
        stdout.write(
            f"PolicyBot: {policy.title}, version {policy.version}. Signed in as "
            f"{person}. Type 'help' for what I can do, 'quit' to leave.\n"
        )
    _show_waiting(app, person, stdout)
    hints = Hints()
    resumed = app.bot.resumed_checklist(session) if first_message is None else None
    if resumed is not None:
        stdout.write(render(resumed) + "\n")
    pending = [first_message] if first_message else []
    while True:
        line = pending.pop() if pending else _read(stdin, stdout, interactive)
        if line is None:
            break
        replies = app.bot.handle(replace(session, text=line))
        for reply in replies:
            stdout.write(render(reply) + "\n")
        if (hint := hints.line(replies)) is not None:
            stdout.write(hint + "\n")
        _show_waiting(app, person, stdout)
        if not interactive:
            stdout.write("\n")
        stdout.flush()
    return 0


def run_checklist_listing(
    app: App, *, policy_id: str | None, as_json: bool, stdout: TextIO = sys.stdout
) -> int:
    """Print a policy's checklist: questions with their clauses, and the possible outcomes."""
    policy = app.library.policy(policy_id or app.config.default_policy)
    checklist = app.library.checklist(policy.id)
    if checklist is None:
        sys.stderr.write(f"policybot: error: the {policy.title} has no checklist\n")
        return 2
    listing = checklist.to_listing()
    if as_json:
        stdout.write(json.dumps(listing, ensure_ascii=False, indent=2) + "\n")
        return 0
    stdout.write(f"{checklist.title}\nQuestions:\n")
    for question in listing["questions"]:
        stdout.write(f"  {question['id']}: {question['text']} [{', '.join(question['clauses'])}]\n")
    stdout.write("Outcomes:\n")
    for outcome in listing["outcomes"]:
        stdout.write(f"  {outcome['id']}: {outcome['verdict']} [{', '.join(outcome['clauses'])}]\n")
    return 0


def _show_waiting(app: App, person: str, stdout: TextIO) -> None:
    """Print the messages kept for this person (approvals to decide, outcomes, reminders)."""
    me = directory.person_on(app.db, PLATFORM, person, app.bot.clock())
    if me is None:
        return
    waiting = outbox.deliver_to_console(app.db, me.id, app.bot.clock(), app.send_time_checks)
    if waiting:
        stdout.write(f"-- {len(waiting)} message(s) for you --\n")
        for reply in waiting:
            stdout.write(render(reply) + "\n")
        stdout.write("--\n")


def _read(stdin: TextIO, stdout: TextIO, interactive: bool) -> str | None:
    """The next line typed, or None at end of input or 'quit'."""
    if interactive:
        stdout.write("you> ")
        stdout.flush()
    line = stdin.readline()
    if not line or line.strip().lower() in _QUIT:
        return None
    return line.rstrip("\n")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "employee"
