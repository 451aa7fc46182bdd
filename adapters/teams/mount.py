"""Teams on `policybot serve`: the /api/messages route, its banner, and the proactive notifier,
on the gateway of the SDK `teams.sdk` names (imported only when chosen)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from adapters.downloads import AllowedHosts
from adapters.mounting import Mount
from adapters.outbox_worker import DeliveryFailed, OutboxWorker, RateLimited, Send
from adapters.teams.channel import Gateway, TokenProvider
from adapters.teams.endpoint import ROUTE, MessagesEndpoint
from adapters.teams.notifier import NEVER_MET, TeamsNotifier
from adapters.teams.settings import AUTH, AUTH_OFF, TeamsSettings, settings_from_environ
from adapters.teams.turns import TeamsTurns
from bot.app import App
from bot.config import TEAMS_SDKS, ConfigError
from bot.delivery.outbox import OutboxItem

SDK_NAMES = {
    "agents": "Microsoft 365 Agents SDK",
    "botbuilder": "Bot Framework SDK (botbuilder 4.17, out of support)",
}


@dataclass
class TeamsMount(Mount):
    """The Teams mount, carrying the notifier later features use for proactive messages."""

    notifier: TeamsNotifier | None = None
    outbox: OutboxWorker | None = None


def mount_teams(
    app: App, environ: Mapping[str, str], *, token_provider: TokenProvider | None = None
) -> TeamsMount:
    """Build the Teams endpoint from the environment; a bad setting is a ConfigError.

    `token_provider` replaces Azure AD as the source of the bot's outbound tokens (tests).
    """
    settings = settings_from_environ(environ)
    file_hosts = _file_hosts(app)
    sdk = app.config.teams.sdk or TEAMS_SDKS[0]
    gateway = open_gateway(
        sdk, settings, authentication=settings.authentication, token_provider=token_provider
    )
    turns = TeamsTurns(app, file_hosts)
    endpoint = MessagesEndpoint(gateway, turns)
    notifier = TeamsNotifier(app, gateway)
    worker = OutboxWorker(app, "teams", teams_sender(notifier))
    start, stop = worker.hooks()

    async def close_gateway(_web_app: web.Application) -> None:
        await gateway.close()

    return TeamsMount(
        name="teams",
        routes=[web.post(ROUTE, endpoint.handle)],
        banner=banner(settings, sdk),
        on_startup=[start],
        on_cleanup=[stop, close_gateway],
        notifier=notifier,
        outbox=worker,
        loopback_only=None if settings.authentication else f"{AUTH}={AUTH_OFF}",
    )


def _file_hosts(app: App) -> AllowedHosts:
    """app.yaml's teams.file_hosts, each checked; a malformed one is a ConfigError naming it."""
    try:
        return AllowedHosts(app.config.teams.file_hosts)
    except ValueError as error:
        raise ConfigError(f"{app.config.source}: teams.file_hosts: {error}") from None


def open_gateway(
    sdk: str,
    settings: TeamsSettings,
    *,
    authentication: bool,
    token_provider: TokenProvider | None = None,
) -> Gateway:
    """The gateway on the SDK `teams.sdk` names; the other SDK is never imported.

    `authentication` is passed explicitly, never inferred from an empty app id.
    """
    if sdk == "botbuilder":
        from adapters.teams.gateway import BotFrameworkGateway

        return BotFrameworkGateway(
            settings, authentication=authentication, token_provider=token_provider
        )
    if sdk == "agents":
        from adapters.teams.agents_gateway import AgentsGateway

        return AgentsGateway(settings, authentication=authentication, token_provider=token_provider)
    raise ValueError(f"unknown Teams SDK {sdk!r}")  # the configuration loader refuses it first


def teams_sender(notifier: TeamsNotifier) -> Send:
    """Send one outbox message through the notifier; a person never met cannot be retried."""

    async def send(item: OutboxItem) -> None:
        delivery = await notifier.send(item.address, [item.reply])
        if not delivery.delivered:
            if delivery.retry_after is not None and not delivery.activity_ids:
                raise RateLimited(delivery.retry_after)
            reason = f"Teams: {delivery.reason}"
            raise DeliveryFailed(reason, permanent=delivery.reason == NEVER_MET)

    return send


def banner(settings: TeamsSettings, sdk: str) -> list[str]:
    """What `serve` prints about Teams; an unauthenticated endpoint is impossible to miss."""
    on = f"on the {SDK_NAMES[sdk]}"
    if settings.authentication:
        return [f"Teams: POST {ROUTE} (bot {settings.app_id}, {settings.app_type}) {on}"]
    return [
        f"Teams: POST {ROUTE} {on}",
        "!" * 72,
        f"!! WARNING: TEAMS AUTHENTICATION IS OFF ({AUTH}={AUTH_OFF}).",
        "!! Anyone who can reach this port can post as any user, so it listens on",
        "!! loopback only. Use this only on your own machine with the Bot Framework",
        f"!! Emulator; for Teams unset {AUTH} and set MICROSOFT_APP_ID and",
        "!! MICROSOFT_APP_PASSWORD.",
        "!" * 72,
    ]
