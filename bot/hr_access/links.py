"""Signing in to HR's dashboard through the chat: `dashboard` gives HR a one-time link.

A link carries a token: a random nonce, the person's id and when it was issued, signed with
HMAC-SHA256 under POLICYBOT_DASHBOARD_SECRET. It expires after a few minutes (app.yaml
`dashboard.link_minutes`), and signs in once: the nonce is recorded when the link is made and
marked used, under a guarded update, when it is redeemed. Nobody without the HR role gets one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, select, update

from bot.commands import Audience, Command, words
from bot.config import Config, ConfigError
from bot.messages import Incoming, Reply
from bot.people.directory import PersonInfo
from bot.storage.database import Database
from bot.storage.models import DashboardLink
from bot.storage.rows import utc

SECRET_ENV = "POLICYBOT_DASHBOARD_SECRET"
MIN_SECRET_CHARS = 32
SIGN_IN_PATH = "/dashboard/sign-in"
CLOCK_SKEW = timedelta(minutes=1)


class LinkError(ValueError):
    """A sign-in token that does not sign anyone in; the message says why, for the page."""


@dataclass(frozen=True)
class LinkClaim:
    """What a valid token says: which link (nonce), for whom, issued when."""

    nonce: str
    person_id: int
    issued_at: datetime


def dashboard_secret(environ: Mapping[str, str] | None = None) -> bytes:
    """The signing secret from the environment; ConfigError (one line) when missing or short."""
    value = (os.environ if environ is None else environ).get(SECRET_ENV, "")
    if len(value) < MIN_SECRET_CHARS:
        state = "is not set" if not value else f"is shorter than {MIN_SECRET_CHARS} characters"
        raise ConfigError(
            f"{SECRET_ENV} {state}: the dashboard signs its sign-in links with it; set it to a "
            "long random value, e.g. the output of: python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'"
        )
    return value.encode("utf-8")


def sign_token(secret: bytes, claim: LinkClaim) -> str:
    """The token for a claim: payload and its HMAC-SHA256, both base64url."""
    payload = f"{claim.nonce}:{claim.person_id}:{int(claim.issued_at.timestamp())}"
    return f"{_b64(payload.encode())}.{_b64(_mac(secret, payload))}"


def read_token(secret: bytes, token: str, *, now: datetime, valid_for: timedelta) -> LinkClaim:
    """The claim of a genuine, unexpired token; LinkError says what is wrong with it."""
    try:
        encoded, signature = token.split(".")
        payload = _unb64(encoded).decode()
        nonce, person, issued = payload.split(":")
        claim = LinkClaim(nonce, int(person), datetime.fromtimestamp(int(issued), UTC))
        genuine = hmac.compare_digest(_unb64(signature), _mac(secret, payload))
    except (ValueError, UnicodeDecodeError, OverflowError, OSError):
        raise LinkError("This sign-in link is not one PolicyBot made.") from None
    if not genuine:
        raise LinkError("This sign-in link is not one PolicyBot made.")
    age = utc(now) - claim.issued_at
    if age > valid_for or age < -CLOCK_SKEW:
        raise LinkError(_EXPIRED)
    return claim


def mint_link(db: Database, config: Config, secret: bytes, person_id: int, *, now: datetime) -> str:
    """Record a new single-use link for a person and return its full address."""
    claim = LinkClaim(secrets.token_urlsafe(18), person_id, utc(now).replace(microsecond=0))
    with db.session() as session:
        session.add(
            DashboardLink(
                nonce=claim.nonce,
                person_id=person_id,
                issued_at=claim.issued_at,
                expires_at=claim.issued_at + timedelta(minutes=config.dashboard.link_minutes),
            )
        )
    return f"{config.dashboard.base_url}{SIGN_IN_PATH}?token={sign_token(secret, claim)}"


def check_unused(db: Database, claim: LinkClaim, *, now: datetime) -> None:
    """LinkError if the link was used already, has run out, or was never made; changes nothing."""
    query = select(DashboardLink.id).where(*_usable(claim, now))
    with db.session() as session:
        if session.scalars(query).first() is None:
            raise LinkError(_USED)


def use_link(db: Database, claim: LinkClaim, *, now: datetime) -> None:
    """Mark the link used; LinkError if it was used before or never made."""
    with db.session() as session:
        marked = session.execute(
            update(DashboardLink).where(*_usable(claim, now)).values(used_at=utc(now))
        )
        if getattr(marked, "rowcount", 0) != 1:
            raise LinkError(_USED)


def _usable(claim: LinkClaim, now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        DashboardLink.nonce == claim.nonce,
        DashboardLink.person_id == claim.person_id,
        DashboardLink.used_at.is_(None),
        DashboardLink.expires_at >= utc(now),
    )


NOT_HR = (
    "The dashboard is for HR staff, so I can't give you a link. If you need figures about the "
    "policy, please ask your HR department."
)


class DashboardCommand:
    """The chat command `dashboard`: a sign-in link for HR, a polite no for everyone else."""

    def __init__(
        self,
        config: Config,
        db: Database,
        clock: Callable[[], datetime],
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.config, self.db, self.clock, self.environ = config, db, clock, environ

    def command_entry(self) -> Command:
        """`dashboard` in the command table: HR's alone."""
        return Command(
            words("dashboard"),
            lambda turn, _: self.reply(turn.message, turn.me),
            Audience.HR,
            "dashboard",
            "a link to HR's dashboard: acknowledgements, questions, requests",
            refusal=NOT_HR,
        )

    def reply(self, message: Incoming, me: PersonInfo | None) -> Reply:
        """The link, or why there is none."""
        if me is None or not me.has("hr"):  # the table checks too; a link is worth two checks
            return _refused(NOT_HR)
        if not self.config.dashboard.enabled:
            return _refused(
                "The HR dashboard is not turned on here (dashboard.enabled in app.yaml)."
            )
        if _shared(message):
            return _refused(
                "I send sign-in links only where nobody else sees them: write 'dashboard' to me "
                "in a direct message (or use /policy dashboard in Slack)."
            )
        try:
            secret = dashboard_secret(self.environ)
        except ConfigError:
            return _refused(
                f"The HR dashboard cannot make sign-in links here: {SECRET_ENV} is not set. "
                "Please ask whoever runs PolicyBot."
            )
        url = mint_link(self.db, self.config, secret, me.id, now=self.clock())
        minutes = self.config.dashboard.link_minutes
        text = (
            f"Here is your sign-in link to the HR dashboard. It works once, for the next "
            f"{minutes} minutes, and signs in as you, so please don't share it:\n{url}"
        )
        return Reply(kind="dashboard_link", text=text, data={"url": url})


def _shared(message: Incoming) -> bool:
    """Whether the message came from a conversation others read (a channel thread, a group)."""
    if message.platform == "slack":
        return ":" in message.conversation  # "<channel>:<thread>" is a mention in a channel
    if message.platform == "teams":
        return "@thread" in message.conversation  # channels and group chats; personal is "a:..."
    return False


_USED = (
    "This sign-in link was already used (or has run out). Each link signs in once: type "
    "'dashboard' to PolicyBot for a new one."
)
_EXPIRED = (
    "This sign-in link has expired: links work for a few minutes only. Type 'dashboard' to "
    "PolicyBot for a new one."
)


def _refused(text: str) -> Reply:
    return Reply(kind="refused", text=text)


def _mac(secret: bytes, payload: str) -> bytes:
    return hmac.new(secret, payload.encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
