"""`policybot serve`: one aiohttp server for every enabled chat platform (and HR's dashboard),
plus health checks.

Each platform contributes a `Mount` (its routes, start-up and shutdown hooks, and the lines it
wants printed at start). The platform SDKs are imported only here, when serving, so terminal
commands start fast and a deployment without Teams never imports botbuilder.
"""

from __future__ import annotations

import asyncio
import gc
import ipaddress
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import timedelta
from typing import Any, TextIO

from aiohttp import web

from adapters.logs import Say, announcer, configure_logging, request_ids, resolve_settings
from adapters.mounting import SHUTDOWN_GRACE_SECONDS, Hook, Mount
from bot.app import App
from bot.config import ConfigError
from bot.storage.database import StorageError

APP_KEY = web.AppKey("policybot_app", App)
DEFAULT_PORT = 3000


def load_mounts(
    app: App, *, socket_mode: bool = False, environ: Mapping[str, str] | None = None
) -> list[Mount]:
    """The mounts of every platform app.yaml enables; a missing secret is a ConfigError."""
    environ = os.environ if environ is None else environ
    mounts = []
    if app.config.slack.enabled:
        from adapters.slack.mount import mount_slack

        mounts.append(mount_slack(app, environ, socket_mode=socket_mode))
    elif socket_mode:
        raise ConfigError("--socket-mode needs Slack: set slack.enabled: true in app.yaml")
    if app.config.teams.enabled:
        from adapters.teams.mount import mount_teams

        mounts.append(mount_teams(app, environ))
    if app.config.dashboard.enabled:
        from adapters.dashboard.mount import mount_dashboard

        mounts.append(mount_dashboard(app, environ))
    return mounts


def build_web_app(app: App, mounts: list[Mount]) -> web.Application:
    """The aiohttp application: health checks and every platform's routes."""
    web_app = web.Application(client_max_size=1024 * 1024, middlewares=[request_ids])
    web_app[APP_KEY] = app
    web_app.add_routes([web.get("/healthz", _healthz), web.get("/readyz", _readyz)])
    start_timers, stop_timers = _maintenance(app)
    web_app.on_startup.append(start_timers)
    web_app.on_cleanup.append(stop_timers)
    for mount in mounts:
        web_app.add_routes(mount.routes)
        web_app.on_startup.extend(mount.on_startup)
        web_app.on_cleanup.extend(mount.on_cleanup)
        if mount.idle is not None:
            web_app.on_shutdown.append(_finish_work(mount.idle))
    return web_app


def _maintenance(app: App, every_seconds: float = 300.0) -> tuple[Hook, Hook]:
    """Hooks running, every few minutes, the approvals' reminders, escalations and expiries,
    the acknowledgement reminders, and forgetting event ids older than any platform retries."""
    from bot.acknowledgements import reminders
    from bot.approvals.timers import run_due
    from bot.storage.events import prune_events

    def once() -> None:
        now = app.bot.clock()
        run_due(app.db, app.config.approvals, now)
        reminders.run_due(app.db, app.config, now)
        prune_events(app.db, older_than=timedelta(days=1), now=now)

    async def loop() -> None:
        while True:
            try:
                await asyncio.to_thread(once)
            except Exception:
                logging.getLogger("policybot").exception("maintenance failed; will retry")
            await asyncio.sleep(every_seconds)

    return background_hooks(loop)


def background_hooks(run: Callable[[], Coroutine[Any, Any, None]]) -> tuple[Hook, Hook]:
    """Start-up and clean-up hooks that run a never-ending task while the server runs."""
    tasks: list[asyncio.Task[None]] = []

    async def start(_web_app: web.Application) -> None:
        tasks.append(asyncio.create_task(run()))

    async def stop(_web_app: web.Application) -> None:
        for task in tasks:
            task.cancel()

    return start, stop


def _finish_work(idle: Callable[[], Awaitable[None]]) -> Hook:
    """A shutdown hook that lets replies already being worked on go out (up to a limit)."""

    async def finish(_web_app: web.Application) -> None:
        try:
            await asyncio.wait_for(idle(), timeout=SHUTDOWN_GRACE_SECONDS)
        except TimeoutError:
            logging.getLogger("policybot").warning(
                "some replies were still being prepared at shutdown"
            )

    return finish


async def _healthz(_request: web.Request) -> web.Response:
    """Alive: the process answers HTTP."""
    return web.json_response({"status": "ok"})


async def _readyz(request: web.Request) -> web.Response:
    """Ready: the database answers and its schema is current."""
    app = request.app[APP_KEY]
    try:
        problem = await asyncio.to_thread(app.db.check)
    except StorageError as error:
        problem = str(error)
    if problem is not None:
        return web.json_response({"status": "unavailable", "reason": problem}, status=503)
    return web.json_response({"status": "ready"})


def serve(
    app: App,
    *,
    host: str,
    port: int,
    socket_mode: bool = False,
    out: TextIO = sys.stderr,
) -> int:
    """Run the server until SIGINT or SIGTERM, then finish in-flight work and stop.

    Port 0 picks a free port; the line announcing the server names the port actually bound.
    """
    settings = resolve_settings(app.config.logging, os.environ)
    configure_logging(settings)
    mounts = load_mounts(app, socket_mode=socket_mode)
    if not mounts:
        raise ConfigError(
            "nothing to serve: set slack.enabled, teams.enabled or dashboard.enabled in app.yaml"
        )
    refuse_exposed_host(mounts, host)
    say = announcer(settings, out)
    web_app = build_web_app(app, mounts)
    gc.collect()
    gc.freeze()  # the indexes and libraries loaded at start are never garbage: skip them
    asyncio.run(_serve(web_app, mounts, host, port, say))
    return 0


def is_loopback(host: str) -> bool:
    """Whether listening on `host` reaches this machine alone (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name could resolve anywhere: not loopback


def refuse_exposed_host(mounts: list[Mount], host: str) -> None:
    """A ConfigError when a mount that must stay on loopback would listen on another host."""
    for mount in mounts:
        if mount.loopback_only and not is_loopback(host):
            raise ConfigError(
                f"{mount.loopback_only} serves {mount.name} without authentication, so it "
                f"listens on loopback only: use --host 127.0.0.1, not {host!r}"
            )


async def _serve(
    web_app: web.Application, mounts: list[Mount], host: str, port: int, say: Say
) -> None:
    runner = web.AppRunner(
        web_app, handle_signals=False, shutdown_timeout=SHUTDOWN_GRACE_SECONDS, access_log=None
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as error:
            raise ConfigError(f"cannot listen on {host}:{port}: {error.strerror}") from None
        bound = runner.addresses[0][1] if runner.addresses else port
        say(f"PolicyBot serving on http://{host}:{bound} (health: /healthz, /readyz)")
        for mount in mounts:
            for line in mount.banner:
                say(f"  {line}")
        await _until_stopped()
        say("PolicyBot stopping: finishing the replies under way")
    finally:
        await runner.cleanup()


async def _until_stopped() -> None:
    """Wait for SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
