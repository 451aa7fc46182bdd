"""Proactive messages (reminders, approvals, policy updates) to people on Teams.

A person can be messaged once the bot has their conversation reference: from their first
message, or from installing the app. Someone only seen in a channel is messaged in a one-to-one
chat the bot opens for them. Anyone who cannot be reached is reported with the reason, never
silently dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from adapters.teams.channel import Channel, Gateway
from adapters.teams.retry import ConnectorError
from adapters.teams.turns import PLATFORM, deliver
from bot.app import App
from bot.delivery.contacts import Contact, contact_for, remember_contact
from bot.messages import Reply

log = logging.getLogger(__name__)
NEVER_MET = (
    "no conversation reference: they have not talked to the bot or installed the app yet "
    "(install it for them, e.g. through Microsoft Graph, then try again)"
)


@dataclass(frozen=True)
class Delivery:
    """What happened to one person's message: delivered, or why not (with what got through)."""

    person: str
    delivered: bool
    reason: str | None = None
    activity_ids: tuple[str, ...] = ()
    retry_after: float | None = None  # set when Teams said to slow down (HTTP 429)


class TeamsNotifier:
    """Sends replies to people outside any conversation turn."""

    def __init__(self, app: App, gateway: Gateway) -> None:
        self.app = app
        self.gateway = gateway

    async def send(self, person: str, replies: Sequence[Reply]) -> Delivery:
        """Message one person (by Entra object id, or Teams user id) in their own chat."""
        contact = await asyncio.to_thread(
            contact_for, self.app.db, platform=PLATFORM, person=person
        )
        if contact is None:
            return Delivery(person, False, NEVER_MET)
        posted: list[str] = []

        async def post(channel: Channel) -> None:
            for reply in replies:  # one at a time, so a failure still reports what got through
                posted.extend(await deliver(channel, [reply]))

        try:
            reference = await self._personal_reference(contact)
            await self.gateway.continue_conversation(reference, post)
        except ConnectorError as error:
            log.warning("Teams message to %s not delivered: %s", person, error)
            reason = f"Teams refused the message ({error})"
            wait = None
            if error.status == 429:
                wait = 1.0 if error.retry_after is None else error.retry_after
            return Delivery(person, False, reason, tuple(posted), wait)
        except Exception as error:  # a broken stored reference, no outbound token, ...
            log.exception("Teams message to %s not delivered", person)
            reason = f"could not send: {type(error).__name__}: {error}"
            return Delivery(person, False, reason, tuple(posted))
        return Delivery(person, True, None, tuple(posted))

    async def send_many(self, people: Iterable[str], replies: Sequence[Reply]) -> list[Delivery]:
        """Message several people one after the other (Teams throttles bursts); one result each."""
        return [await self.send(person, replies) for person in people]

    async def _personal_reference(self, contact: Contact) -> dict[str, Any]:
        """The person's one-to-one chat, opened (and remembered) if only a channel is known."""
        reference = contact.reference
        if reference.get("conversation", {}).get("conversationType", "personal") == "personal":
            return reference
        personal = await self.gateway.open_personal_chat(reference)
        await asyncio.to_thread(
            remember_contact,
            self.app.db,
            platform=PLATFORM,
            person=contact.person,
            reference=personal,
            now=self.app.bot.clock(),
            display_name=contact.display_name,
            workspace=contact.workspace,
        )
        return personal
