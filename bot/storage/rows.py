"""Helpers every record module shares: UTC times, row ids, retries after a race, fingerprints."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.storage.database import Database

T = TypeVar("T")


def sha256_hex(text: str) -> str:
    """The SHA-256 of ``text`` in UTF-8, as hex: the fingerprint of a policy version."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def utc(now: datetime) -> datetime:
    """Return ``now`` in UTC; refuse naive datetimes, whose meaning depends on the host."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got naive {now!r}")
    return now.astimezone(UTC)


MAX_ROW_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL


def is_row_id(number: int) -> bool:
    """Whether a number a person typed could be a row's id (bigger ones overflow the driver)."""
    return 0 < number <= MAX_ROW_ID


def with_retry(db: Database, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a session; after a unique-constraint race, once more in a fresh one."""
    try:
        with db.session() as session:
            return work(session)
    except IntegrityError:
        with db.session() as session:
            return work(session)
