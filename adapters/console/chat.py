"""`policybot chat`: the bot in a terminal, interactive or driven line by line from a script."""

from __future__ import annotations

import getpass
import json
import sys
from dataclasses import replace
from typing import TextIO

from adapters.console.line_input import LineReader
from adapters.console.render import Hints, show
from adapters.console.terminal import Terminal
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
    In a terminal, replies are wrapped to its width and coloured (`Terminal`), lines can be
    edited and recalled (`LineReader`), and leaving by `quit`, Ctrl-D or Ctrl-C ends with a
    goodbye on a line of its own, so the shell's prompt starts on a fresh line (exit 0; Ctrl-C
    exits 130, the shell's convention for an interrupt).
    """
    person = user or _login_name()
    interactive = stdin.isatty()
    if policy_id is not None:
        app.library.policy(policy_id)  # an unknown id fails early, naming the known ones
    session = Incoming(PLATFORM, person, f"console:{person}", "", person, policy_id)
    policy = app.library.policy(app.bot.policy_for(session))  # the person's organization's
    reader = LineReader(stdin, stdout, interactive)
    if interactive:
        terminal = Terminal.of(stdout)
        stdout.write(
            terminal.lines(
                [
                    (f"PolicyBot: {policy.title}, version {policy.version}.", "heading"),
                    (
                        f"Signed in as {person}. Type a question, 'help' for what I can do, "
                        "'quit' to leave.",
                        None,
                    ),
                ]
            )
            + "\n"
        )
    _show_waiting(app, person, stdout)
    hints = Hints()
    resumed = app.bot.resumed_checklist(session) if first_message is None else None
    if resumed is not None:
        stdout.write(show(resumed, Terminal.of(stdout)) + "\n\n")
    pending = [first_message] if first_message else []
    try:
        while True:
            line = pending.pop() if pending else _next(reader, stdout, interactive)
            if line is None:
                break
            terminal = Terminal.of(stdout)  # read again: the window may have been resized
            replies = app.bot.handle(replace(session, text=line))
            for reply in replies:
                stdout.write(show(reply, terminal) + "\n")
            if (hint := hints.line(replies)) is not None:
                stdout.write(terminal.text(hint, "quiet") + "\n")
            _show_waiting(app, person, stdout)
            stdout.write("\n")  # a blank line between one exchange and the next
            stdout.flush()
    except KeyboardInterrupt:
        _goodbye(stdout, interactive, after_prompt=True)
        return 130
    _goodbye(stdout, interactive, after_prompt=reader.at_end)
    return 0


def _next(reader: LineReader, stdout: TextIO, interactive: bool) -> str | None:
    """The next message, skipping empty lines; None on 'quit' or at the end of input."""
    prompt = Terminal.of(stdout).prompt("you> ") if interactive else ""
    while True:
        line = reader.read(prompt)
        if line is None or line.strip().lower() in _QUIT:
            return None
        if line.strip():
            return line


def _goodbye(stdout: TextIO, interactive: bool, *, after_prompt: bool) -> None:
    """In a terminal, end on a line of its own: Ctrl-D and Ctrl-C leave the cursor after the
    prompt."""
    if not interactive:
        return
    stdout.write(("\n" if after_prompt else "") + "Goodbye.\n")
    stdout.flush()


def run_checklist_listing(
    app: App, *, policy_id: str | None, as_json: bool, stdout: TextIO = sys.stdout
) -> int:
    """Print a policy's checklist: questions with their clauses, and the possible outcomes."""
    policy = app.library.policy(policy_id or app.config.default_policy)
    checklist = app.library.checklist(policy.id)
    if checklist is None:
        sys.stderr.write(
            f"policybot: error: the {policy.title} has no live checklist "
            f"('policybot checklist show --policy {policy.id}' says why)\n"
        )
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
        terminal = Terminal.of(stdout)
        stdout.write(terminal.text(f"-- {len(waiting)} message(s) for you --", "heading") + "\n")
        for reply in waiting:
            stdout.write(show(reply, terminal) + "\n")
        stdout.write(terminal.text("--", "heading") + "\n")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "employee"
