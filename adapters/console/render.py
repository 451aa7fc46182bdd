"""Replies as terminal text: plain for scripts, and fitted to a terminal with colour.

`render` gives the plain text (what scripts and tests read); `show` gives the same lines
wrapped to the terminal's width, with headings and verdicts in colour where the terminal takes
it (`terminal.Terminal`). The terminal's own commands (`quit`) are added to the help here, from
the sections the core's help reply carries, so the core knows nothing of them. The next-step
hints a reply's buttons stand for are shown by the chat session (`Hints`): once each, and only
where they help.
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
# Replies after which hints would interrupt: a checklist or a request under way, help (it
# lists the commands already), a choice to make.
_NO_HINTS_AFTER = frozenset(
    {
        "checklist_question",
        "draft_signals",
        "request_question",
        "request_confirm",
        "request_kind",
        "did_you_mean",
        "help",
        "deny_reason",
    }
)


def render(reply: Reply) -> str:
    """The reply's text (buttons are offered as hints by the chat session, see `Hints`)."""
    return "\n".join(line for line, _ in styled_lines(reply))


def show(reply: Reply, terminal: Terminal) -> str:
    """The reply as the terminal shows it: wrapped to its width, in colour where it takes it."""
    return terminal.lines(styled_lines(reply))


def styled_lines(reply: Reply) -> list[tuple[str, str | None]]:
    """Each line of the reply with its role (heading, verdict, hint), or None for plain text."""
    text = _with_console_commands(reply) if reply.kind == "help" else reply.text
    return [(line, _role(reply, number, line)) for number, line in enumerate(text.split("\n"))]


def next_steps(reply: Reply) -> list[tuple[str, str]]:
    """The commands the reply's buttons stand for, as (typed command, label)."""
    return [
        (button.command, button.label)
        for button in reply.buttons
        if button.typeable and button.label.lower() != button.command
    ]


class Hints:
    """Next-step hints ("Next: type 'ack' ..."), each shown once in a session and only when
    they help: never in the middle of a checklist or a request, never after help."""

    def __init__(self) -> None:
        self.shown: set[str] = set()

    def line(self, replies: Sequence[Reply]) -> str | None:
        """The hint line to print after these replies, or None."""
        if any(reply.kind in _NO_HINTS_AFTER for reply in replies):
            return None
        fresh = [
            (command, label)
            for reply in replies
            for command, label in next_steps(reply)
            if command not in self.shown
        ]
        if not fresh:
            return None
        self.shown.update(command for command, _ in fresh)
        hints = " · ".join(f"'{command}' ({label.lower()})" for command, label in fresh)
        return f"Next: type {hints}."


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
