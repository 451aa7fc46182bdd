"""The append-only audit log: every request, decision, comment, reminder and role change.

Entries are written in the same transaction as the change they describe, and never updated or
deleted: the log is the record HR shows when asked who authorized what, and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from bot.storage.database import Database
from bot.storage.models import AuditEntry, Person
from bot.storage.rows import utc


@dataclass(frozen=True)
class AuditRow:
    """One entry as shown to people: names instead of ids."""

    at: datetime
    actor: str | None
    action: str
    request_id: int | None
    subject: str | None
    details: dict[str, Any]


def append(
    session: Session,
    *,
    at: datetime,
    action: str,
    actor_id: int | None = None,
    request_id: int | None = None,
    subject_id: int | None = None,
    **details: Any,
) -> None:
    """Add an entry within the caller's transaction."""
    session.add(
        AuditEntry(
            at=utc(at),
            actor_id=actor_id,
            action=action,
            request_id=request_id,
            subject_id=subject_id,
            details=details,
        )
    )


def entries(
    db: Database, *, request_id: int | None = None, subject_id: int | None = None
) -> list[AuditRow]:
    """Entries in the order they happened, for one request or one person, or all of them."""
    actor, subject = aliased(Person), aliased(Person)
    query = (
        select(AuditEntry, actor.name, subject.name)
        .outerjoin(actor, AuditEntry.actor_id == actor.id)
        .outerjoin(subject, AuditEntry.subject_id == subject.id)
        .order_by(AuditEntry.id)
    )
    if request_id is not None:
        query = query.where(AuditEntry.request_id == request_id)
    if subject_id is not None:
        query = query.where(AuditEntry.subject_id == subject_id)
    return read_rows(db, query)


def read_rows(db: Database, query: Select[AuditEntry, str, str]) -> list[AuditRow]:
    """The entries a query selects, with its actor's and subject's names, as rows to show."""
    with db.session() as session:
        return [
            AuditRow(
                entry.at,
                actor_name,
                entry.action,
                entry.request_id,
                subject_name,
                dict(entry.details),
            )
            for entry, actor_name, subject_name in session.execute(query)
        ]
