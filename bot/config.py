"""The deployment's configuration (app.yaml), validated at start with errors a person can act on.

Secrets never live in the file: they come from environment variables. Without an app.yaml the
bot runs on the embedded defaults: both seed policies, and SQLite in the person's own data folder
(`user_database_path`), never in whatever folder it was started from (a second folder would
have meant a second, empty database: earlier acknowledgements looked lost) nor in the system's
/var (where `var/` relative to / would have put it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from platformdirs import user_data_path

CONFIG_ENV = "POLICYBOT_CONFIG"
DATABASE_URL_ENV = "POLICYBOT_DATABASE_URL"
DEFAULT_HR_CONTACT = "your Human Resources department"
# Where Teams keeps files sent to a bot in a personal chat: the sender's OneDrive for Business,
# on SharePoint Online (Teams bots receive no files in GCC High, DoD or 21Vianet clouds).
DEFAULT_TEAMS_FILE_HOSTS = ("*.sharepoint.com",)


class ConfigError(ValueError):
    """app.yaml is missing, unreadable or invalid; the message names the file and the key."""


@dataclass(frozen=True)
class MatcherSettings:
    """How sure the bot must be before it answers, and when two clauses are too close to call."""

    confidence_threshold: float = 0.4
    ambiguity_margin: float = 0.08
    top_k: int = 3


@dataclass(frozen=True)
class Organization:
    """A city or county: its policy and how employees reach HR."""

    id: str
    name: str
    policy: str
    hr_contact: str = DEFAULT_HR_CONTACT


@dataclass(frozen=True)
class PlatformSettings:
    """One chat platform: whether `policybot serve` offers it, and which city each workspace is.

    `routes` maps a Slack workspace (team id) or a Teams tenant id to an organization id; a
    workspace not listed gets `default_organization`, or the deployment's default policy.
    `file_hosts` (Teams) are the hosts files sent in chat may be downloaded from.
    """

    enabled: bool = False
    routes: tuple[tuple[str, str], ...] = ()
    default_organization: str | None = None
    sdk: str | None = None  # Teams only: the SDK its gateway runs on (one of TEAMS_SDKS)
    file_hosts: tuple[str, ...] = ()

    def organization_id(self, workspace: str | None) -> str | None:
        """The organization a workspace or tenant belongs to, if the configuration says."""
        return dict(self.routes).get(workspace or "", self.default_organization)


# Teams' SDKs: the Microsoft 365 Agents SDK (supported; the default, README "The SDK") and the
# Bot Framework SDK (botbuilder, out of support since 2025-12-31).
TEAMS_SDKS = ("agents", "botbuilder")

ROLES = ("employee", "supervisor", "department_director", "social_media_administrator", "hr")
ROLE_ALIASES = {
    "director": "department_director",
    "administrator": "social_media_administrator",
    "admin": "social_media_administrator",
    "manager": "supervisor",
}
IDENTITY_PLATFORMS = ("slack", "teams", "console")


@dataclass(frozen=True)
class PersonSeed:
    """A person as app.yaml describes them, seeded into the database at start."""

    handle: str
    name: str
    department: str | None = None
    supervisor: str | None = None
    roles: tuple[str, ...] = ("employee",)
    identities: tuple[tuple[str, str], ...] = ()  # (platform, id on that platform)
    organization: str | None = None  # app.yaml organization id; None: the default one


@dataclass(frozen=True)
class ApprovalSettings:
    """When a pending approval reminds its approver, and when it goes to their supervisor."""

    remind_after_hours: int = 48
    escalate_after_hours: int = 120


@dataclass(frozen=True)
class AcknowledgementSettings:
    """When people who have not acknowledged the current version are reminded, and how often."""

    remind_after_days: int = 7
    remind_every_days: int = 7


@dataclass(frozen=True)
class DeliverySettings:
    """How fast the outbox sends on each platform, below the platform's documented limits."""

    slack_per_second: float = 5.0
    teams_per_second: float = 40.0

    def per_second(self, platform: str) -> float | None:
        """The sending rate for a platform; None when it is not limited (the terminal)."""
        return {"slack": self.slack_per_second, "teams": self.teams_per_second}.get(platform)


@dataclass(frozen=True)
class DashboardSettings:
    """HR's web dashboard: whether `policybot serve` offers it, and where people reach it.

    `base_url` is the address sign-in links point at (the public one, behind a proxy); an https
    address makes the session cookie Secure. Links last `link_minutes`, sessions `session_hours`.
    """

    enabled: bool = False
    base_url: str = ""
    link_minutes: int = 10
    session_hours: int = 8

    @property
    def secure(self) -> bool:
        return self.base_url.startswith("https://")


@dataclass(frozen=True)
class LoggingSettings:
    """How `policybot serve` logs: `text` or `json` lines, at a level (environment overrides)."""

    format: str = "text"
    level: str = "INFO"


@dataclass(frozen=True)
class Config:
    """Everything a deployment sets; built only through `load_config`."""

    database_url: str
    default_policy: str = "la-crosse"
    matcher: MatcherSettings = field(default_factory=MatcherSettings)
    organizations: tuple[Organization, ...] = ()
    slack: PlatformSettings = field(default_factory=PlatformSettings)
    teams: PlatformSettings = field(
        default_factory=lambda: PlatformSettings(file_hosts=DEFAULT_TEAMS_FILE_HOSTS)
    )
    people: tuple[PersonSeed, ...] = ()
    approvals: ApprovalSettings = field(default_factory=ApprovalSettings)
    acknowledgements: AcknowledgementSettings = field(default_factory=AcknowledgementSettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    dashboard: DashboardSettings = field(default_factory=DashboardSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    # Handles of HR people who see and act for every organization (a county HR office serving
    # several towns); every other HR person sees only their own organization.
    deployment_hr: tuple[str, ...] = ()
    source: str = "embedded defaults"

    def policy_for_workspace(self, platform: str, workspace: str | None) -> str:
        """The policy for people of a Slack workspace or Teams tenant (else the default)."""
        settings = self.slack if platform == "slack" else self.teams
        organization_id = settings.organization_id(workspace)
        for organization in self.organizations:
            if organization.id == organization_id:
                return organization.policy
        return self.default_policy

    def organization_for_policy(self, policy_id: str) -> Organization | None:
        """The organization whose policy this is, for its name and HR contact."""
        return next((org for org in self.organizations if org.policy == policy_id), None)

    def hr_contact(self, policy_id: str) -> str:
        organization = self.organization_for_policy(policy_id)
        return organization.hr_contact if organization else DEFAULT_HR_CONTACT


def find_config_file(explicit: str | None = None) -> Path | None:
    """The config file to use: --config, then $POLICYBOT_CONFIG, then ./app.yaml if present."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    local = Path("app.yaml")
    return local if local.exists() else None


def user_database_path() -> Path:
    """The SQLite file used when no app.yaml says where: in the person's data folder, by the
    platform's convention ($XDG_DATA_HOME or ~/.local/share on Linux, ~/Library/Application
    Support on macOS, %LOCALAPPDATA% on Windows)."""
    return user_data_path("policybot", appauthor=False) / "policybot.sqlite3"


def load_config(path: Path | None) -> Config:
    """Read and validate the configuration; None means the embedded defaults."""
    if path is None:
        raw: dict[str, Any] = {"database": {"path": str(user_database_path())}}
        base, source = Path.cwd(), "embedded defaults"
    else:
        raw = _read(path)
        base, source = path.resolve().parent, str(path)
    return _build(raw, base, source)


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the configuration ({error})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" near line {where.line + 1}" if where is not None else ""
        raise ConfigError(f"{path}: not valid YAML{line}; check indentation and colons") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected settings as 'key: value' lines at the top level")
    return data


def _build(raw: dict[str, Any], base: Path, source: str) -> Config:
    known = {
        "database",
        "default_policy",
        "matcher",
        "organizations",
        "slack",
        "teams",
        "people",
        "approvals",
        "acknowledgements",
        "delivery",
        "dashboard",
        "logging",
        "deployment_hr",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(
            f"{source}: unknown setting(s) {', '.join(unknown)}; "
            f"known settings are {', '.join(sorted(known))}"
        )
    default_policy = _text(raw.get("default_policy", "la-crosse"), f"{source}: default_policy")
    organizations = _organizations(raw.get("organizations"), source)
    known_ids = {organization.id for organization in organizations}
    return Config(
        database_url=_database_url(raw.get("database"), base, source),
        default_policy=default_policy,
        matcher=_matcher(raw.get("matcher"), source),
        organizations=organizations,
        slack=_platform(raw.get("slack"), f"{source}: slack", "workspaces", known_ids),
        teams=_platform(
            raw.get("teams"),
            f"{source}: teams",
            "tenants",
            known_ids,
            TEAMS_SDKS,
            file_hosts=DEFAULT_TEAMS_FILE_HOSTS,
        ),
        people=_people(raw.get("people"), source, known_ids),
        approvals=_approvals(raw.get("approvals"), source),
        acknowledgements=_acknowledgements(raw.get("acknowledgements"), source),
        delivery=_delivery(raw.get("delivery"), source),
        dashboard=_dashboard(raw.get("dashboard"), f"{source}: dashboard"),
        logging=_logging(raw.get("logging"), source),
        deployment_hr=_handles(raw.get("deployment_hr"), f"{source}: deployment_hr"),
        source=source,
    )


def normalize_role(text: str) -> str | None:
    """The role a word names ("director" is department_director), or None if none."""
    word = text.strip().lower().replace(" ", "_").replace("-", "_")
    word = ROLE_ALIASES.get(word, word)
    return word if word in ROLES else None


def _approvals(raw: Any, source: str) -> ApprovalSettings:
    section = _section(raw, f"{source}: approvals")
    defaults = ApprovalSettings()
    remind = _whole(
        section.get("remind_after_hours", defaults.remind_after_hours),
        f"{source}: approvals.remind_after_hours",
        1,
        24 * 90,
    )
    escalate = _whole(
        section.get("escalate_after_hours", defaults.escalate_after_hours),
        f"{source}: approvals.escalate_after_hours",
        1,
        24 * 180,
    )
    if escalate <= remind:
        raise ConfigError(
            f"{source}: approvals.escalate_after_hours must be later than remind_after_hours"
        )
    return ApprovalSettings(remind, escalate)


def _acknowledgements(raw: Any, source: str) -> AcknowledgementSettings:
    section = _section(raw, f"{source}: acknowledgements")
    _only(section, {"remind_after_days", "remind_every_days"}, f"{source}: acknowledgements")
    defaults = AcknowledgementSettings()
    return AcknowledgementSettings(
        _whole(
            section.get("remind_after_days", defaults.remind_after_days),
            f"{source}: acknowledgements.remind_after_days",
            1,
            365,
        ),
        _whole(
            section.get("remind_every_days", defaults.remind_every_days),
            f"{source}: acknowledgements.remind_every_days",
            1,
            365,
        ),
    )


def _delivery(raw: Any, source: str) -> DeliverySettings:
    section = _section(raw, f"{source}: delivery")
    _only(section, {"slack_per_second", "teams_per_second"}, f"{source}: delivery")
    defaults = DeliverySettings()
    rates = {}
    for key, limit in (("slack_per_second", 50.0), ("teams_per_second", 50.0)):
        value = section.get(key, getattr(defaults, key))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= limit:
            raise ConfigError(
                f"{source}: delivery.{key} must be a number above 0 and at most {limit:g} "
                f"(the platform's documented limit; got {value!r})"
            )
        rates[key] = float(value)
    return DeliverySettings(**rates)


def _dashboard(raw: Any, where: str) -> DashboardSettings:
    """The dashboard section: enabled needs a base_url, http(s)://host[:port][/path], no query."""
    section = _section(raw, where)
    known = ("enabled", "base_url", "link_minutes", "session_hours")
    unknown = sorted(set(section) - set(known))
    if unknown:
        raise ConfigError(
            f"{where}: unknown setting(s) {', '.join(map(str, unknown))}; "
            f"known settings are {', '.join(known)}"
        )
    enabled = section.get("enabled", bool(section))
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}.enabled must be true or false (got {enabled!r})")
    base_url = section.get("base_url")
    if base_url is None and enabled:
        raise ConfigError(
            f"{where}.base_url is required when the dashboard is enabled: the address people "
            "open sign-in links at, such as https://policybot.example.gov"
        )
    base_url = _base_url(base_url, f"{where}.base_url") if base_url is not None else ""
    defaults = DashboardSettings()
    return DashboardSettings(
        enabled=enabled,
        base_url=base_url,
        link_minutes=_whole(
            section.get("link_minutes", defaults.link_minutes), f"{where}.link_minutes", 1, 60
        ),
        session_hours=_whole(
            section.get("session_hours", defaults.session_hours), f"{where}.session_hours", 1, 24
        ),
    )


def _base_url(value: Any, where: str) -> str:
    text = _text(value, where).rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{where} must be an http or https address such as https://policybot.example.gov "
            f"(got {text!r})"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(f"{where} must not carry a query, a fragment or a password ({text!r})")
    return text


def _only(section: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(section) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}: unknown setting(s) {', '.join(map(str, unknown))}; "
            f"expected {', '.join(sorted(allowed))}"
        )


def _logging(raw: Any, source: str) -> LoggingSettings:
    section = _section(raw, f"{source}: logging")
    unknown = sorted(set(section) - {"format", "level"})
    if unknown:
        raise ConfigError(
            f"{source}: logging: unknown setting(s) {', '.join(map(str, unknown))}; "
            "known settings are format, level"
        )
    form = str(section.get("format", "text")).strip().lower()
    if form not in ("text", "json"):
        raise ConfigError(f"{source}: logging.format must be text or json (got {form!r})")
    level = str(section.get("level", "INFO")).strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(
            f"{source}: logging.level must be DEBUG, INFO, WARNING or ERROR (got {level!r})"
        )
    return LoggingSettings(format=form, level=level)


def _handles(raw: Any, where: str) -> tuple[str, ...]:
    """A list of people's handles (lowercase, as the staff list keeps them)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{where} must be a list of handles, such as [hal, hana]")
    return tuple(dict.fromkeys(_text(item, f"{where} entry").lower() for item in raw))


def _people(raw: Any, source: str, known_ids: set[str]) -> tuple[PersonSeed, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{source}: people must be a list of '- handle: ...' entries")
    seeds = [_person(entry, f"{source}: people entry {n}") for n, entry in enumerate(raw, 1)]
    handles = [seed.handle for seed in seeds]
    for seed in seeds:
        if handles.count(seed.handle) > 1:
            raise ConfigError(f"{source}: people: the handle {seed.handle!r} is used twice")
        if seed.supervisor is not None and seed.supervisor not in handles:
            raise ConfigError(
                f"{source}: people: {seed.handle}'s supervisor {seed.supervisor!r} is not listed"
            )
        if seed.organization is not None and seed.organization not in known_ids:
            known = ", ".join(sorted(known_ids)) or "none are configured"
            raise ConfigError(
                f"{source}: people: {seed.handle}'s organization {seed.organization!r} is not "
                f"in organizations (known: {known})"
            )
    identities = [identity for seed in seeds for identity in seed.identities]
    for identity in identities:
        if identities.count(identity) > 1:
            raise ConfigError(f"{source}: people: {identity[0]} id {identity[1]!r} is used twice")
    return tuple(seeds)


def _person(raw: Any, where: str) -> PersonSeed:
    item = _section(raw, where)
    allowed = {
        "handle",
        "name",
        "department",
        "supervisor",
        "roles",
        "organization",
        *IDENTITY_PLATFORMS,
    }
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(map(str, unknown))}")
    handle = _text(item.get("handle"), f"{where} handle").lower()
    roles_raw = item.get("roles", ["employee"])
    if not isinstance(roles_raw, list):
        raise ConfigError(f"{where} roles must be a list, such as [employee, supervisor]")
    roles = []
    for value in roles_raw:
        role = normalize_role(str(value))
        if role is None:
            raise ConfigError(f"{where}: unknown role {value!r}; roles are {', '.join(ROLES)}")
        roles.append(role)
    supervisor = item.get("supervisor")
    if supervisor is not None:
        supervisor = _text(supervisor, f"{where} supervisor").lower()
        if supervisor == handle:
            raise ConfigError(f"{where}: {handle} cannot be their own supervisor")
    identities = tuple(
        (platform, _text(str(item[platform]), f"{where} {platform}"))
        for platform in IDENTITY_PLATFORMS
        if item.get(platform) is not None
    )
    if not any(platform == "console" for platform, _ in identities):
        identities += (("console", handle),)
    department = item.get("department")
    organization = item.get("organization")
    return PersonSeed(
        handle=handle,
        name=_text(item.get("name", handle), f"{where} name"),
        department=_text(department, f"{where} department") if department is not None else None,
        supervisor=supervisor,
        roles=tuple(dict.fromkeys(roles)) or ("employee",),
        identities=identities,
        organization=_text(organization, f"{where} organization") if organization else None,
    )


def _platform(
    raw: Any,
    where: str,
    routes_key: str,
    known_ids: set[str],
    sdks: tuple[str, ...] = (),
    *,
    file_hosts: tuple[str, ...] | None = None,
) -> PlatformSettings:
    """A platform section: enabled, its workspace (or tenant) routes and default organization,
    where `sdks` are offered, which one serves it (the first is the default), and where
    `file_hosts` is given (Teams), the hosts files may be downloaded from (their form is
    checked by the adapter)."""
    section = _section(raw, where)
    keys = ["enabled", routes_key, "default_organization"] + (["sdk"] if sdks else [])
    if file_hosts is not None:
        keys.append("file_hosts")
    unknown = sorted(set(section) - set(keys))
    if unknown:
        raise ConfigError(
            f"{where}: unknown setting(s) {', '.join(map(str, unknown))}; known settings are "
            f"{', '.join(keys)}"
        )
    hosts = section.get("file_hosts", file_hosts or ())
    if not isinstance(hosts, (list, tuple)) or not all(isinstance(h, str) for h in hosts):
        raise ConfigError(
            f"{where}.file_hosts must be a list of host names, such as [*.sharepoint.com]"
        )
    sdk = section.get("sdk", sdks[0]) if sdks else None
    if sdk not in (sdks or (None,)):
        raise ConfigError(f"{where}.sdk must be {' or '.join(sdks)} (got {sdk!r})")
    enabled = section.get("enabled", bool(section))
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}.enabled must be true or false (got {enabled!r})")
    routes = _section(section.get(routes_key), f"{where}.{routes_key}")
    pairs = []
    for workspace, organization in routes.items():
        key = f"{where}.{routes_key}.{workspace}"
        pairs.append((_text(str(workspace), key), _organization_ref(organization, key, known_ids)))
    default = section.get("default_organization")
    if default is not None:
        default = _organization_ref(default, f"{where}.default_organization", known_ids)
    return PlatformSettings(enabled, tuple(pairs), default, sdk, tuple(hosts))


def _organization_ref(value: Any, where: str, known_ids: set[str]) -> str:
    organization = _text(value, where)
    if organization not in known_ids:
        known = ", ".join(sorted(known_ids)) or "none are configured"
        raise ConfigError(f"{where}: unknown organization {organization!r} (known: {known})")
    return organization


def _database_url(raw: Any, base: Path, source: str) -> str:
    if os.environ.get(DATABASE_URL_ENV):
        return os.environ[DATABASE_URL_ENV]
    section = _section(raw, f"{source}: database")
    path = Path(_text(section.get("path", "var/policybot.sqlite3"), f"{source}: database.path"))
    return f"sqlite:///{path if path.is_absolute() else base / path}"


def _matcher(raw: Any, source: str) -> MatcherSettings:
    section = _section(raw, f"{source}: matcher")
    defaults = MatcherSettings()
    return MatcherSettings(
        confidence_threshold=_fraction(
            section.get("confidence_threshold", defaults.confidence_threshold),
            f"{source}: matcher.confidence_threshold",
        ),
        ambiguity_margin=_fraction(
            section.get("ambiguity_margin", defaults.ambiguity_margin),
            f"{source}: matcher.ambiguity_margin",
        ),
        top_k=_whole(section.get("top_k", defaults.top_k), f"{source}: matcher.top_k", 1, 10),
    )


def _organizations(raw: Any, source: str) -> tuple[Organization, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{source}: organizations must be a list of '- id: ...' entries")
    result = []
    for number, entry in enumerate(raw, start=1):
        where = f"{source}: organizations entry {number}"
        item = _section(entry, where)
        result.append(
            Organization(
                id=_text(item.get("id"), f"{where} id"),
                name=_text(item.get("name"), f"{where} name"),
                policy=_text(item.get("policy"), f"{where} policy"),
                hr_contact=_text(item.get("hr_contact", DEFAULT_HR_CONTACT), f"{where} hr_contact"),
            )
        )
    return tuple(result)


def _section(raw: Any, where: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a group of 'key: value' settings")
    return raw


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} is required and must be text")
    return value.strip()


def _fraction(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(f"{where} must be a number from 0 to 1 (got {value!r})")
    return float(value)


def _whole(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{where} must be a whole number from {low} to {high} (got {value!r})")
    return value
