"""Exactly-once handling of platform events: a retried or re-delivered event is claimed once.

Slack retries an event it thinks was missed; Teams can deliver an activity twice; several
workers may receive the same one. The first to insert the event id wins; everyone else sees
that it was already claimed. The check lives in the database so that every worker agrees.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError

from bot.storage.database import Database
from bot.storage.models import ProcessedEvent
from bot.storage.rows import utc

MAX_EVENT_ID_CHARS = 200


_CLAIM = insert(ProcessedEvent)  # built once: every message makes one


def claim_event(db: Database, *, platform: str, event_id: str, now: datetime) -> bool:
    """True the first time an event id is seen on a platform, False on every repeat."""
    if not event_id or len(event_id) > MAX_EVENT_ID_CHARS:
        raise ValueError("an event id must be 1 to 200 characters")
    try:
        with db.autocommit() as session:  # one INSERT: its own transaction
            claim = {"platform": platform, "event_id": event_id, "received_at": utc(now)}
            session.execute(_CLAIM, claim)
    except IntegrityError:
        return False
    return True


def release_event(db: Database, *, platform: str, event_id: str) -> None:
    """Forget a claim whose handling failed, so the platform's retry can try again."""
    with db.session() as session:
        session.execute(
            delete(ProcessedEvent).where(
                ProcessedEvent.platform == platform, ProcessedEvent.event_id == event_id
            )
        )


def prune_events(db: Database, *, older_than: timedelta, now: datetime) -> int:
    """Drop claims older than any retry could be (Slack retries within minutes); count them."""
    with db.session() as session:
        result = session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.received_at < utc(now) - older_than)
        )
        return int(getattr(result, "rowcount", 0) or 0)
