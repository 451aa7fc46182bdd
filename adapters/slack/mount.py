"""Slack on `policybot serve`: not built yet."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.server import Mount
from bot.app import App
from bot.config import ConfigError


def mount_slack(app: App, environ: Mapping[str, str], *, socket_mode: bool = False) -> Mount:
    """Refuse to serve Slack until the adapter exists, rather than pretend to."""
    raise ConfigError("Slack support is not available yet; set slack.enabled: false in app.yaml")
