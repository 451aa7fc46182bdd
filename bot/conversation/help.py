"""The help text: what the bot can do, in plain words."""

from __future__ import annotations

from bot.messages import Button, Reply
from bot.people.directory import PersonInfo
from knowledge.models import Policy

COMMANDS = (
    ("a question", "ask anything about the policy in your own words"),
    ("check", 'walk the "can I post this?" checklist before you post'),
    ("ack", "acknowledge that you have read the current policy"),
    ("status", "see what you have acknowledged and whether a new version awaits"),
    ("changes", "see what changed in the newest version"),
    ("help", "show this list"),
)
REQUEST_COMMANDS = (
    ("request", "ask for authorization to use social media for work"),
    ("requests", "see your requests and where they stand"),
)
APPROVER_COMMANDS = (
    ("inbox", "the requests waiting for your decision"),
    ("approve N", "approve request N (add a comment after it if you like)"),
    ("deny N", "deny request N, with the reason after it"),
)
HR_COMMANDS = (
    ("publish ID", "publish a new version of a policy from a file"),
    ("dashboard", "a link to HR's dashboard: acknowledgements, questions, requests"),
    ("role add NAME ROLE", "give someone a role (role remove takes it back)"),
    ("supervisor set NAME to NAME", "set who approves someone's requests"),
)
APPROVER_ROLES = frozenset({"supervisor", "department_director", "social_media_administrator"})


def help_reply(
    policy: Policy, me: PersonInfo | None = None, *, authorizations: bool = False
) -> Reply:
    """List the commands, naming the policy the person is asking about: requests when the
    policy asks for `authorizations`, and what approvers and HR can do to them."""
    lines = [
        f"I answer questions about the {policy.title} (version {policy.version}).",
        "You can type:",
    ]
    lines += _listed(COMMANDS + (REQUEST_COMMANDS if authorizations else ()))
    if authorizations and me is not None and (me.roles & APPROVER_ROLES or me.has("hr")):
        lines += ["As an approver:", *_listed(APPROVER_COMMANDS)]
    if me is not None and me.has("hr"):
        lines += ["As HR:", *_listed(HR_COMMANDS)]
    lines.append('For example: "can I post photos of my crew?"')
    return Reply(
        kind="help",
        text="\n".join(lines),
        title="What I can do",
        buttons=(Button("Start the checklist", "check"), Button("My status", "status")),
        data={"policy": policy.id},
    )


def _listed(commands: tuple[tuple[str, str], ...]) -> list[str]:
    width = max(len(name) for name, _ in commands)
    return [f"  {name:<{width}}  {what}" for name, what in commands]
