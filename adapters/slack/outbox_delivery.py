"""Sending outbox messages to Slack, as direct messages to the person's user id."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.outbox_worker import DeliveryFailed, OutboxWorker, Send
from adapters.slack.blocks import message
from bot.app import App
from bot.contacts import contact_for
from bot.outbox import OutboxItem

PERMANENT = {
    "user_not_found",
    "channel_not_found",
    "account_inactive",
    "user_disabled",
    "cannot_dm_bot",
    "not_in_channel",
    "is_archived",
}


def slack_sender(app: App, client_for: Callable[[str | None], AsyncWebClient]) -> Send:
    """Post one message to the person's DM with the bot, with their workspace's token."""

    async def send(item: OutboxItem) -> None:
        contact = await asyncio.to_thread(
            contact_for, app.db, platform="slack", person=item.address
        )
        team = contact.reference.get("team_id") if contact else None
        try:
            await client_for(str(team) if team else None).chat_postMessage(
                channel=item.address, **message(item.reply)
            )
        except SlackApiError as error:
            code = str(error.response.get("error"))
            raise DeliveryFailed(f"Slack: {code}", permanent=code in PERMANENT) from None

    return send


def slack_worker(app: App, client_for: Callable[[str | None], AsyncWebClient]) -> OutboxWorker:
    """The outbox loop for Slack."""
    return OutboxWorker(app, "slack", slack_sender(app, client_for))
