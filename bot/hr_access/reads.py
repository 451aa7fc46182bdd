"""Reads for HR's dashboard that no other module offers: a page of requests, recent messages.

Each read is one page or one aggregate in SQL, so pages stay fast with thousands of people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.approvals.authorizations import RequestView, view_of
from bot.storage.database import Database
from bot.storage.models import AuthorizationRequest, OutboxMessage, Person

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
    db: Database, group: str, page_number: int, size: int = 50
) -> tuple[list[RequestView], Page]:
    """One page of the requests in a group (pending, decided, expired), newest first."""
    statuses = APPROVAL_GROUPS[group]
    where = AuthorizationRequest.status.in_(statuses)
    with db.session() as session:
        total = session.scalar(select(func.count(AuthorizationRequest.id)).where(where)) or 0
        page = page_of(page_number, size, total)
        query = (
            select(AuthorizationRequest)
            .where(where)
            .order_by(AuthorizationRequest.id.desc())
            .offset(page.offset)
            .limit(page.size)
        )
        return [view_of(session, request) for request in session.scalars(query)], page


def approval_request(db: Database, request_id: int) -> RequestView | None:
    """One request, or None if there is no such request."""
    with db.session() as session:
        request = session.get(AuthorizationRequest, request_id)
        return None if request is None else view_of(session, request)


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
