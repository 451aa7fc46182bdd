"""The help text: what the bot can do, in plain words."""

from __future__ import annotations

from bot.messages import Button, Reply
from knowledge.models import Policy

COMMANDS = (
    ("a question", "ask anything about the policy in your own words"),
    ("check", 'walk the "can I post this?" checklist before you post'),
    ("ack", "acknowledge that you have read the current policy"),
    ("status", "see what you have acknowledged and whether a new version awaits"),
    ("help", "show this list"),
)


def help_reply(policy: Policy) -> Reply:
    """List the commands, naming the policy the person is asking about."""
    lines = [
        f"I answer questions about the {policy.title} (version {policy.version}).",
        "You can type:",
    ]
    lines += [f"  {name:<12} {what}" for name, what in COMMANDS]
    lines.append('For example: "can I post photos of my crew?"')
    return Reply(
        kind="help",
        text="\n".join(lines),
        title="What I can do",
        buttons=(Button("Start the checklist", "check"), Button("My status", "status")),
        data={"policy": policy.id},
    )
