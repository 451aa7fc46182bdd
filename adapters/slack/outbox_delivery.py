"""Delivering the outbox to Slack: approval requests, decisions, reminders, as direct messages.

A loop claims due messages for Slack and posts each to the person's user id (which opens their
direct message with the bot). It wakes every few seconds, and at once when the bot has just
handled something that may have queued messages. Permanent failures (the user is gone) are
marked unreachable for HR's report; others are retried with backoff by the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import message
from bot import outbox
from bot.app import App
from bot.contacts import contact_for

log = logging.getLogger("policybot.slack")
PERMANENT = {
    "user_not_found",
    "channel_not_found",
    "account_inactive",
    "user_disabled",
    "cannot_dm_bot",
    "not_in_channel",
    "is_archived",
}
Hook = Callable[[web.Application], Awaitable[None]]


class SlackDelivery:
    """Claims and sends the Slack share of the outbox."""

    def __init__(
        self,
        app: App,
        client_for: Callable[[str | None], AsyncWebClient],
        interval: float = 5.0,
    ) -> None:
        self.app, self.client_for, self.interval = app, client_for, interval
        self._wake = asyncio.Event()

    def poke(self) -> None:
        """Deliver soon: something may just have been queued."""
        self._wake.set()

    async def deliver_due(self) -> int:
        """Send every due message once; the number sent."""
        now = self.app.bot.clock()
        items = await asyncio.to_thread(outbox.claim_due, self.app.db, platform="slack", now=now)
        sent = 0
        for item in items:
            contact = await asyncio.to_thread(
                contact_for, self.app.db, platform="slack", person=item.address
            )
            team = (
                str(contact.reference.get("team_id"))
                if contact and contact.reference.get("team_id")
                else None
            )
            try:
                await self.client_for(team).chat_postMessage(
                    channel=item.address, **message(item.reply)
                )
            except SlackApiError as error:
                code = str(error.response.get("error"))
                await asyncio.to_thread(
                    outbox.mark_failed,
                    self.app.db,
                    item.id,
                    error=f"Slack: {code}",
                    now=self.app.bot.clock(),
                    permanent=code in PERMANENT,
                )
                continue
            except Exception as error:  # the network: try again later
                await asyncio.to_thread(
                    outbox.mark_failed,
                    self.app.db,
                    item.id,
                    error=f"{type(error).__name__}: {error}",
                    now=self.app.bot.clock(),
                )
                continue
            await asyncio.to_thread(outbox.mark_sent, self.app.db, item.id, self.app.bot.clock())
            sent += 1
        return sent

    async def run(self) -> None:
        """Deliver forever: on every poke, and every `interval` seconds."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            try:
                await self.deliver_due()
            except Exception:
                log.exception("outbox delivery to Slack failed; will try again")

    def hooks(self) -> tuple[Hook, Hook]:
        """Start-up and clean-up hooks running the delivery loop."""
        tasks: list[asyncio.Task[None]] = []

        async def start(_web_app: web.Application) -> None:
            tasks.append(asyncio.create_task(self.run()))

        async def stop(_web_app: web.Application) -> None:
            for task in tasks:
                task.cancel()

        return start, stop
