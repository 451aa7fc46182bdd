"""Slack secrets and endpoints, read from the environment (never from app.yaml).

`SLACK_BOT_TOKEN` is the default bot token; a deployment serving several workspaces that are
not one Enterprise Grid org can give each its own as `SLACK_BOT_TOKEN_<TEAM ID>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.config import ConfigError

DEFAULT_API_URL = "https://slack.com/api/"
_TEAM_TOKEN_PREFIX = "SLACK_BOT_TOKEN_"


@dataclass(frozen=True)
class SlackSettings:
    """What the Slack adapter needs to talk to Slack and to trust what Slack sends."""

    bot_token: str
    signing_secret: str
    app_token: str
    api_url: str
    team_tokens: tuple[tuple[str, str], ...] = ()

    def token_for(self, team_id: str | None) -> str:
        """The bot token of a workspace: its own if configured, else the default one."""
        return dict(self.team_tokens).get(team_id or "", self.bot_token)


def slack_settings(environ: Mapping[str, str], *, socket_mode: bool) -> SlackSettings:
    """Read and check the Slack settings; a missing secret is a ConfigError naming it."""
    bot_token = _required(
        environ, "SLACK_BOT_TOKEN", "xoxb-", "the bot token (OAuth & Permissions)"
    )
    if socket_mode:
        app_token = _required(
            environ, "SLACK_APP_TOKEN", "xapp-", "an app-level token with connections:write"
        )
        signing_secret = environ.get("SLACK_SIGNING_SECRET", "").strip()
    else:
        app_token = ""
        signing_secret = _required(
            environ, "SLACK_SIGNING_SECRET", "", "the signing secret (Basic Information)"
        )
    api_url = environ.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL
    if not api_url.startswith(("https://", "http://")):
        raise ConfigError(f"SLACK_API_URL must be an http(s) URL (got {api_url!r})")
    team_tokens = tuple(
        (name.removeprefix(_TEAM_TOKEN_PREFIX), value.strip())
        for name, value in sorted(environ.items())
        if name.startswith(_TEAM_TOKEN_PREFIX) and value.strip()
    )
    return SlackSettings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        api_url=api_url if api_url.endswith("/") else api_url + "/",
        team_tokens=team_tokens,
    )


def _required(environ: Mapping[str, str], name: str, prefix: str, what: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is not set: Slack needs {what} in the environment")
    if prefix and not value.startswith(prefix):
        raise ConfigError(f"{name} does not look right: it should start with {prefix!r}")
    return value
