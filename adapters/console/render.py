"""Replies as terminal text: plain for scripts, and fitted to a terminal with colour.

`render` gives the plain text (what scripts and tests read); `show` gives the same lines
wrapped to the terminal's width, with headings, verdicts and hints in colour where the
terminal takes it (`terminal.Terminal`). The terminal's own commands (`quit`) are added to the
help here, from the sections the core's help reply carries, so the core knows nothing of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from adapters.console.terminal import Terminal
from bot.conversation.help import help_text
from bot.messages import Reply

# Commands only the terminal has, listed in `help` after the core's own.
CONSOLE_COMMANDS = (("quit", "leave (Ctrl-D works too)"),)
_VERDICT_ROLES = {
    "ok": "good",
    "ok_with_disclaimer": "caution",
    "needs_authorization": "caution",
    "do_not_post": "stop",
}
_HEADING = re.compile(r"[^\s-].{0,100}:")  # a short line ending in a colon: "Reasons:"
_QUESTION = re.compile(r"Question \d+ of at most \d+:")


def render(reply: Reply) -> str:
    """The reply's text followed by the commands its buttons stand for."""
    return "\n".join(line for line, _ in styled_lines(reply))


def show(reply: Reply, terminal: Terminal) -> str:
    """The reply as the terminal shows it: wrapped to its width, in colour where it takes it."""
    return terminal.lines(styled_lines(reply))


def styled_lines(reply: Reply) -> list[tuple[str, str | None]]:
    """Each line of the reply with its role (heading, verdict, hint), or None for plain text."""
    text = _with_console_commands(reply) if reply.kind == "help" else reply.text
    lines = [(line, _role(reply, number, line)) for number, line in enumerate(text.split("\n"))]
    typed = [
        (button.command, button.label)
        for button in reply.buttons
        if button.typeable and button.label.lower() != button.command
    ]
    if typed and reply.kind != "did_you_mean":
        hints = " · ".join(f"'{command}' ({label.lower()})" for command, label in typed)
        lines.append((f"Next: type {hints}.", "quiet"))
    return lines


def _role(reply: Reply, number: int, line: str) -> str | None:
    if reply.kind == "checklist_verdict" and number == 0:
        verdict = reply.data.get("verdict")
        name = verdict.get("verdict") if isinstance(verdict, dict) else None
        return _VERDICT_ROLES.get(str(name), "heading")
    if _QUESTION.match(line) or (_HEADING.fullmatch(line) and not line.startswith("Source")):
        return "heading"
    if line.startswith("Source: "):
        return "quiet"
    return None


def _with_console_commands(reply: Reply) -> str:
    intro, sections = reply.data.get("intro"), reply.data.get("sections")
    if not isinstance(intro, str) or not isinstance(sections, list) or not sections:
        return reply.text
    listed: list[tuple[str, Sequence[tuple[str, str]]]] = [
        (str(heading), [(str(name), str(what)) for name, what in entries])
        for heading, entries in sections
    ]
    first_heading, first = listed[0]
    listed[0] = (first_heading, [*first, *CONSOLE_COMMANDS])
    return help_text(intro, listed)
