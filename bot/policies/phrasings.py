"""HR teaching the bot a new way of asking: an alternate phrasing of one clause, at run time.

The phrasing is stored in `alternate_phrasings`; every worker's library notices the new row on
its next message (see `Library.refresh`) and answers with it, without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.people.directory import PersonInfo
from bot.policies.library import Library, UnknownPolicy
from bot.storage import audit
from bot.storage.database import Database
from bot.storage.models import AlternatePhrasing
from bot.storage.rows import utc
from knowledge.text import clean_control, collapse_spaces, words

MAX_PHRASING_CHARS = 300


class PhrasingError(ValueError):
    """A phrasing that cannot be added; the message says why, politely."""


@dataclass(frozen=True)
class AddedPhrasing:
    """The phrasing as stored."""

    id: int
    policy_id: str
    clause_id: str
    text: str


def add_phrasing(
    db: Database,
    library: Library,
    *,
    actor: PersonInfo,
    policy_id: str,
    clause_id: str,
    text: str,
    now: datetime,
) -> AddedPhrasing:
    """Store an alternate phrasing of a clause (HR only), with an audit entry."""
    if not actor.has("hr"):
        raise PhrasingError("Only HR can teach the bot new phrasings.")
    try:
        policy = library.policy(policy_id)
    except UnknownPolicy as error:
        raise PhrasingError(f"Sorry, {error.args[0]}.") from None
    if clause_id not in policy.clause_ids:
        raise PhrasingError(f"The {policy.title} has no part called {clause_id!r}.")
    cleaned = collapse_spaces(clean_control(text))
    if not words(cleaned):
        raise PhrasingError("Please write the phrasing in words.")
    if len(cleaned) > MAX_PHRASING_CHARS:
        raise PhrasingError(f"Please keep a phrasing under {MAX_PHRASING_CHARS} characters.")
    with db.session() as session:
        existing = session.scalars(
            select(AlternatePhrasing.text).where(
                AlternatePhrasing.policy_id == policy_id, AlternatePhrasing.clause_id == clause_id
            )
        )
        if any(words(old) == words(cleaned) for old in existing):
            raise PhrasingError(f"{policy.clause(clause_id).label} already has that phrasing.")
        row = AlternatePhrasing(
            policy_id=policy_id,
            clause_id=clause_id,
            text=cleaned,
            added_by_id=actor.id,
            added_at=utc(now),
        )
        session.add(row)
        session.flush()
        audit.append(
            session,
            at=now,
            action="phrasing_added",
            actor_id=actor.id,
            policy=policy_id,
            clause=clause_id,
            text=cleaned,
        )
        return AddedPhrasing(row.id, policy_id, clause_id, cleaned)
