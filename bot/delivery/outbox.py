"""Messages for people, kept in the database until delivered on one of their platforms.

The core enqueues a message in the same transaction as the change it announces (a request for
an approver, a decision for the requester), so nothing is announced that did not happen and
nothing that happened goes unannounced. Each platform's adapter claims its due messages,
delivers them and marks them; a claim is a lease, so a worker that dies mid-send leaves them to
be claimed again. A person with no platform to reach them is recorded as unreachable, with why.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, insert, or_, select, update
from sqlalchemy.orm import Session

from bot.messages import Reply, reply_from_dict, reply_to_dict
from bot.storage.database import Database, announce_after_commit
from bot.storage.models import OutboxMessage, Person, PersonIdentity
from bot.storage.rows import utc

LEASE = timedelta(minutes=2)
IN_DOUBT = ":in-doubt"
CHUNK = 500
NO_PLATFORM = "this person has no chat platform on record"
MAX_ATTEMPTS = 6
PLATFORM_ORDER = ("slack", "teams", "console")
QUEUED = "outbox"  # the topic announced after a commit that queued messages
OBSOLETE = "obsolete"  # the status of a message no longer wanted when its time to send came

# Why a queued message is no longer wanted (the person acknowledged since, the request was
# decided), read in the session given, or None to send it. Keyed by topic prefix.
Check = Callable[[Session, int, Reply], str | None]


@dataclass(frozen=True)
class OutboxItem:
    """A message to deliver: to whom (their id on the platform) and what."""

    id: int
    person_id: int
    platform: str
    address: str
    topic: str
    reply: Reply
    attempts: int
    claim: str = ""
    in_doubt: bool = False  # a worker stopped while sending it: it may have arrived already


@dataclass(frozen=True)
class Queued:
    """How many messages were queued for delivery, and how many had nowhere to go."""

    queued: int
    unreachable: int


@dataclass(frozen=True)
class Undelivered:
    """A message that could not be delivered, for HR's report."""

    id: int
    person: str
    topic: str
    status: str
    platform: str | None
    attempts: int
    last_error: str | None
    created_at: datetime


def enqueue(session: Session, *, person_id: int, topic: str, reply: Reply, now: datetime) -> None:
    """Keep a message for a person, on the platform they used last, in the caller's transaction."""
    platform = preferred_platform(session, person_id)
    session.add(
        OutboxMessage(
            person_id=person_id,
            topic=topic,
            reply=reply_to_dict(reply),
            status="pending" if platform else "unreachable",
            platform=platform,
            attempts=0,
            next_attempt_at=utc(now),
            last_error=None if platform else NO_PLATFORM,
            created_at=utc(now),
        )
    )
    announce_after_commit(session, QUEUED)


def enqueue_many(
    session: Session,
    *,
    person_ids: Sequence[int],
    topic: str,
    reply: Reply,
    now: datetime,
    dedupe_keys: Mapping[int, str] | None = None,
) -> Queued:
    """Keep one message for each of many people, in the caller's transaction, in bulk.

    With `dedupe_keys`, a person whose key is already queued is skipped, so a reminder round
    run twice (or by two workers) queues each message once; a race surfaces as IntegrityError.
    """
    if dedupe_keys is not None:
        taken = _taken_keys(session, list(dedupe_keys.values()))
        person_ids = [p for p in person_ids if dedupe_keys[p] not in taken]
    platforms = preferred_platforms(session, person_ids)
    body, at = reply_to_dict(reply), utc(now)
    rows = [
        {
            "person_id": person_id,
            "topic": topic,
            "reply": body,
            "status": "pending" if platforms.get(person_id) else "unreachable",
            "platform": platforms.get(person_id),
            "attempts": 0,
            "next_attempt_at": at,
            "last_error": None if platforms.get(person_id) else NO_PLATFORM,
            "created_at": at,
            "dedupe_key": dedupe_keys[person_id] if dedupe_keys else None,
        }
        for person_id in person_ids
    ]
    if rows:
        session.execute(insert(OutboxMessage), rows)
        announce_after_commit(session, QUEUED)
    unreachable = sum(1 for row in rows if row["platform"] is None)
    return Queued(len(rows) - unreachable, unreachable)


def supersede(
    session: Session, *, topic_prefixes: Sequence[str], reason: str, now: datetime
) -> list[tuple[int, str]]:
    """Withdraw messages not yet sent whose topic starts with one of the prefixes (a newer
    version overtook what they ask), in the caller's transaction: (person id, topic) of each.

    Only "pending" messages are withdrawn: one a worker is sending right now may already have
    arrived. One UPDATE, so a worker's claim and this cannot both take a message.
    """
    if not topic_prefixes:
        return []
    matches = [OutboxMessage.topic.startswith(prefix, autoescape=True) for prefix in topic_prefixes]
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.status == "pending", or_(*matches))
        .values(status="superseded", last_error=reason[:500], next_attempt_at=utc(now))
        .returning(OutboxMessage.person_id, OutboxMessage.topic)
        .execution_options(synchronize_session=False)
    )
    return [(person_id, topic) for person_id, topic in session.execute(statement)]


def _taken_keys(session: Session, keys: list[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        taken.update(
            key
            for key in session.scalars(
                select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(chunk))
            )
            if key is not None
        )
    return taken


def preferred_platform(session: Session, person_id: int) -> str | None:
    """The platform a person was last seen on, else the first they have an identity on."""
    return preferred_platforms(session, [person_id]).get(person_id)


def preferred_platforms(session: Session, person_ids: Sequence[int]) -> dict[int, str]:
    """For each person with an identity: the platform last seen on, else the first by order."""
    by_person: dict[int, list[tuple[str, datetime | None]]] = {}
    for start in range(0, len(person_ids), CHUNK):
        chunk = list(person_ids[start : start + CHUNK])
        rows = session.execute(
            select(
                PersonIdentity.person_id, PersonIdentity.platform, PersonIdentity.last_seen_at
            ).where(PersonIdentity.person_id.in_(chunk))
        )
        for person_id, platform, seen in rows:
            by_person.setdefault(person_id, []).append((platform, seen))
    return {person_id: _preferred(identities) for person_id, identities in by_person.items()}


def _preferred(identities: list[tuple[str, datetime | None]]) -> str:
    seen = [(at, platform) for platform, at in identities if at is not None]
    if seen:
        return max(seen)[1]
    order = {platform: index for index, platform in enumerate(PLATFORM_ORDER)}
    return min(identities, key=lambda identity: order.get(identity[0], 99))[0]


def claim_due(db: Database, *, platform: str, now: datetime, limit: int = 50) -> list[OutboxItem]:
    """Claim up to `limit` due messages for a platform; no other worker gets them meanwhile.

    One UPDATE claims them all (on PostgreSQL its subquery takes `FOR UPDATE SKIP LOCKED`, so
    workers claim different messages without waiting for each other; SQLite serializes writes).
    The condition is repeated outside the subquery so a row another worker claimed first is
    left alone. A message claimed while still marked "sending" was being sent by a worker that
    stopped: it is "in doubt" (it may have reached the person), and the sender can check.
    """
    now, token = utc(now), uuid.uuid4().hex
    due = (
        (OutboxMessage.platform == platform)
        & OutboxMessage.status.in_(("pending", "sending"))
        & (OutboxMessage.next_attempt_at <= now)
    )
    chosen = (
        select(OutboxMessage.id)
        .where(due)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    with db.session() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chosen.scalar_subquery()), due)
            .values(
                status="sending",
                next_attempt_at=now + LEASE,
                claim_token=case(
                    (OutboxMessage.status == "sending", token + IN_DOUBT), else_=token
                ),
            )
            .execution_options(synchronize_session=False)
        )
    with db.session() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.claim_token.in_((token, token + IN_DOUBT)))
            .order_by(OutboxMessage.id)
        )
        return [_item(session, row) for row in rows]


def _item(session: Session, row: OutboxMessage) -> OutboxItem:
    assert row.platform is not None and row.claim_token is not None
    address = session.scalars(
        select(PersonIdentity.external_id).where(
            PersonIdentity.person_id == row.person_id, PersonIdentity.platform == row.platform
        )
    ).first()
    return OutboxItem(
        row.id,
        row.person_id,
        row.platform,
        address or "",
        row.topic,
        reply_from_dict(row.reply),
        row.attempts,
        row.claim_token,
        row.claim_token.endswith(IN_DOUBT),
    )


def mark_sent(db: Database, message_id: int, now: datetime) -> None:
    """The message reached the person."""
    with db.session() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status="sent", sent_at=utc(now), attempts=OutboxMessage.attempts + 1)
        )


def mark_failed(
    db: Database,
    message_id: int,
    *,
    error: str,
    now: datetime,
    permanent: bool = False,
    claim: str | None = None,
) -> None:
    """The send failed: try again later with backoff, or give up and say why.

    With `claim`, only while that claim still holds the message: a worker whose lease lapsed
    (another took the message over) must not put it back.
    """
    with db.session() as session:
        row = session.get(OutboxMessage, message_id)
        if row is None or row.status != "sending" or (claim and row.claim_token != claim):
            return
        row.claim_token = None
        row.attempts += 1
        row.last_error = error[:500]
        if permanent or row.attempts >= MAX_ATTEMPTS:
            row.status = "unreachable" if permanent else "failed"
        else:
            row.status = "pending"
            row.next_attempt_at = utc(now) + timedelta(seconds=5 * 2**row.attempts)


def put_back(
    db: Database, message_id: int, *, wait_seconds: float, now: datetime, claim: str | None = None
) -> None:
    """The platform asked us to slow down: try the message again later, counting no attempt."""
    held = OutboxMessage.claim_token == claim if claim else OutboxMessage.claim_token.is_not(None)
    with db.session() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == "sending", held)
            .values(
                status="pending",
                claim_token=None,
                next_attempt_at=utc(now) + timedelta(seconds=wait_seconds),
            )
        )


def obsolete_reason(
    session: Session, checks: Mapping[str, Check], person_id: int, topic: str, reply: Reply
) -> str | None:
    """Why a message is no longer wanted now, by the check registered for its topic, or None."""
    for prefix, check in checks.items():
        if topic.startswith(prefix):
            return check(session, person_id, reply)
    return None


def still_wanted(
    db: Database, item: OutboxItem, checks: Mapping[str, Check], now: datetime
) -> bool:
    """Checked just before a message is sent: False (and the message marked obsolete, with
    why) when what it asks for is done or was overtaken since it was queued."""
    if not any(item.topic.startswith(prefix) for prefix in checks):
        return True  # most messages (announcements, outcomes) have nothing to check
    with db.session() as session:
        reason = obsolete_reason(session, checks, item.person_id, item.topic, item.reply)
        if reason is None:
            return True
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item.id, OutboxMessage.claim_token == item.claim)
            .values(status=OBSOLETE, claim_token=None, last_error=reason[:500], sent_at=None)
        )
    return False


def deliver_to_console(
    db: Database, person_id: int, now: datetime, checks: Mapping[str, Check] | None = None
) -> list[Reply]:
    """Everything still wanted that waits for a person in the terminal, marked delivered as it
    is returned (what `checks` find obsolete is marked so, and not shown)."""
    with db.session() as session:
        rows = list(
            session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.person_id == person_id,
                    OutboxMessage.platform == "console",
                    OutboxMessage.status.in_(("pending", "sending")),
                )
                .order_by(OutboxMessage.id)
            )
        )
        shown = []
        for row in rows:
            reply = reply_from_dict(row.reply)
            reason = obsolete_reason(session, checks or {}, person_id, row.topic, reply)
            if reason is not None:
                row.status, row.last_error = OBSOLETE, reason[:500]
                continue
            row.status, row.sent_at, row.attempts = "sent", utc(now), row.attempts + 1
            shown.append(reply)
        return shown


def undelivered(db: Database, people: ColumnElement[bool] | None = None) -> list[Undelivered]:
    """Messages that could not be delivered, oldest first (to the `people` rows, if given)."""
    query = (
        select(OutboxMessage, Person.name)
        .join(Person, OutboxMessage.person_id == Person.id)
        .where(OutboxMessage.status.in_(("unreachable", "failed")))
        .order_by(OutboxMessage.id)
    )
    if people is not None:
        query = query.where(people)
    with db.session() as session:
        return [
            Undelivered(
                row.id,
                name,
                row.topic,
                row.status,
                row.platform,
                row.attempts,
                row.last_error,
                row.created_at,
            )
            for row, name in session.execute(query)
        ]
