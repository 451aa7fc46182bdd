"""Teams on `policybot serve`: not built yet (issue 5), so serving it is refused clearly."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.server import Mount
from bot.app import App
from bot.config import ConfigError


def mount_teams(app: App, environ: Mapping[str, str]) -> Mount:
    """Refuse to serve Teams until the adapter exists, rather than pretend to."""
    raise ConfigError("Teams support is not available yet; set teams.enabled: false in app.yaml")
