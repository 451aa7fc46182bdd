"""The Teams adapter's settings, read from environment variables (secrets never live in app.yaml).

Inbound requests are authenticated unless the environment says, explicitly,
`POLICYBOT_TEAMS_AUTH=off` (local testing with the Bot Framework Emulator; `policybot serve`
then listens on loopback only and says so loudly). An empty `MICROSOFT_APP_ID` never turns
authentication off: without it Teams refuses to start. `TeamsSettings.authentication` is the
one value every gateway reads. Every invalid value is a ConfigError naming the variable to fix.

The bot's identity can also be given under the Microsoft 365 Agents SDK's own names
(`CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID`, ...), so a city that followed
Microsoft's Agents SDK documentation needs no renaming; either name works with either SDK, and
the two names of one setting may not disagree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from adapters.teams.retry import RetryPolicy
from bot.config import ConfigError

AUTH = "POLICYBOT_TEAMS_AUTH"
AUTH_OFF = "off"
APP_ID = "MICROSOFT_APP_ID"
APP_PASSWORD = "MICROSOFT_APP_PASSWORD"
APP_TENANT_ID = "MICROSOFT_APP_TENANT_ID"
APP_TYPE = "MICROSOFT_APP_TYPE"
OPENID_METADATA_URL = "POLICYBOT_TEAMS_OPENID_METADATA_URL"
TOKEN_ISSUER = "POLICYBOT_TEAMS_TOKEN_ISSUER"
SEND_ATTEMPTS = "POLICYBOT_TEAMS_SEND_ATTEMPTS"
RETRY_BASE_SECONDS = "POLICYBOT_TEAMS_RETRY_BASE_SECONDS"
RETRY_MAX_SECONDS = "POLICYBOT_TEAMS_RETRY_MAX_SECONDS"

AGENTS_PREFIX = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"
AGENTS_CLIENT_ID = AGENTS_PREFIX + "CLIENTID"
AGENTS_CLIENT_SECRET = AGENTS_PREFIX + "CLIENTSECRET"
AGENTS_TENANT_ID = AGENTS_PREFIX + "TENANTID"
AGENTS_AUTH_TYPE = AGENTS_PREFIX + "AUTHTYPE"
AGENTS_AUTH_TYPES = {"clientsecret": "ClientSecret", "usermanagedidentity": "UserManagedIdentity"}
MULTI_TENANT_AUTHORITY_TENANT = "botframework.com"  # where multi-tenant bots get their tokens

APP_TYPES = {
    "multitenant": "MultiTenant",
    "singletenant": "SingleTenant",
    "userassignedmsi": "UserAssignedMSI",
}


@dataclass(frozen=True)
class TeamsSettings:
    """The bot's Microsoft identity, whether and where inbound tokens are checked, and how
    sends retry.

    `authentication` is False only when the environment asked for it with
    `POLICYBOT_TEAMS_AUTH=off`; it is never inferred from an empty app id.
    """

    authentication: bool = True
    app_id: str = ""
    app_password: str = ""
    app_type: str = "MultiTenant"
    tenant_id: str = ""
    openid_metadata_url: str | None = None
    token_issuer: str | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)


def settings_from_environ(environ: Mapping[str, str]) -> TeamsSettings:
    """Read and check the Teams variables; a ConfigError names the variable that is wrong."""
    authentication = _authentication(environ)
    app_id = _either(environ, APP_ID, AGENTS_CLIENT_ID)
    password = _either(environ, APP_PASSWORD, AGENTS_CLIENT_SECRET)
    tenant = _either(environ, APP_TENANT_ID, AGENTS_TENANT_ID)
    app_type = _app_type(environ.get(APP_TYPE, ""))
    agents_type = _agents_auth_type(environ, tenant)
    if agents_type and environ.get(APP_TYPE, "").strip():
        if (app_type == "UserAssignedMSI") != (agents_type == "UserAssignedMSI"):
            raise ConfigError(f"{APP_TYPE} and {AGENTS_AUTH_TYPE} disagree: set one of them")
    elif agents_type:
        app_type = agents_type
    if tenant.lower() == MULTI_TENANT_AUTHORITY_TENANT:
        tenant = ""  # the Agents SDK's way of writing "multi-tenant"
    if not authentication and (app_id or password):
        raise ConfigError(
            f"{AUTH}=off is for local testing without Teams, but {APP_ID} or {APP_PASSWORD} is "
            f"set: unset {AUTH} to authenticate Teams requests"
        )
    if authentication and not app_id:
        raise ConfigError(
            f"{APP_ID} is not set: Teams needs the Azure Bot's app id and {APP_PASSWORD} (its "
            "client secret) in the environment; or set teams.enabled: false in app.yaml"
        )
    if app_id and not password and app_type != "UserAssignedMSI":
        raise ConfigError(f"{APP_ID} is set but {APP_PASSWORD} is empty: set the bot's secret")
    if app_id and app_type != "MultiTenant" and not tenant:
        raise ConfigError(f"{APP_TENANT_ID} is required when {APP_TYPE} is {app_type}")
    metadata_url = environ.get(OPENID_METADATA_URL, "").strip() or None
    issuer = environ.get(TOKEN_ISSUER, "").strip() or None
    if (metadata_url is None) != (issuer is None):
        raise ConfigError(f"set both {OPENID_METADATA_URL} and {TOKEN_ISSUER}, or neither")
    return TeamsSettings(
        authentication=authentication,
        app_id=app_id,
        app_password=password,
        app_type=app_type,
        tenant_id=tenant,
        openid_metadata_url=metadata_url,
        token_issuer=issuer,
        retry=_retry_policy(environ),
    )


def _authentication(environ: Mapping[str, str]) -> bool:
    """False only for the explicit `POLICYBOT_TEAMS_AUTH=off`; `on` or unset mean on."""
    raw = environ.get(AUTH, "").strip().lower()
    if raw not in ("", "on", AUTH_OFF):
        raise ConfigError(f"{AUTH} must be on or off (got {raw!r}); leave it unset in production")
    return raw != AUTH_OFF


def _either(environ: Mapping[str, str], name: str, agents_name: str) -> str:
    """One setting under today's name or the Agents SDK's; both set must agree."""
    value = environ.get(name, "").strip()
    agents_value = environ.get(agents_name, "").strip()
    if value and agents_value and value != agents_value:
        raise ConfigError(f"{name} and {agents_name} disagree: set one of them")
    return value or agents_value


def _agents_auth_type(environ: Mapping[str, str], tenant: str) -> str | None:
    """The app type an Agents SDK AUTHTYPE (with its TENANTID) means, if one is given."""
    raw = environ.get(AGENTS_AUTH_TYPE, "").strip()
    if not raw:
        return None
    known = AGENTS_AUTH_TYPES.get(raw.lower())
    if known is None:
        choices = ", ".join(AGENTS_AUTH_TYPES.values())
        raise ConfigError(f"{AGENTS_AUTH_TYPE} must be one of {choices} (got {raw!r})")
    if known == "UserManagedIdentity":
        return "UserAssignedMSI"
    multi = not tenant or tenant.lower() == MULTI_TENANT_AUTHORITY_TENANT
    return "MultiTenant" if multi else "SingleTenant"


def _app_type(raw: str) -> str:
    value = raw.strip()
    if not value:
        return "MultiTenant"
    known = APP_TYPES.get(value.lower())
    if known is None:
        choices = ", ".join(APP_TYPES.values())
        raise ConfigError(f"{APP_TYPE} must be one of {choices} (got {value!r})")
    return known


def _retry_policy(environ: Mapping[str, str]) -> RetryPolicy:
    defaults = RetryPolicy()
    attempts = environ.get(SEND_ATTEMPTS, "").strip()
    if attempts and (not attempts.isdigit() or not 1 <= int(attempts) <= 10):
        raise ConfigError(f"{SEND_ATTEMPTS} must be a whole number from 1 to 10 (got {attempts!r})")
    return RetryPolicy(
        attempts=int(attempts) if attempts else defaults.attempts,
        base_seconds=_seconds(environ, RETRY_BASE_SECONDS, defaults.base_seconds),
        max_seconds=_seconds(environ, RETRY_MAX_SECONDS, defaults.max_seconds),
    )


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 300:
        raise ConfigError(f"{name} must be a number of seconds from 0 to 300 (got {raw!r})")
    return value
