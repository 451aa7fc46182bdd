"""Dashboard sessions, kept in the database so that signing out (or expiry) really ends them.

The browser's cookie holds a random secret; only its SHA-256 is stored, with the person, the
session's CSRF token and when it ends. Every request looks the session up again and re-reads
the person's roles, so HR access removed mid-session ends access at the next click.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.config import Config
from bot.hr_access.links import LinkClaim, LinkError, use_link
from bot.people import directory
from bot.people.directory import PersonInfo
from bot.storage import audit
from bot.storage.database import Database
from bot.storage.models import DashboardSession, Person
from bot.storage.rows import utc


@dataclass(frozen=True)
class NewSession:
    """A session just started: the cookie value to set (never stored) and when it ends."""

    cookie: str
    expires_at: datetime


@dataclass(frozen=True)
class SessionInfo:
    """A live session: who is signed in (with their roles as of now) and its CSRF token."""

    id: int
    person: PersonInfo
    csrf_token: str
    expires_at: datetime

    def csrf_ok(self, submitted: str | None) -> bool:
        """Whether a form carried this session's CSRF token."""
        return bool(submitted) and hmac.compare_digest(
            self.csrf_token.encode(), (submitted or "").encode()
        )


def start_session(db: Database, config: Config, claim: LinkClaim, *, now: datetime) -> NewSession:
    """Redeem a verified link and open a session; LinkError if used, unknown or not HR."""
    link_holder(db, claim)
    use_link(db, claim, now=now)
    cookie = secrets.token_urlsafe(32)
    expires = utc(now) + timedelta(hours=config.dashboard.session_hours)
    with db.session() as session:
        session.add(
            DashboardSession(
                token_hash=_digest(cookie),
                person_id=claim.person_id,
                csrf_token=secrets.token_urlsafe(24),
                created_at=utc(now),
                expires_at=expires,
            )
        )
        audit.append(session, at=now, action="dashboard_signed_in", actor_id=claim.person_id)
    return NewSession(cookie, expires)


def link_holder(db: Database, claim: LinkClaim) -> PersonInfo:
    """The HR person a link is for; LinkError if they are gone or no longer HR."""
    with db.session() as session:
        person = session.get(Person, claim.person_id)
        holder = directory.info(session, person) if person is not None else None
    if holder is None or not holder.has("hr"):
        raise LinkError("The dashboard is for HR staff only.")
    return holder


def session_of(db: Database, cookie: str | None, *, now: datetime) -> SessionInfo | None:
    """The live session a cookie belongs to, or None (unknown, forged, ended or expired)."""
    if not cookie or len(cookie) > 200:
        return None
    query = select(DashboardSession, Person).join(Person, DashboardSession.person_id == Person.id)
    query = query.where(DashboardSession.token_hash == _digest(cookie))
    with db.session() as session:
        row = session.execute(query).first()
        if row is None:
            return None
        found, person = row
        if found.ended_at is not None or found.expires_at <= utc(now):
            return None
        return SessionInfo(
            found.id, directory.info(session, person), found.csrf_token, found.expires_at
        )


def end_session(db: Database, session_id: int, *, now: datetime) -> None:
    """Sign out: the session ends for good, whoever holds its cookie."""
    with db.session() as session:
        ended = session.execute(
            update(DashboardSession)
            .where(DashboardSession.id == session_id, DashboardSession.ended_at.is_(None))
            .values(ended_at=utc(now))
            .returning(DashboardSession.person_id)
        ).first()
        if ended is not None:
            audit.append(session, at=now, action="dashboard_signed_out", actor_id=ended[0])


def _digest(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()
