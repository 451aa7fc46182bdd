"""Replies as terminal text."""

from __future__ import annotations

from bot.messages import Reply


def render(reply: Reply) -> str:
    """The reply's text followed by the commands its buttons stand for."""
    lines = [reply.text]
    typed = [
        (button.command, button.label)
        for button in reply.buttons
        if button.typeable and button.label.lower() != button.command
    ]
    if reply.kind == "did_you_mean":
        return "\n".join(lines)
    if typed:
        hints = " · ".join(f"'{command}' ({label.lower()})" for command, label in typed)
        lines.append(f"Next: type {hints}.")
    return "\n".join(lines)
