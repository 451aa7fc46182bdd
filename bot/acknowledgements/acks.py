"""Acknowledgements: who read which version of a policy, and whether it is still current.

An acknowledgement counts for every version since the last one that changed clause text
(`ack_basis`); writes that race are retried once (see `with_retry`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from bot.storage.database import Database
from bot.storage.models import (
    Acknowledgement,
    PersonIdentity,
    PolicyVersion,
)
from bot.storage.rows import utc, with_retry


@dataclass(frozen=True)
class AckResult:
    """The acknowledgement on record; ``created`` is False if it already existed."""

    created: bool
    acknowledged_at: datetime
    version: int


@dataclass(frozen=True)
class AckStatus:
    """What a person last acknowledged of a policy and whether a newer version awaits them."""

    policy_id: str
    current_version: int | None
    acknowledged_version: int | None
    acknowledged_at: datetime | None
    up_to_date: bool


@dataclass(frozen=True)
class AckRow:
    """One acknowledgement, as listed for whoever keeps the records."""

    platform: str
    person: str
    display_name: str | None
    version: int
    sha256: str
    acknowledged_at: datetime


def _require_version(session: Session, policy_id: str, number: int, sha256: str) -> None:
    """Refuse to record anything about a version that is not stored or has other text."""
    query = select(PolicyVersion.sha256).where(
        PolicyVersion.policy_id == policy_id, PolicyVersion.number == number
    )
    stored = session.scalars(query).first()
    if stored is None:
        raise ValueError(f"policy {policy_id!r} has no version {number}")
    if stored != sha256:
        raise ValueError(f"version {number} of {policy_id!r} has a different text (SHA-256)")


def acknowledge(
    db: Database,
    *,
    platform: str,
    person: str,
    display_name: str | None,
    policy_id: str,
    version: int,
    sha256: str,
    now: datetime,
) -> AckResult:
    """Record that a person read a policy version; idempotent and safe under races.

    A second acknowledgement of the same version writes nothing and returns the first one
    (``created=False``). Raises ValueError if the version is unknown or ``sha256`` is not
    the stored version's fingerprint, so an acknowledgement always names the text read.
    """
    now = utc(now)

    def work(session: Session) -> AckResult:
        query = select(Acknowledgement).where(
            Acknowledgement.platform == platform,
            Acknowledgement.person == person,
            Acknowledgement.policy_id == policy_id,
            Acknowledgement.version == version,
        )
        existing = session.scalars(query).first()
        if existing is not None:
            return AckResult(False, existing.acknowledged_at, existing.version)
        _require_version(session, policy_id, version, sha256)
        session.add(
            Acknowledgement(
                platform=platform,
                person=person,
                display_name=display_name,
                policy_id=policy_id,
                version=version,
                sha256=sha256,
                acknowledged_at=now,
            )
        )
        session.flush()
        return AckResult(True, now, version)

    return with_retry(db, work)


def ack_basis(session: Session, policy_id: str) -> int | None:
    """The oldest version whose acknowledgement still counts: the newest that changed clauses.

    A version published with the same clauses as the one before (a new format, a new effective
    date) does not ask anyone to acknowledge again.
    """
    return session.execute(select(_basis(policy_id))).scalar()


def _basis(policy_id: Any) -> Any:
    """:func:`ack_basis` as an SQL expression, to read along with other things."""
    numbers = select(func.max(PolicyVersion.number)).where(PolicyVersion.policy_id == policy_id)
    changed = numbers.where(PolicyVersion.requires_ack.is_(True)).scalar_subquery()
    first = (
        select(func.min(PolicyVersion.number))
        .where(PolicyVersion.policy_id == policy_id)
        .scalar_subquery()
    )  # when every version kept the first one's clauses
    return func.coalesce(changed, first)


def current_version(session: Session, policy_id: str) -> int | None:
    """The newest version number of a policy, or None when there is no such policy."""
    newest = select(func.max(PolicyVersion.number)).where(PolicyVersion.policy_id == policy_id)
    return session.execute(newest).scalar()


def person_up_to_date(session: Session, person_id: int, policy_id: str) -> bool:
    """Whether someone on the staff list has acknowledged a version that still counts, on
    any of their platforms."""
    newest = (
        select(func.max(Acknowledgement.version))
        .join(
            PersonIdentity,
            (Acknowledgement.platform == PersonIdentity.platform)
            & (Acknowledgement.person == PersonIdentity.external_id),
        )
        .where(PersonIdentity.person_id == person_id, Acknowledgement.policy_id == policy_id)
    )
    acked, basis = session.execute(select(newest.scalar_subquery(), _basis(policy_id))).one()
    return acked is not None and basis is not None and acked >= basis


def ack_status(db: Database, *, platform: str, person: str, policy_id: str) -> AckStatus:
    """What version of a policy the person last acknowledged, and whether it is the newest.

    One statement, built once: every answer asks it, to remind people who have not
    acknowledged."""
    where = {"platform": platform, "person": person, "policy_id": policy_id}
    with db.autocommit() as session:
        current, basis, acked, acked_at = session.execute(_ACK_STATUS, where).one()
    up_to_date = basis is not None and acked is not None and acked >= basis
    return AckStatus(policy_id, current, acked, acked_at, up_to_date)


def _ack_status_query() -> Any:
    policy_id: Any = bindparam("policy_id")
    newest = select(func.max(PolicyVersion.number)).where(PolicyVersion.policy_id == policy_id)
    latest = (
        select(Acknowledgement.version)
        .where(
            Acknowledgement.platform == bindparam("platform"),
            Acknowledgement.person == bindparam("person"),
            Acknowledgement.policy_id == policy_id,
        )
        .order_by(Acknowledgement.version.desc())
        .limit(1)
    )
    latest_at = latest.with_only_columns(Acknowledgement.acknowledged_at)
    return select(
        newest.scalar_subquery(),
        _basis(policy_id),
        latest.scalar_subquery(),
        latest_at.scalar_subquery(),
    )


_ACK_STATUS = _ack_status_query()


def list_acknowledgements(db: Database, policy_id: str, version: int | None = None) -> list[AckRow]:
    """Every acknowledgement of a policy (or of one version of it), oldest first."""
    query = select(Acknowledgement).where(Acknowledgement.policy_id == policy_id)
    if version is not None:
        query = query.where(Acknowledgement.version == version)
    query = query.order_by(Acknowledgement.acknowledged_at, Acknowledgement.id)
    with db.session() as session:
        return [
            AckRow(r.platform, r.person, r.display_name, r.version, r.sha256, r.acknowledged_at)
            for r in session.scalars(query)
        ]
