"""Slack events, the /policy command and button presses, turned into the core's messages.

Every listener acknowledges Slack first and does its work in a background task after the ack;
the core runs in a worker thread, so the event loop stays free to ack the next request within
Slack's three seconds.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.downloads import DownloadError
from adapters.slack.blocks import ACTION_PREFIX, home_view
from adapters.slack.delivery import (
    ChannelDestination,
    Destination,
    ResponseUrlDestination,
    deliver,
)
from adapters.slack.files import download_files
from adapters.slack.payloads import COMMAND, strip_mentions, unescape
from bot.app import App
from bot.delivery.contacts import remember_contact
from bot.messages import Attachment, Button, Incoming, Reply
from bot.storage.database import StorageError

PLATFORM = "slack"
FILES = "file_share"
log = logging.getLogger("policybot.slack")
_SORRY = Reply(
    kind="error",
    text="Sorry, something went wrong on my side and nothing was changed. "
    "Please try again in a minute.",
)


class SlackBot:
    """The bridge between Slack payloads and the platform-neutral core."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._names: dict[str, str | None] = {}
        self._in_flight = 0
        self._tasks: set[asyncio.Future[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def spawn(self, work: Awaitable[None]) -> None:
        """Run work after the ack, counted so tests and shutdown can wait for it to finish."""
        self._in_flight += 1
        self._idle.clear()
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Future[None]) -> None:
        self._tasks.discard(task)
        self._in_flight -= 1
        if self._in_flight == 0:
            self._idle.set()
        if not task.cancelled() and task.exception() is not None:
            log.error("work after a Slack ack failed", exc_info=task.exception())

    async def idle(self) -> None:
        """Wait until no work started after an ack is still running."""
        await self._idle.wait()

    async def ask_core(
        self,
        client: AsyncWebClient,
        *,
        team: str | None,
        user: str,
        conversation: str,
        text: str,
        files: tuple[Attachment, ...] = (),
    ) -> list[Reply]:
        """The core's replies to what a person typed or pressed; a failure becomes an apology."""
        name = await self._display_name(client, user)
        incoming = Incoming(
            platform=PLATFORM,
            person=user,
            conversation=conversation,
            text=text,
            display_name=name,
            attachments=files,
            default_policy_id=self.app.config.policy_for_workspace(PLATFORM, team),
        )
        try:
            replies = await asyncio.to_thread(self.app.bot.handle, incoming)
            log.info("answered a Slack message: %s", ", ".join(reply.kind for reply in replies))
            return replies
        except Exception:
            log.exception("the core failed on a Slack message")
            return [_SORRY]

    async def awaits_document(self, *, user: str, conversation: str) -> bool:
        """Whether this HR person's publication in this DM waits for its document: files
        shared in a DM are downloaded only then."""
        incoming = Incoming(platform=PLATFORM, person=user, conversation=conversation, text="")
        return await asyncio.to_thread(self.app.bot.awaits_document, incoming)

    async def remember(self, *, team: str | None, user: str, channel: str) -> None:
        """Keep the person's direct-message channel for later messages (reminders, approvals);
        with the database unreachable the message is still answered (with an apology)."""
        try:
            await asyncio.to_thread(
                remember_contact,
                self.app.db,
                platform=PLATFORM,
                person=user,
                reference={"team_id": team, "user_id": user, "channel": channel},
                now=self.app.bot.clock(),
                display_name=self._names.get(user),
                workspace=team,
            )
        except StorageError as error:
            log.warning("cannot keep the contact of a Slack user: %s", error)

    async def publish_home(self, client: AsyncWebClient, *, team: str | None, user: str) -> None:
        """Show the person's acknowledgement status and next steps on the App Home tab."""
        [status] = await self.ask_core(
            client, team=team, user=user, conversation="home", text="status"
        )
        buttons = (*status.buttons, Button("Start the checklist", "check"), Button("Help", "help"))
        try:
            await client.views_publish(user_id=user, view=home_view(status, buttons))
        except SlackApiError as error:
            log.warning("slack refused the home view: %s", error.response.get("error"))

    async def _display_name(self, client: AsyncWebClient, user: str) -> str | None:
        """The person's name for HR's reports, looked up once per process."""
        if user not in self._names:
            try:
                response = await client.users_info(user=user)
                profile = (response.get("user") or {}).get("profile") or {}
                self._names[user] = profile.get("real_name") or profile.get("display_name")
            except SlackApiError:
                self._names[user] = None
        return self._names[user]


def register(bolt: AsyncApp, slack: SlackBot) -> None:
    """Attach every listener: each acks at once and does its work after (a lazy listener)."""

    async def direct_message(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        subtype = event.get("subtype")
        if event.get("channel_type") != "im" or _from_a_bot(event) or subtype not in (None, FILES):
            return
        team, user, channel = body.get("team_id"), event.get("user"), event.get("channel")
        if not isinstance(user, str) or not isinstance(channel, str):
            return
        await slack.remember(team=team, user=user, channel=channel)
        try:
            wanted = bool(event.get("files")) and await slack.awaits_document(
                user=user, conversation=channel
            )
            files = await download_files(client, event.get("files")) if wanted else ()
        except DownloadError as error:
            await deliver(
                ChannelDestination(client, channel),
                [Reply(kind="error", text=f"Sorry, {error}. Please try again.")],
                pressed=None,
            )
            return
        replies = await slack.ask_core(
            client,
            team=team,
            user=user,
            conversation=channel,
            text=unescape(event.get("text", "")),
            files=files,
        )
        await deliver(ChannelDestination(client, channel), replies, pressed=None)
        await _refresh_home_after_ack(slack, client, team, user, replies)

    async def mention(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        user, channel = event.get("user"), event.get("channel")
        if _from_a_bot(event) or not isinstance(user, str) or not isinstance(channel, str):
            return
        thread = event.get("thread_ts") or event.get("ts")
        text = strip_mentions(unescape(event.get("text", ""))) or "help"
        replies = await slack.ask_core(
            client,
            team=body.get("team_id"),
            user=user,
            conversation=f"{channel}:{thread}",
            text=text,
        )
        await deliver(ChannelDestination(client, channel, thread_ts=thread), replies, pressed=None)

    async def home_opened(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        user = event.get("user")
        if not isinstance(user, str) or event.get("tab", "home") != "home":
            return
        team = body.get("team_id")
        if isinstance(event.get("channel"), str):
            await slack.remember(team=team, user=user, channel=event["channel"])
        await slack.publish_home(client, team=team, user=user)

    async def policy_command(
        ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        user, team = command["user_id"], command.get("team_id")
        text = unescape(command.get("text", "")).strip() or "help"
        replies = await slack.ask_core(
            client, team=team, user=user, conversation=command["channel_id"], text=text
        )
        await deliver(ResponseUrlDestination(respond), replies, pressed=None)
        await _refresh_home_after_ack(slack, client, team, user, replies)

    async def button(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        user, team = body["user"]["id"], (body.get("team") or {}).get("id")
        command = action.get("value")
        if not isinstance(command, str) or not command:
            return
        destination, conversation = await _where_pressed(client, body, respond, user)
        if destination is None:
            return
        replies = await slack.ask_core(
            client, team=team, user=user, conversation=conversation, text=command
        )
        await deliver(destination, replies, pressed=action.get("block_id"))
        await _refresh_home_after_ack(slack, client, team, user, replies)

    later = _after_ack(slack)
    bolt.event("message")(later(direct_message))
    bolt.event("app_mention")(later(mention))
    bolt.event("app_home_opened")(later(home_opened))
    bolt.command(COMMAND)(later(policy_command))
    bolt.action(re.compile(f"^{re.escape(ACTION_PREFIX)}"))(later(button))


Listener = Callable[..., Awaitable[None]]


def _after_ack(slack: SlackBot) -> Callable[[Listener], Listener]:
    """Make a listener ack at once (bolt acks events itself) and run its body after the ack.

    Bolt reads the wrapped listener's argument names to decide what to pass; a listener that
    takes `ack` gets it only so that this wrapper can call it.
    """

    def wrap(listener: Listener) -> Listener:
        @functools.wraps(listener)
        async def run(**kwargs: Any) -> None:
            if "ack" in kwargs:
                await kwargs["ack"]()

            async def body() -> None:
                with slack.app.db.announcements_held():  # the reply first, then what it queued
                    await listener(**kwargs)

            slack.spawn(body())

        return run

    return wrap


async def _where_pressed(
    client: AsyncWebClient, body: dict[str, Any], respond: AsyncRespond, user: str
) -> tuple[Destination | None, str]:
    """The destination for replies to a button and the conversation it belongs to."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    if container.get("type") == "view" or not channel:  # the App Home: answer in the DM
        try:
            opened = await client.conversations_open(users=user)
        except SlackApiError as error:
            log.warning("cannot open a DM with %s: %s", user, error.response.get("error"))
            return None, ""
        channel = opened["channel"]["id"]
        return ChannelDestination(client, channel), channel
    if container.get("is_ephemeral"):
        return ResponseUrlDestination(respond), channel
    pressed = body.get("message") or {}
    thread = pressed.get("thread_ts")
    conversation = f"{channel}:{thread}" if thread else channel
    destination = ChannelDestination(
        client, channel, thread_ts=thread, message_ts=pressed.get("ts"), original=pressed
    )
    return destination, conversation


async def _refresh_home_after_ack(
    slack: SlackBot, client: AsyncWebClient, team: str | None, user: str, replies: list[Reply]
) -> None:
    if any(reply.kind == "ack" for reply in replies):
        await slack.publish_home(client, team=team, user=user)


def _from_a_bot(event: dict[str, Any]) -> bool:
    return bool(event.get("bot_id")) or event.get("subtype") == "bot_message"
