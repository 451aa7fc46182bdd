"""HR gives a clause a short title (the dashboard's form; a checklist file's `titles` does too).

The title is stored with the current version's number, so it follows its clause when a later
version renumbers it; every worker's library notices it on the next message (its signature
counts titles) and shows it in answers, choices, drop-downs and citation headings.
"""

from __future__ import annotations

from datetime import datetime

from bot.people.directory import PersonInfo
from bot.policies.library import Library, UnknownPolicy
from bot.storage import audit
from bot.storage.database import Database
from bot.storage.models import ClauseTitle
from bot.storage.rows import utc
from knowledge.titles import check_title


class TitleError(ValueError):
    """A title that cannot be set; the message says why, politely."""


def set_title(
    db: Database,
    library: Library,
    *,
    actor: PersonInfo,
    policy_id: str,
    clause_id: str,
    title: str,
    now: datetime,
) -> str:
    """Give a clause of the current version a title (HR only), audited; returns it as stored.

    An empty title takes HR's title away (the clause is called by its label again).
    """
    if not actor.has("hr"):
        raise TitleError("Only HR can give clauses titles.")
    library.refresh(db)
    try:
        policy = library.policy(policy_id)
    except UnknownPolicy as error:
        raise TitleError(f"Sorry, {error.args[0]}.") from None
    if clause_id not in policy.clause_ids:
        raise TitleError(f"The {policy.title} has no part called {clause_id!r}.")
    cleaned = ""
    if title.strip():
        try:
            cleaned = check_title(title)
        except ValueError as error:
            raise TitleError(f"Sorry, {error}.") from None
    with db.session() as session:
        session.add(
            ClauseTitle(
                policy_id=policy.id,
                version=policy.version,
                clause_id=clause_id,
                title=cleaned,
                set_at=utc(now),
                set_by_id=actor.id,
            )
        )
        audit.append(
            session,
            at=now,
            action="clause_titled",
            actor_id=actor.id,
            policy=policy.id,
            version=policy.version,
            clause=clause_id,
            title=cleaned,
        )
    library.refresh(db)
    return cleaned
