"""What a conversation remembers between two messages, kept in the database.

Any worker may take a person's next message, so "the choices I just offered" cannot live in one
process: they are stored per platform, person and conversation, under a key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.messages import Incoming
from bot.storage.database import Database
from bot.storage.models import ConversationMemory
from bot.storage.rows import utc, with_retry


def remember(
    db: Database, message: Incoming, key: str, value: dict[str, Any], now: datetime
) -> None:
    """Keep a value for this conversation, replacing what was kept under the key."""

    def work(session: Session) -> None:
        row = session.scalars(_query(message, key)).first()
        if row is None:
            row = ConversationMemory(
                platform=message.platform,
                person=message.person,
                conversation=message.conversation,
                key=key,
            )
            session.add(row)
        row.value, row.updated_at = dict(value), utc(now)

    with_retry(db, work)


def keep(db: Database, message: Incoming, key: str, value: dict[str, Any], now: datetime) -> None:
    """`remember` in one statement (an upsert), for what is kept after most messages (the
    clause last quoted): no read before the write, no transaction around it."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    row = {
        "platform": message.platform,
        "person": message.person,
        "conversation": message.conversation,
        "key": key,
        "value": dict(value),
        "updated_at": utc(now),
    }
    statement = insert(ConversationMemory).values(row)
    statement = statement.on_conflict_do_update(
        index_elements=["platform", "person", "conversation", "key"],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
    )
    with db.autocommit() as session:
        session.execute(statement)


def recall(db: Database, message: Incoming, key: str) -> dict[str, Any] | None:
    """The value kept under the key, if any."""
    with db.autocommit() as session:
        row = session.scalars(_query(message, key)).first()
        return dict(row.value) if row else None


def forget(db: Database, message: Incoming, key: str) -> dict[str, Any] | None:
    """Remove and return the value kept under the key (each worker gets it at most once)."""
    gone = (
        delete(ConversationMemory)
        .where(*_conditions(message, key))
        .returning(ConversationMemory.value)
    )
    with db.autocommit() as session:  # one DELETE: whoever deletes the row gets its value
        value = session.execute(gone).scalars().first()
    return None if value is None else dict(value)


def _query(message: Incoming, key: str) -> Any:
    return select(ConversationMemory).where(*_conditions(message, key))


def _conditions(message: Incoming, key: str) -> tuple[Any, ...]:
    return (
        ConversationMemory.platform == message.platform,
        ConversationMemory.person == message.person,
        ConversationMemory.conversation == message.conversation,
        ConversationMemory.key == key,
    )
