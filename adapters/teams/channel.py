"""The adapter's own small interface to a Teams conversation, free of any SDK type.

Activities are plain Bot Framework JSON (dicts with camelCase keys), as on the wire. Only
`adapters/teams/gateway.py` knows which SDK moves them; swapping botbuilder for the
Microsoft 365 Agents SDK means rewriting that one module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

Activity = dict[str, Any]


class Channel(Protocol):
    """One conversation the bot can post to, during a turn or proactively."""

    async def send(self, activity: Activity) -> str | None:
        """Post a new activity; returns the id Teams gave it, if any."""

    async def update(self, activity_id: str, activity: Activity) -> None:
        """Replace an activity the bot posted earlier (a card updated in place)."""


TurnLogic = Callable[[Activity, Channel], Awaitable[None]]
"""What the bot does with one inbound activity, replying through the channel."""
