"""The help text: what the bot can do, in plain words, generated from the command table."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import Button, Reply
from knowledge.models import Policy

QUESTION = ("a question", "ask anything about the policy in your own words")
EXAMPLE = 'For example: "can I post photos of my crew?"'
Sections = Sequence[tuple[str, Sequence[tuple[str, str]]]]


def help_reply(policy: Policy, sections: Sections) -> Reply:
    """List the commands this person may use (`CommandTable.help_lines`), by section, naming the
    policy they ask about; a question in their own words comes first.

    The sections travel in `data` too, so an adapter with commands of its own (the terminal's
    `quit`) can list them with the rest through `help_text`, without the core knowing them.
    """
    intro = f"I answer questions about the {policy.title} (version {policy.version})."
    return Reply(
        kind="help",
        text=help_text(intro, sections),
        title="What I can do",
        buttons=(Button("Start the checklist", "check"), Button("My status", "status")),
        data={
            "policy": policy.id,
            "intro": intro,
            "sections": [
                [heading, [list(entry) for entry in entries]] for heading, entries in sections
            ],
        },
    )


def help_text(intro: str, sections: Sections) -> str:
    """The help as text: the intro, each section's commands aligned, an example question."""
    lines = [intro]
    for number, (heading, commands) in enumerate(sections):
        lines.append(heading)
        lines += _listed([QUESTION, *commands] if number == 0 else list(commands))
    lines.append(EXAMPLE)
    return "\n".join(lines)


def _listed(commands: Sequence[tuple[str, str]]) -> list[str]:
    width = max(len(name) for name, _ in commands)
    return [f"  {name:<{width}}  {what}" for name, what in commands]
