"""Who has acknowledged a policy version and who has not, person by person and by department.

A person acknowledges on whichever platform they use; their acknowledgement counts for them on
every platform. An acknowledgement counts for a version when it is of that version or of any
version since the last one that changed clauses (a republished, unchanged text asks nobody again).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from bot.config import Config
from bot.people import organizations
from bot.storage.database import Database
from bot.storage.models import Acknowledgement, Person, PersonIdentity, PolicyVersion

NO_DEPARTMENT = "(no department)"


class ReportError(ValueError):
    """The report cannot be made (no such policy or version); the message says which exist."""


@dataclass(frozen=True)
class PersonStatus:
    """One person's standing on the version: their last acknowledgement, or since when pending."""

    person_id: int
    handle: str
    name: str
    department: str | None
    supervisor_id: int | None
    acknowledged_version: int | None
    acknowledged_at: datetime | None
    pending_since: datetime | None  # when they were first asked, while they have not answered

    @property
    def pending(self) -> bool:
        return self.pending_since is not None

    def export_cells(self) -> list[str]:
        """The person's standing as the exports' columns after their handle (`EXPORT_COLUMNS`),
        one shape for the terminal's CSV and the dashboard's download."""
        return [
            self.name,
            self.department or "",
            "pending" if self.pending else "acknowledged",
            str(self.acknowledged_version or ""),
            self.acknowledged_at.isoformat(timespec="seconds") if self.acknowledged_at else "",
            self.pending_since.isoformat(timespec="seconds") if self.pending_since else "",
        ]


EXPORT_COLUMNS = (
    "name",
    "department",
    "status",
    "acknowledged_version",
    "acknowledged_at_utc",
    "pending_since_utc",
)


@dataclass(frozen=True)
class DepartmentRow:
    """Completion of one department."""

    department: str
    people: int
    acknowledged: int

    @property
    def share(self) -> float:
        return self.acknowledged / self.people if self.people else 1.0


@dataclass(frozen=True)
class UnlistedAck:
    """An acknowledgement by someone who is not on the staff list (a platform id only)."""

    platform: str
    person: str
    display_name: str | None
    version: int
    acknowledged_at: datetime


@dataclass(frozen=True)
class AckReport:
    """Completion of one version of a policy across the people it applies to."""

    policy_id: str
    version: int
    basis: int  # the oldest version whose acknowledgement counts
    asked_since: datetime
    people: tuple[PersonStatus, ...]
    unlisted: tuple[UnlistedAck, ...] = ()

    @property
    def pending(self) -> list[PersonStatus]:
        return [person for person in self.people if person.pending]

    @property
    def departments(self) -> list[DepartmentRow]:
        """Completion per department, the least complete first."""
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for person in self.people:
            counts = totals[person.department or NO_DEPARTMENT]
            counts[0] += 1
            counts[1] += 0 if person.pending else 1
        rows = [DepartmentRow(name, total, done) for name, (total, done) in totals.items()]
        return sorted(rows, key=lambda row: (row.share, row.department))


def ack_report(
    db: Database, config: Config, policy_id: str, version: int | None = None
) -> AckReport:
    """Completion of a version (the current one by default) by everyone the policy applies to."""
    with db.session() as session:
        number, basis, asked_since = version_basis(session, policy_id, version)
        audience = organizations.audience_condition(session, config, policy_id)
        latest = _latest_acks(session, policy_id, audience)
        statuses = tuple(
            _status(person, latest.get(person.id), basis, asked_since)
            for person in session.execute(
                select(*_PERSON_COLUMNS).where(audience).order_by(Person.department, Person.name)
            )
        )
        unlisted = _unlisted(session, policy_id)
    return AckReport(policy_id, number, basis, asked_since, statuses, unlisted)


def version_basis(
    session: Session, policy_id: str, version: int | None
) -> tuple[int, int, datetime]:
    """The chosen version, the basis its acknowledgement needs, and when the basis was published."""
    rows = list(
        session.execute(
            select(PolicyVersion.number, PolicyVersion.published_at, PolicyVersion.requires_ack)
            .where(PolicyVersion.policy_id == policy_id)
            .order_by(PolicyVersion.number)
        )
    )
    if not rows:
        raise ReportError(f"there is no policy {policy_id!r} in the records")
    wanted = rows[-1][0] if version is None else version
    upto = [row for row in rows if row[0] <= wanted]
    if not upto or upto[-1][0] != wanted:
        known = ", ".join(str(row[0]) for row in rows)
        raise ReportError(f"{policy_id!r} has no version {wanted} (versions: {known})")
    asking = [row for row in upto if row[2]] or upto[:1]
    return wanted, asking[-1][0], asking[-1][1]


def _latest_acks(
    session: Session, policy_id: str, audience: ColumnElement[bool]
) -> dict[int, tuple[int, datetime]]:
    """Each person's newest acknowledgement (version, when), on whichever platform."""
    query = (
        select(PersonIdentity.person_id, Acknowledgement.version, Acknowledgement.acknowledged_at)
        .join(
            Acknowledgement,
            (Acknowledgement.platform == PersonIdentity.platform)
            & (Acknowledgement.person == PersonIdentity.external_id),
        )
        .join(Person, Person.id == PersonIdentity.person_id)
        .where(Acknowledgement.policy_id == policy_id, audience)
    )
    latest: dict[int, tuple[int, datetime]] = {}
    for person_id, number, at in session.execute(query):
        if person_id not in latest or number > latest[person_id][0]:
            latest[person_id] = (number, at)
    return latest


def _unlisted(session: Session, policy_id: str) -> tuple[UnlistedAck, ...]:
    """The newest acknowledgement of each platform id that belongs to nobody on the staff list."""
    query = (
        select(Acknowledgement)
        .outerjoin(
            PersonIdentity,
            (Acknowledgement.platform == PersonIdentity.platform)
            & (Acknowledgement.person == PersonIdentity.external_id),
        )
        .where(Acknowledgement.policy_id == policy_id, PersonIdentity.id.is_(None))
        .order_by(Acknowledgement.version)
    )
    newest = {(row.platform, row.person): row for row in session.scalars(query)}
    return tuple(
        UnlistedAck(r.platform, r.person, r.display_name, r.version, r.acknowledged_at)
        for r in sorted(newest.values(), key=lambda r: (r.person, r.platform))
    )


_PERSON_COLUMNS = (
    Person.id,
    Person.handle,
    Person.name,
    Person.department,
    Person.supervisor_id,
    Person.created_at,
)


def _status(
    person: Any, latest: tuple[int, datetime] | None, basis: int, asked_since: datetime
) -> PersonStatus:
    acked, at = latest if latest else (None, None)
    done = acked is not None and acked >= basis
    since = None if done else max(asked_since, person.created_at)
    return PersonStatus(
        person.id,
        person.handle,
        person.name,
        person.department,
        person.supervisor_id,
        acked,
        at,
        since,
    )
