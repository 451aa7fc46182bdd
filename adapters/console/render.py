"""Replies as terminal text, and the next-step hints a person sees once per session."""

from __future__ import annotations

from bot.messages import Reply

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
    return reply.text


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

    def line(self, replies: list[Reply]) -> str | None:
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
