"""Reading the stored policies and their versions: history, origin, and what the library indexes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from bot.storage.database import Database
from bot.storage.models import (
    AlternatePhrasing,
    ClauseTitle,
    Policy,
    PolicyVersion,
    PublishedChecklist,
)
from bot.storage.rows import sha256_hex, utc, with_retry


@dataclass(frozen=True)
class VersionRow:
    """One version as HR lists it: number, fingerprint, where it came from and when."""

    number: int
    title: str
    sha256: str
    origin: str
    requires_ack: bool
    source: str
    effective: str | None
    note: str | None
    published_at: datetime
    published_by: str | None


@dataclass(frozen=True)
class StoredPolicy:
    """A policy in the database with the text of its current version."""

    id: str
    organization: str
    title: str
    version: int
    text: str
    source: str
    effective: str | None


def history(db: Database, policy_id: str) -> list[VersionRow]:
    """Every version of a policy, oldest first (empty when the policy is unknown)."""
    query = (
        select(PolicyVersion)
        .options(defer(PolicyVersion.text))
        .where(PolicyVersion.policy_id == policy_id)
        .order_by(PolicyVersion.number)
    )
    with db.session() as session:
        return [
            VersionRow(
                r.number,
                r.title,
                r.sha256,
                r.origin,
                r.requires_ack,
                r.source,
                r.effective,
                r.note,
                r.published_at,
                r.published_by,
            )
            for r in session.scalars(query)
        ]


def has_published(db: Database, policy_id: str) -> bool:
    """Whether HR has published a version of the policy (then its seed file no longer counts)."""
    query = select(PolicyVersion.id).where(
        PolicyVersion.policy_id == policy_id, PolicyVersion.origin == "published"
    )
    with db.session() as session:
        return session.scalars(query.limit(1)).first() is not None


def current_policies(db: Database) -> list[StoredPolicy]:
    """Every stored policy with its newest version's text, in id order."""
    newest = (
        select(PolicyVersion.policy_id, func.max(PolicyVersion.number).label("number"))
        .group_by(PolicyVersion.policy_id)
        .subquery()
    )
    query = (
        select(Policy, PolicyVersion)
        .join(newest, newest.c.policy_id == Policy.id)
        .join(
            PolicyVersion,
            (PolicyVersion.policy_id == Policy.id) & (PolicyVersion.number == newest.c.number),
        )
        .order_by(Policy.id)
    )
    with db.session() as session:
        return [
            StoredPolicy(
                policy.id,
                policy.organization,
                version.title,
                version.number,
                version.text,
                version.source,
                version.effective,
            )
            for policy, version in session.execute(query)
        ]


def phrasings(db: Database) -> dict[tuple[str, str], tuple[str, ...]]:
    """Alternate phrasings HR added at run time, by (policy id, clause id), oldest first."""
    query = select(AlternatePhrasing).order_by(AlternatePhrasing.id)
    added: dict[tuple[str, str], list[str]] = {}
    with db.session() as session:
        for row in session.scalars(query):
            added.setdefault((row.policy_id, row.clause_id), []).append(row.text)
    return {key: tuple(texts) for key, texts in added.items()}


Signature = tuple[int | None, ...]


def signature(db: Database) -> Signature:
    """A cheap fingerprint of what the library indexes: it changes when a version, a phrasing,
    a checklist or a clause title is added, so every worker notices it without a restart."""
    with db.autocommit() as session:
        row = session.execute(select(*signature_columns())).one()
    return tuple(row)


def signature_columns() -> tuple[Any, ...]:
    """The values of :func:`signature`, as columns to read along with other things."""
    return tuple(
        select(func.max(column)).scalar_subquery()
        for column in (
            PolicyVersion.id,
            AlternatePhrasing.id,
            PublishedChecklist.id,
            ClauseTitle.id,
        )
    )


# --- writing versions ----------------------------------------------------------------------


@dataclass(frozen=True)
class VersionInfo:
    """A stored policy version; ``created`` tells whether this call stored it."""

    policy_id: str
    number: int
    sha256: str
    title: str
    published_at: datetime
    created: bool
    origin: str = "seed"
    requires_ack: bool = True


def _newest_version(session: Session, policy_id: str) -> PolicyVersion | None:
    """The highest-numbered version of a policy, without loading its text."""
    query = (
        select(PolicyVersion)
        .options(defer(PolicyVersion.text))
        .where(PolicyVersion.policy_id == policy_id)
        .order_by(PolicyVersion.number.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _version_info(row: PolicyVersion, *, created: bool) -> VersionInfo:
    """The dataclass view of a version row."""
    return VersionInfo(
        row.policy_id,
        row.number,
        row.sha256,
        row.title,
        row.published_at,
        created,
        row.origin,
        row.requires_ack,
    )


def ensure_policy(session: Session, policy_id: str, organization: str, title: str) -> None:
    """Create the policy row, or refresh its organization and title if they changed."""
    policy = session.get(Policy, policy_id)
    if policy is None:
        session.add(Policy(id=policy_id, organization=organization, title=title))
        session.flush()
    else:
        policy.organization, policy.title = organization, title


def sync_policy_version(
    db: Database,
    *,
    policy_id: str,
    organization: str,
    title: str,
    text: str,
    source: str,
    effective: str | None = None,
    note: str | None = None,
    published_by: str | None = None,
    origin: str = "seed",
    requires_ack: bool = True,
    now: datetime,
) -> VersionInfo:
    """Make sure the newest stored version of a policy has exactly ``text``.

    Called for every seed policy at each start: if the newest version's SHA-256 matches, it is
    returned unchanged (``created=False``) and nothing is written; otherwise the text is stored
    as version max+1 (1 for a new policy), so editing a policy file yields a new version.
    """
    now, digest = utc(now), sha256_hex(text)

    def work(session: Session) -> VersionInfo:
        ensure_policy(session, policy_id, organization, title)
        newest = _newest_version(session, policy_id)
        if newest is not None and newest.sha256 == digest:
            return _version_info(newest, created=False)
        row = PolicyVersion(
            policy_id=policy_id,
            number=1 if newest is None else newest.number + 1,
            title=title,
            text=text,
            sha256=digest,
            source=source,
            effective=effective,
            note=note,
            published_at=now,
            published_by=published_by,
            origin=origin,
            requires_ack=requires_ack,
        )
        session.add(row)
        session.flush()
        return _version_info(row, created=True)

    return with_retry(db, work)


def current_version(db: Database, policy_id: str) -> VersionInfo | None:
    """The newest version of a policy, or None if the policy has never been stored."""
    with db.session() as session:
        return current_version_in(session, policy_id)


def current_version_in(session: Session, policy_id: str) -> VersionInfo | None:
    """The newest version of a policy, read in the caller's session."""
    newest = _newest_version(session, policy_id)
    return None if newest is None else _version_info(newest, created=False)


def version_text(db: Database, policy_id: str, number: int) -> str | None:
    """The verbatim text of one version of a policy, or None if there is no such version."""
    query = select(PolicyVersion.text).where(
        PolicyVersion.policy_id == policy_id, PolicyVersion.number == number
    )
    with db.session() as session:
        return session.scalars(query).first()
