"""The adapter's own small interfaces to Teams, free of any SDK type.

Activities are plain Bot Framework JSON (dicts with camelCase keys), as on the wire. A `Gateway`
moves them through one SDK: `adapters/teams/gateway.py` (botbuilder 4.17) or
`adapters/teams/agents_gateway.py` (the Microsoft 365 Agents SDK), chosen by `teams.sdk` in
app.yaml. Only those two modules import an SDK; everything else speaks through this module, so
stored conversation references, dedupe claims and the outbox work with either.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

Activity = dict[str, Any]
TokenProvider = Callable[[], str]
"""Where the bot's outbound token comes from instead of Microsoft Entra ID (for tests)."""


class Channel(Protocol):
    """One conversation the bot can post to, during a turn or proactively."""

    async def send(self, activity: Activity) -> str | None:
        """Post a new activity; returns the id Teams gave it, if any."""

    async def update(self, activity_id: str, activity: Activity) -> None:
        """Replace an activity the bot posted earlier (a card updated in place)."""


TurnLogic = Callable[[Activity, Channel], Awaitable[None]]
"""What the bot does with one inbound activity, replying through the channel."""


class Unauthorized(Exception):
    """The request's Bot Framework token is missing, invalid, or not meant for this bot."""


@dataclass(frozen=True)
class Ticket:
    """An authenticated inbound request, ready to be processed (its contents are the SDK's)."""

    activity: Any
    identity: Any


class Gateway(Protocol):
    """Inbound authentication, turns and the Bot Connector, through one SDK."""

    async def authenticate(self, activity: Activity, authorization: str | None) -> Ticket:
        """Check the request's token; raises Unauthorized (401) or MalformedActivity (400)."""

    async def process(self, ticket: Ticket, activity: Activity, logic: TurnLogic) -> None:
        """Run one turn for an authenticated activity; `logic` replies through its Channel."""

    async def continue_conversation(
        self, reference: dict[str, Any], logic: Callable[[Channel], Awaitable[None]]
    ) -> None:
        """Post into a stored conversation outside any turn (a proactive message)."""

    async def open_personal_chat(self, reference: dict[str, Any]) -> dict[str, Any]:
        """Create (or find) the person's one-to-one chat with the bot; returns its reference."""

    async def close(self) -> None:
        """Release the connections kept for the Bot Connector (at server shutdown)."""
