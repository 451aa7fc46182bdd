"""Socket Mode: Slack over an outbound websocket, for a city that cannot open an inbound port."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from adapters.slack.bolt_app import web_client
from adapters.slack.settings import SlackSettings

Hook = Callable[[web.Application], Awaitable[None]]


def socket_mode_hooks(bolt: AsyncApp, settings: SlackSettings) -> tuple[Hook, Hook]:
    """Start-up and clean-up hooks that open and close the Socket Mode connection."""
    handler = AsyncSocketModeHandler(
        bolt, settings.app_token, web_client=web_client(settings, settings.app_token)
    )

    async def start(_web_app: web.Application) -> None:
        await handler.connect_async()  # type: ignore[no-untyped-call]

    async def stop(_web_app: web.Application) -> None:
        await handler.close_async()  # type: ignore[no-untyped-call]

    return start, stop
