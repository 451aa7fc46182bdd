"""Slack on `policybot serve`: the request URL, or a Socket Mode connection instead."""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp

from adapters.server import Hook, Mount
from adapters.slack.bolt_app import build_bolt_app
from adapters.slack.http import PATH, events_handler
from adapters.slack.listeners import SlackBot
from adapters.slack.settings import slack_settings
from bot.app import App


def mount_slack(app: App, environ: Mapping[str, str], *, socket_mode: bool = False) -> Mount:
    """Slack's routes and hooks; raises ConfigError naming any missing secret."""
    settings = slack_settings(environ, socket_mode=socket_mode)
    slack = SlackBot(app)
    bolt = build_bolt_app(slack, settings)
    open_session, close_session = _shared_http_session(bolt)
    if not socket_mode:
        return Mount(
            name="slack",
            routes=[web.post(PATH, events_handler(bolt, settings.signing_secret))],
            banner=[f"Slack: request URL {PATH} (events, /policy, interactivity)"],
            on_startup=[open_session],
            on_cleanup=[close_session],
            idle=slack.idle,
        )
    from adapters.slack.socket_mode import socket_mode_hooks

    start, stop = socket_mode_hooks(bolt, settings)
    return Mount(
        name="slack",
        banner=["Slack: Socket Mode (no inbound port needed)"],
        on_startup=[open_session, start],
        on_cleanup=[stop, close_session],
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
