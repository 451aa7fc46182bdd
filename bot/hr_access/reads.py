"""Reads for HR's dashboard that no other module offers: a page of requests, recent messages,
the audit log; each limited to the people of HR's organizations (a `Scope`).

Each read is one page or one aggregate in SQL, so pages stay fast with thousands of people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import aliased

from bot.approvals.authorizations import RequestView, view_of
from bot.people.scope import Scope
from bot.storage.audit import AuditRow, read_rows
from bot.storage.database import Database
from bot.storage.models import AuditEntry, AuthorizationRequest, OutboxMessage, Person

APPROVAL_GROUPS: dict[str, tuple[str, ...]] = {
    "pending": ("pending",),
    "decided": ("approved", "denied", "withdrawn"),
    "expired": ("expired",),
}


@dataclass(frozen=True)
class Page:
    """Where a page sits in a longer list."""

    number: int
    size: int
    total: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))


@dataclass(frozen=True)
class OutboxRow:
    """A message queued for someone, as HR sees it."""

    id: int
    person: str
    topic: str
    status: str
    platform: str | None
    created_at: datetime
    text: str


def page_of(number: int, size: int, total: int) -> Page:
    """Page `number` (clamped to those that exist) of a list of `total` items."""
    last = max(1, -(-total // size))
    return Page(min(max(1, number), last), size, total)


def approval_requests(
    db: Database,
    scope: Scope,
    group: str,
    page_number: int,
    size: int = 50,
    policy_id: str | None = None,
) -> tuple[list[RequestView], Page]:
    """One page of the requests in a group (pending, decided, expired), newest first: those of
    people in scope (and of one policy, if given)."""
    where = [AuthorizationRequest.status.in_(APPROVAL_GROUPS[group]), scope.people()]
    if policy_id is not None:
        where.append(AuthorizationRequest.policy_id == policy_id)
    requests = select(AuthorizationRequest).join(
        Person, Person.id == AuthorizationRequest.requester_id
    )
    with db.session() as session:
        total = (
            session.scalar(
                select(func.count(AuthorizationRequest.id))
                .join(Person, Person.id == AuthorizationRequest.requester_id)
                .where(*where)
            )
            or 0
        )
        page = page_of(page_number, size, total)
        query = (
            requests.where(*where)
            .order_by(AuthorizationRequest.id.desc())
            .offset(page.offset)
            .limit(page.size)
        )
        return [view_of(session, request) for request in session.scalars(query)], page


def approval_request(db: Database, scope: Scope, request_id: int) -> RequestView | None:
    """One request of someone in scope, or None (no such request, or not theirs to see)."""
    query = (
        select(AuthorizationRequest)
        .join(Person, Person.id == AuthorizationRequest.requester_id)
        .where(AuthorizationRequest.id == request_id, scope.people())
    )
    with db.session() as session:
        request = session.scalars(query).first()
        return None if request is None else view_of(session, request)


def requests_in(db: Database, scope: Scope) -> list[RequestView]:
    """Every request of the people in scope, oldest first (for the CSV and the report)."""
    query = (
        select(AuthorizationRequest)
        .join(Person, Person.id == AuthorizationRequest.requester_id)
        .where(scope.people())
        .order_by(AuthorizationRequest.id)
    )
    with db.session() as session:
        return [view_of(session, request) for request in session.scalars(query)]


def audit_in(db: Database, scope: Scope, policy_ids: list[str]) -> list[AuditRow]:
    """The audit entries about what is in scope, oldest first.

    An entry belongs to the requester of its request, else to the person it is about, else to
    the policy its details name (a publication, a reminder round), else to whoever acted.
    """
    actor, subject, requester = aliased(Person), aliased(Person), aliased(Person)
    query = (
        select(AuditEntry, actor.name, subject.name)
        .outerjoin(actor, AuditEntry.actor_id == actor.id)
        .outerjoin(subject, AuditEntry.subject_id == subject.id)
        .outerjoin(AuthorizationRequest, AuthorizationRequest.id == AuditEntry.request_id)
        .outerjoin(requester, AuthorizationRequest.requester_id == requester.id)
        .order_by(AuditEntry.id)
    )
    if not scope.everything:
        query = query.where(_audit_in_scope(scope, policy_ids, actor, subject, requester))
    return read_rows(db, query)


def _audit_in_scope(
    scope: Scope, policy_ids: list[str], actor: Any, subject: Any, requester: Any
) -> ColumnElement[bool]:
    within = scope.people
    policy = AuditEntry.details["policy"].as_string()
    return or_(
        and_(AuditEntry.request_id.is_not(None), within(requester)),
        and_(AuditEntry.request_id.is_(None), AuditEntry.subject_id.is_not(None), within(subject)),
        and_(
            AuditEntry.request_id.is_(None),
            AuditEntry.subject_id.is_(None),
            policy.is_not(None),
            policy.in_(policy_ids),
        ),
        and_(
            AuditEntry.request_id.is_(None),
            AuditEntry.subject_id.is_(None),
            policy.is_(None),
            within(actor),
        ),
    )


def recent_outbox(db: Database, *, topic_prefix: str = "", limit: int = 20) -> list[OutboxRow]:
    """The newest messages queued for people (those whose topic starts with the prefix)."""
    query = (
        select(OutboxMessage, Person.name)
        .join(Person, OutboxMessage.person_id == Person.id)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    if topic_prefix:
        query = query.where(OutboxMessage.topic.startswith(topic_prefix, autoescape=True))
    with db.session() as session:
        return [
            OutboxRow(
                row.id,
                name,
                row.topic,
                row.status,
                row.platform,
                row.created_at,
                str(row.reply.get("text", "")),
            )
            for row, name in session.execute(query)
        ]
