"""Slack on `policybot serve`: the request URL, or a Socket Mode connection instead."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.mounting import Hook, Mount
from adapters.slack.bolt_app import build_bolt_app, web_client
from adapters.slack.http import PATH, events_handler
from adapters.slack.listeners import SlackBot
from adapters.slack.outbox_delivery import slack_worker
from adapters.slack.settings import SlackSettings, slack_settings
from bot.app import App


def mount_slack(app: App, environ: Mapping[str, str], *, socket_mode: bool = False) -> Mount:
    """Slack's routes and hooks; raises ConfigError naming any missing secret."""
    settings = slack_settings(environ, socket_mode=socket_mode)
    slack = SlackBot(app)
    bolt = build_bolt_app(slack, settings)
    open_session, close_session = _shared_http_session(bolt)
    delivery = slack_worker(app, _clients(bolt, settings))
    start_delivery, stop_delivery = delivery.hooks()
    if not socket_mode:
        return Mount(
            name="slack",
            routes=[web.post(PATH, events_handler(bolt, settings.signing_secret))],
            banner=[f"Slack: request URL {PATH} (events, /policy, interactivity)"],
            on_startup=[open_session, start_delivery],
            on_cleanup=[stop_delivery, close_session],
            idle=slack.idle,
        )
    from adapters.slack.socket_mode import socket_mode_hooks

    start, stop = socket_mode_hooks(bolt, settings)
    return Mount(
        name="slack",
        banner=["Slack: Socket Mode (no inbound port needed)"],
        on_startup=[open_session, start, start_delivery],
        on_cleanup=[stop_delivery, stop, close_session],
        idle=slack.idle,
    )


def _shared_http_session(bolt: AsyncApp) -> tuple[Hook, Hook]:
    """Hooks giving every Web API call one pooled HTTP session instead of one per call."""
    state: dict[str, aiohttp.ClientSession] = {}

    async def open_session(_web_app: web.Application) -> None:
        state["session"] = bolt.client.session = aiohttp.ClientSession()

    async def close_session(_web_app: web.Application) -> None:
        if "session" in state:
            await state.pop("session").close()

    return open_session, close_session


def _clients(bolt: AsyncApp, settings: SlackSettings) -> Callable[[str | None], AsyncWebClient]:
    """A Web API client per workspace token, sharing bolt's pooled session and retries."""
    clients: dict[str, AsyncWebClient] = {}

    def client_for(team: str | None) -> AsyncWebClient:
        token = settings.token_for(team)
        if token not in clients:
            client = web_client(settings, token)
            client.session = bolt.client.session
            clients[token] = client
        return clients[token]

    return client_for
