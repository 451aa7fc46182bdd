"""The help text: what the bot can do, in plain words, generated from the command table."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import Button, Reply
from knowledge.models import Policy

QUESTION = ("a question", "ask anything about the policy in your own words")


def help_reply(policy: Policy, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> Reply:
    """List the commands this person may use (`CommandTable.help_lines`), by section, naming the
    policy they ask about; a question in their own words comes first."""
    lines = [f"I answer questions about the {policy.title} (version {policy.version})."]
    for number, (heading, commands) in enumerate(sections):
        lines.append(heading)
        lines += _listed([QUESTION, *commands] if number == 0 else list(commands))
    lines.append('For example: "can I post photos of my crew?"')
    return Reply(
        kind="help",
        text="\n".join(lines),
        title="What I can do",
        buttons=(Button("Start the checklist", "check"), Button("My status", "status")),
        data={"policy": policy.id},
    )


def _listed(commands: Sequence[tuple[str, str]]) -> list[str]:
    width = max(len(name) for name, _ in commands)
    return [f"  {name:<{width}}  {what}" for name, what in commands]
