"""Chat commands as a table: each capability registers its own, and the router consults it.

A `Command` names what a person types (a pattern), who may use it (an `Audience`), the handler,
and its help line; `help` is generated from the same table, so a command cannot exist without
its help line, nor be listed for someone who may not use it. A command typed wrong (the right
word, arguments that do not fit) gets its form back instead of an "I don't know".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from bot.messages import Incoming, Reply
from bot.people.directory import PersonInfo

APPROVER_ROLES = frozenset({"supervisor", "department_director", "social_media_administrator"})


class Audience(Enum):
    """Who may use a command, and so who sees it in `help`."""

    EVERYONE = "everyone"
    REQUESTERS = "requesters"  # everyone, where the policy asks for authorizations
    APPROVERS = "approvers"  # approvers and HR, where the policy asks for authorizations
    HR = "hr"


SECTIONS = {
    Audience.EVERYONE: "You can type:",
    Audience.REQUESTERS: "You can type:",
    Audience.APPROVERS: "As an approver:",
    Audience.HR: "As HR:",
}


class Turn:
    """One message on its way through the router, with what handlers ask of it read lazily."""

    def __init__(
        self,
        message: Incoming,
        policy_id: str,
        text: str,
        whoami: Callable[[], PersonInfo | None],
        asks_authorizations: Callable[[], bool],
    ) -> None:
        self.message, self.policy_id, self.text = message, policy_id, text
        self._whoami, self._asks = whoami, asks_authorizations

    @cached_property
    def me(self) -> PersonInfo | None:
        """The person on the staff list, or None (read once per message)."""
        return self._whoami()

    @cached_property
    def asks_authorizations(self) -> bool:
        """Whether the person's policy asks for authorizations (so requests exist at all)."""
        return self._asks()

    def may_use(self, audience: Audience) -> bool:
        if audience is Audience.EVERYONE:
            return True
        if audience is Audience.REQUESTERS:
            return self.asks_authorizations
        me = self.me
        if audience is Audience.HR:
            return me is not None and me.has("hr")
        return (
            self.asks_authorizations
            and me is not None
            and bool(me.roles & APPROVER_ROLES or me.has("hr"))
        )


# A handler returns None when the message is not its command after all (an unknown policy id).
Handler = Callable[[Turn, re.Match[str]], Reply | list[Reply] | None]


@dataclass(frozen=True)
class Command:
    """One entry of the table.

    `pattern` must match the whole message (case-insensitive); `usage`, when given, matches a
    message that starts like this command but does not fit, and `form` is then shown. `name`
    and `summary` make its help line, shown to `listed_for` (who may use it, or fewer: anyone
    may try `approve N` and hear why not, but only approvers are offered it); a command without
    a name is not listed (a button's command, or another way to say a listed one). `refusal` is
    said to someone outside the audience. A command that `interrupts` runs even in the middle
    of a checklist, where other words would be read as an answer.
    """

    pattern: re.Pattern[str]
    handler: Handler
    audience: Audience = Audience.EVERYONE
    name: str | None = None
    summary: str = ""
    refusal: str = "Sorry, that command is not available to you."
    usage: re.Pattern[str] | None = None
    form: str | None = None
    interrupts: bool = False
    listed: Audience | None = None  # who sees it in help, when fewer than may use it
    when: Callable[[str], bool] | None = None  # a test the text must also pass (chit-chat)

    def matches(self, text: str) -> re.Match[str] | None:
        """The match when the whole text is this command, else None."""
        match = self.pattern.fullmatch(text)
        if match is None or (self.when is not None and not self.when(text)):
            return None
        return match

    @property
    def listed_for(self) -> Audience:
        return self.listed or self.audience


def words(*phrases: str) -> re.Pattern[str]:
    """A pattern for a command typed as one of these phrases, with a stray '.' or '!' after."""
    alternatives = "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in phrases)
    return re.compile(rf"(?:{alternatives})[.!]*", re.IGNORECASE)


def pattern(regex: str) -> re.Pattern[str]:
    """A command pattern: case-insensitive, and `.` spans line breaks (comments can be long)."""
    return re.compile(regex, re.IGNORECASE | re.DOTALL)


class CommandTable:
    """Every capability's commands, in the order they are tried."""

    def __init__(self, commands: Iterable[Command]) -> None:
        self.commands = tuple(commands)

    def find(self, text: str) -> tuple[Command, re.Match[str]] | None:
        """The first command whose pattern matches the whole text."""
        stripped = text.strip()
        for command in self.commands:
            if match := command.matches(stripped):
                return command, match
        return None

    def run(self, turn: Turn) -> list[Reply] | None:
        """The replies of the command the text is, its form if typed wrong, or None."""
        stripped = turn.text.strip()
        for command in self.commands:
            if not (match := command.matches(stripped)):
                continue
            if not turn.may_use(command.audience):
                return [Reply(kind="refused", text=command.refusal)]
            replies = command.handler(turn, match)
            if replies is not None:
                return replies if isinstance(replies, list) else [replies]
        return self._usage(stripped)

    def _usage(self, text: str) -> list[Reply] | None:
        for command in self.commands:
            if command.usage is not None and command.usage.fullmatch(text):
                form = f"That command is typed like this: {command.form}."
                return [Reply(kind="usage", text=form)]
        return None

    def help_lines(self, turn: Turn) -> list[tuple[str, Sequence[tuple[str, str]]]]:
        """The listed commands this person may use, by section, in the table's order."""
        sections: dict[str, list[tuple[str, str]]] = {}
        for command in self.commands:
            if command.name is None or not turn.may_use(command.listed_for):
                continue
            sections.setdefault(SECTIONS[command.listed_for], []).append(
                (command.name, command.summary)
            )
        return list(sections.items())
