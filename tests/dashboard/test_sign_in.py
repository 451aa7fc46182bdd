"""Sign-in links, sessions and CSRF without a browser: tokens, expiry, single use, roles."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from adapters.server import load_mounts
from bot.app import App
from bot.config import ConfigError, load_config
from bot.hr_access.links import (
    LinkClaim,
    LinkError,
    check_unused,
    dashboard_secret,
    read_token,
    sign_token,
)
from bot.hr_access.sessions import end_session, session_of, start_session
from bot.messages import Incoming
from bot.people import directory
from bot.people.scope import hr_scope
from bot.storage.models import Person
from tests.conftest import Clock
from tests.dashboard.conftest import SECRET

TEN_MINUTES = timedelta(minutes=10)


def _say(app: App, who: str, text: str, conversation: str | None = None) -> str:
    message = Incoming("console", who, conversation or f"console:{who}", text, display_name=who)
    [reply] = app.bot.handle(message)
    return reply.text


def _link_token(app: App, who: str = "hal") -> str:
    url = _say(app, who, "dashboard").splitlines()[-1]
    assert url.startswith("https://hr.example.gov/dashboard/sign-in?token=")
    return parse_qs(urlsplit(url).query)["token"][0]


def _hr(app: App, handle: str) -> directory.PersonInfo:
    found = directory.person_on(app.db, "console", handle, app.bot.clock())
    assert found is not None
    return found


def test_hr_gets_a_link_everyone_else_a_polite_no(app: App) -> None:
    assert "It works once, for the next 10 minutes" in _say(app, "hal", "dashboard")
    refusal = _say(app, "pat", "dashboard")
    assert "for HR staff" in refusal and "http" not in refusal
    assert "for HR staff" in _say(app, "stranger", "dashboard")


def test_no_link_in_a_slack_channel_thread(app: App) -> None:
    with app.db.session() as session:
        hal = session.scalars(select(Person).where(Person.handle == "hal")).one()
        directory.add_identities(session, hal.id, [("slack", "UHAL")])
    message = Incoming("slack", "UHAL", "C123:1700000000.1", "dashboard")
    [reply] = app.bot.handle(message)
    assert "direct message" in reply.text and "http" not in reply.text


def test_a_token_reads_back_and_a_changed_one_does_not(app: App, clock: Clock) -> None:
    token = _link_token(app)
    claim = read_token(SECRET.encode(), token, now=clock(), valid_for=TEN_MINUTES)
    assert claim.person_id == _hr(app, "hal").id
    payload, signature = token.split(".")
    forged = [
        f"{payload}.{signature[:-2]}AA",
        f"{payload[:-2]}AA.{signature}",
        "not-a-token",
        "",
    ]
    for bad in forged:
        with pytest.raises(LinkError, match="not one PolicyBot made"):
            read_token(SECRET.encode(), bad, now=clock(), valid_for=TEN_MINUTES)
    with pytest.raises(LinkError, match="not one PolicyBot made"):
        read_token(b"another-secret" * 3, token, now=clock(), valid_for=TEN_MINUTES)


def test_a_link_expires_after_its_minutes(app: App, clock: Clock) -> None:
    token = _link_token(app)
    clock.advance(minutes=10)
    read_token(SECRET.encode(), token, now=clock(), valid_for=TEN_MINUTES)  # still fine
    clock.advance(seconds=1)
    with pytest.raises(LinkError, match="expired"):
        read_token(SECRET.encode(), token, now=clock(), valid_for=TEN_MINUTES)


def test_a_link_signs_in_once(app: App, clock: Clock) -> None:
    claim = read_token(SECRET.encode(), _link_token(app), now=clock(), valid_for=TEN_MINUTES)
    check_unused(app.db, claim, now=clock())
    started = start_session(app.db, app.config, claim, now=clock())
    with pytest.raises(LinkError, match="already used"):
        check_unused(app.db, claim, now=clock())
    with pytest.raises(LinkError, match="already used"):
        start_session(app.db, app.config, claim, now=clock())
    assert session_of(app.db, started.cookie, now=clock()) is not None


def test_a_well_signed_token_for_a_link_never_made_does_not_sign_in(app: App, clock: Clock) -> None:
    claim = LinkClaim("made-up-nonce", _hr(app, "hal").id, clock())
    read_back = read_token(
        SECRET.encode(), sign_token(SECRET.encode(), claim), now=clock(), valid_for=TEN_MINUTES
    )
    with pytest.raises(LinkError):
        start_session(app.db, app.config, read_back, now=clock())


def test_a_link_of_someone_no_longer_hr_does_not_sign_in(app: App, clock: Clock) -> None:
    claim = read_token(
        SECRET.encode(), _link_token(app, "hana"), now=clock(), valid_for=TEN_MINUTES
    )
    hal = _hr(app, "hal")
    within = hr_scope(app.config, hal).people()
    directory.remove_role(app.db, actor=hal, within=within, name="hana", role="hr", now=clock())
    with pytest.raises(LinkError, match="HR staff only"):
        start_session(app.db, app.config, claim, now=clock())


def test_sessions_end_at_sign_out_and_expiry_and_check_csrf(app: App, clock: Clock) -> None:
    claim = read_token(SECRET.encode(), _link_token(app), now=clock(), valid_for=TEN_MINUTES)
    first = start_session(app.db, app.config, claim, now=clock())
    live = session_of(app.db, first.cookie, now=clock())
    assert live is not None and live.person.handle == "hal" and live.person.has("hr")
    assert live.csrf_ok(live.csrf_token)
    assert not live.csrf_ok(None) and not live.csrf_ok("") and not live.csrf_ok("guess")
    assert session_of(app.db, "forged-cookie-value", now=clock()) is None
    assert session_of(app.db, first.cookie + "x", now=clock()) is None
    end_session(app.db, live.id, now=clock())
    assert session_of(app.db, first.cookie, now=clock()) is None

    claim = read_token(SECRET.encode(), _link_token(app), now=clock(), valid_for=TEN_MINUTES)
    second = start_session(app.db, app.config, claim, now=clock())
    again = session_of(app.db, second.cookie, now=clock())
    assert again is not None and again.csrf_token != live.csrf_token  # one token per session
    clock.advance(hours=8)
    assert session_of(app.db, second.cookie, now=clock()) is None


def test_serve_needs_the_secret(app: App) -> None:
    with pytest.raises(ConfigError, match="POLICYBOT_DASHBOARD_SECRET is not set"):
        load_mounts(app, environ={})
    with pytest.raises(ConfigError, match="shorter than 32"):
        dashboard_secret({"POLICYBOT_DASHBOARD_SECRET": "short"})
    [mount] = load_mounts(app, environ={"POLICYBOT_DASHBOARD_SECRET": SECRET})
    assert mount.name == "dashboard"


@pytest.mark.parametrize(
    ("section", "complaint"),
    [
        ("{enabled: true}", "base_url is required"),
        ("{enabled: true, base_url: 'ftp://x.gov'}", "must be an http or https address"),
        ("{enabled: true, base_url: 'https://x.gov/?a=1'}", "must not carry a query"),
        ("{enabled: yes please}", "enabled must be true or false"),
        ("{enabled: true, base_url: 'https://x.gov', link_minutes: 600}", "link_minutes"),
        ("{enabeld: true}", "unknown setting(s) enabeld"),
    ],
)
def test_dashboard_settings_are_checked(tmp_path: Path, section: str, complaint: str) -> None:
    path = tmp_path / "app.yaml"
    path.write_text(f"dashboard: {section}\n")
    with pytest.raises(ConfigError, match=complaint.replace("(", r"\(").replace(")", r"\)")):
        load_config(path)


def test_an_https_address_makes_the_cookie_secure(tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    path.write_text("dashboard: {enabled: true, base_url: 'https://hr.example.gov/'}\n")
    settings = load_config(path).dashboard
    assert settings.secure and settings.base_url == "https://hr.example.gov"
    path.write_text("dashboard: {enabled: true, base_url: 'http://127.0.0.1:8080'}\n")
    assert not load_config(path).dashboard.secure
