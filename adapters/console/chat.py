"""`policybot chat`: the bot in a terminal, interactive or driven line by line from a script."""

from __future__ import annotations

import getpass
import sys
from typing import TextIO

from adapters.console.render import render
from bot.app import App
from bot.messages import Incoming

PLATFORM = "console"
_QUIT = {"quit", "exit", "bye", "q", ":q"}


def run_chat(
    app: App,
    *,
    policy_id: str | None,
    user: str | None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    """Read messages until 'quit' or end of input; replies go to standard output."""
    person = user or _login_name()
    interactive = stdin.isatty()
    policy = app.library.policy(policy_id or app.config.default_policy)
    if interactive:
        stdout.write(
            f"PolicyBot: {policy.title}, version {policy.version}. Signed in as "
            f"{person}. Type 'help' for what I can do, 'quit' to leave.\n"
        )
    while True:
        if interactive:
            stdout.write("you> ")
            stdout.flush()
        line = stdin.readline()
        if not line or line.strip().lower() in _QUIT:
            break
        message = Incoming(
            PLATFORM,
            person,
            f"console:{person}",
            line.rstrip("\n"),
            display_name=person,
            policy_id=policy.id,
        )
        for reply in app.bot.handle(message):
            stdout.write(render(reply) + "\n")
        if not interactive:
            stdout.write("\n")
        stdout.flush()
    return 0


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "employee"
