"""Where the bot's replies go in Slack, and which of them update a message in place.

A reply goes to a channel or direct message (threaded when the question was), or to a slash
command's response URL (visible only to the person). A checklist button replaces the question it
was pressed on with the next one; "Was this helpful?" is replaced by the thanks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import BLOCK_PREFIX, FEEDBACK_BLOCK, feedback_given, message
from bot.messages import Reply

log = logging.getLogger("policybot.slack")
IN_PLACE_KINDS = {"checklist_question", "checklist_verdict", "checklist_cancelled"}
CHECKLIST_BLOCK = f"{BLOCK_PREFIX}checklist_question"


class Destination(Protocol):
    """Somewhere a reply can be posted, or a pressed message updated."""

    async def post(self, reply: Reply) -> None: ...

    async def replace(self, reply: Reply) -> None: ...

    async def mark_feedback(self, reply: Reply) -> None: ...


@dataclass
class ChannelDestination:
    """A channel or direct message, through the Web API; `message_ts` is a pressed message."""

    client: AsyncWebClient
    channel: str
    thread_ts: str | None = None
    message_ts: str | None = None
    original: dict[str, Any] = field(default_factory=dict)

    async def post(self, reply: Reply) -> None:
        """Post the reply as a new message (in the thread, if there is one)."""
        await self.client.chat_postMessage(
            channel=self.channel, thread_ts=self.thread_ts, **message(reply)
        )

    async def replace(self, reply: Reply) -> None:
        """Show the reply in place of the pressed message."""
        if self.message_ts is None:
            await self.post(reply)
            return
        await self.client.chat_update(channel=self.channel, ts=self.message_ts, **message(reply))

    async def mark_feedback(self, reply: Reply) -> None:
        """Swap the pressed message's "Was this helpful?" buttons for the thanks."""
        original_blocks = self.original.get("blocks")
        if self.message_ts is None or not isinstance(original_blocks, list):
            await self.post(reply)
            return
        await self.client.chat_update(
            channel=self.channel,
            ts=self.message_ts,
            text=str(self.original.get("text") or reply.text),
            blocks=feedback_given(original_blocks, reply),
        )


@dataclass
class ResponseUrlDestination:
    """A slash command's (or an ephemeral message's) response URL: seen only by the person."""

    respond: AsyncRespond

    async def post(self, reply: Reply) -> None:
        """Send the reply as a new message only the person sees."""
        await self.respond(response_type="ephemeral", replace_original=False, **message(reply))

    async def replace(self, reply: Reply) -> None:
        """Replace the ephemeral message the button was pressed on."""
        await self.respond(replace_original=True, **message(reply))

    async def mark_feedback(self, reply: Reply) -> None:
        """Ephemeral messages cannot be edited piecemeal: answer with the thanks."""
        await self.post(reply)


async def deliver(destination: Destination, replies: list[Reply], pressed: str | None) -> None:
    """Send every reply; `pressed` is the block id of the button that caused them, if any."""
    for index, reply in enumerate(replies):
        try:
            if index == 0 and pressed == CHECKLIST_BLOCK and reply.kind in IN_PLACE_KINDS:
                await destination.replace(reply)
            elif pressed == FEEDBACK_BLOCK and reply.kind == "feedback":
                await destination.mark_feedback(reply)
            else:
                await destination.post(reply)
        except SlackApiError as error:
            log.warning("slack refused a reply (%s): %s", reply.kind, error.response.get("error"))
