"""Sending outbox messages to Slack, as direct messages to the person's user id.

Each message carries its outbox id in Slack's message metadata. A message "in doubt" (a worker
stopped after sending it but before recording that) is looked up in the person's DM first, and
only sent if it is not there: a restart in the middle of an announcement sends nothing twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.outbox_worker import DeliveryFailed, OutboxWorker, RateLimited, Send
from adapters.slack.blocks import message
from bot.app import App
from bot.delivery.contacts import contact_for
from bot.delivery.outbox import OutboxItem

METADATA_EVENT = "policybot_outbox"
CONCURRENT_SENDS = 8  # safe: a message in doubt after a crash is looked up before resending
LOOKBACK = 100  # messages of the DM searched for one in doubt
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
        client = client_for(str(team) if team else None)
        try:
            if item.in_doubt and await _already_posted(client, item):
                return
            await client.chat_postMessage(
                channel=item.address,
                metadata={"event_type": METADATA_EVENT, "event_payload": {"outbox_id": item.id}},
                **message(item.reply),
            )
        except SlackApiError as error:
            if error.response.status_code == 429:
                raise RateLimited(_retry_after(error)) from None
            code = str(error.response.get("error"))
            raise DeliveryFailed(f"Slack: {code}", permanent=code in PERMANENT) from None

    return send


async def _already_posted(client: AsyncWebClient, item: OutboxItem) -> bool:
    """Whether the person's DM already holds this outbox message (found by its metadata)."""
    opened = await client.conversations_open(users=item.address)
    channel = opened["channel"]["id"]
    history = await client.conversations_history(
        channel=channel, include_all_metadata=True, limit=LOOKBACK
    )
    for posted in history.get("messages") or []:
        metadata = posted.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == METADATA_EVENT and payload.get("outbox_id") == item.id:
            return True
    return False


def _retry_after(error: SlackApiError) -> float:
    try:
        return float(error.response.headers.get("Retry-After", 1))
    except (TypeError, ValueError):
        return 1.0


def slack_worker(app: App, client_for: Callable[[str | None], AsyncWebClient]) -> OutboxWorker:
    """The outbox loop for Slack."""
    return OutboxWorker(app, "slack", slack_sender(app, client_for), concurrency=CONCURRENT_SENDS)
