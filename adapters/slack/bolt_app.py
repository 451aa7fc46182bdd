"""The slack-bolt app: who the bot is in each workspace, retried Web API calls, event dedupe."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.logs import incoming_request_id, platform, request_id
from adapters.slack.listeners import PLATFORM, SlackBot, register
from adapters.slack.settings import SlackSettings
from bot.app import App
from bot.storage.database import StorageError
from bot.storage.events import claim_event

log = logging.getLogger("policybot.slack")
RATE_LIMIT_RETRIES = 3
_EXPECTED_WARNINGS = ("As you gave `client`", "As `installation_store` or `authorize`")


class _QuietAboutOurChoices(logging.Filter):
    """Drop bolt's warnings that SLACK_BOT_TOKEN is unused: we authorize per workspace."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_EXPECTED_WARNINGS)


bolt_log = logging.getLogger("policybot.slack.bolt")
bolt_log.addFilter(_QuietAboutOurChoices())


def web_client(settings: SlackSettings, token: str | None = None) -> AsyncWebClient:
    """A Web API client at the configured URL that waits out HTTP 429 (Retry-After) and retries.

    Without a token it is the template bolt copies for each workspace's authorized token.
    """
    client = AsyncWebClient(token=token, base_url=settings.api_url)
    client.retry_handlers.append(
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)
    )
    return client


def build_bolt_app(slack: SlackBot, settings: SlackSettings) -> AsyncApp:
    """The bolt app with PolicyBot's listeners, authorization and event deduplication."""
    bolt = AsyncApp(
        # bolt names a logger after the app and gives it bolt_log's level: under slack_bolt,
        # not under policybot, whose loggers' levels are PolicyBot's own (adapters/logs.py).
        name="slack_bolt.policybot",
        signing_secret=settings.signing_secret or "socket-mode",
        client=web_client(settings),
        authorize=_authorizer(settings),
        request_verification_enabled=bool(settings.signing_secret),
        logger=bolt_log,
        process_before_response=True,  # listeners ack, then spawn their work themselves
    )
    bolt.middleware(_socket_mode_request_id)
    bolt.middleware(_deduplicate(slack.app))
    register(bolt, slack)
    return bolt


def _authorizer(settings: SlackSettings) -> Callable[..., Awaitable[AuthorizeResult]]:
    """Finds the bot's token and identity for a workspace (auth.test once per token)."""
    identities: dict[str, dict[str, Any]] = {}
    lock = asyncio.Lock()

    async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        token = settings.token_for(team_id)
        async with lock:
            if token not in identities:
                response = await web_client(settings, token).auth_test()
                identities[token] = dict(response.data) if isinstance(response.data, dict) else {}
        identity = identities[token]
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id or identity.get("team_id"),
            bot_token=token,
            bot_user_id=identity.get("user_id"),
            bot_id=identity.get("bot_id"),
        )

    return authorize


async def _socket_mode_request_id(
    req: AsyncBoltRequest, next: Callable[[], Awaitable[None]]
) -> None:
    """Socket Mode envelopes come without an HTTP request: give each its own request id."""
    if req.mode == "socket_mode":
        request_id.set(incoming_request_id(None))
        platform.set(PLATFORM)
    await next()


def _deduplicate(app: App) -> Callable[..., Awaitable[BoltResponse | None]]:
    """A middleware letting each event id through once, whichever worker or retry brings it."""

    async def deduplicate(
        req: AsyncBoltRequest, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and event_id:
            try:
                first = await asyncio.to_thread(
                    claim_event, app.db, platform=PLATFORM, event_id=event_id, now=app.bot.clock()
                )
            except StorageError as error:  # the core will apologise; a retry may be answered too
                log.warning("cannot record event %s as handled: %s", event_id, error)
                first = True
            if not first:
                retry = req.headers.get("x-slack-retry-num", ["?"])[0]
                log.info("event %s already handled; ignoring (retry %s)", event_id, retry)
                return BoltResponse(status=200, body="")
        await next()
        return None

    return deduplicate
