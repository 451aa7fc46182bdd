"""What a chat platform plugs into `policybot serve`: its routes, hooks and start-up lines.

Kept apart from the server so that platforms depend on this small contract and the server
depends on the platforms, never both ways.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

Hook = Callable[[web.Application], Awaitable[None]]
SHUTDOWN_GRACE_SECONDS = 8.0  # how long sends under way may take to finish at shutdown


@dataclass
class Mount:
    """One chat platform plugged into the server."""

    name: str
    routes: list[web.RouteDef] = field(default_factory=list)
    banner: list[str] = field(default_factory=list)
    on_startup: list[Hook] = field(default_factory=list)
    on_cleanup: list[Hook] = field(default_factory=list)
    idle: Callable[[], Awaitable[None]] | None = None  # waits until work after acks is done
    # Why this mount may be served on loopback only (an unauthenticated endpoint), if it must.
    loopback_only: str | None = None
