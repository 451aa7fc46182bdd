"""Where to reach each person later: the platform's reference for a proactive message.

Teams needs the conversation reference from a person's first message or the app's install;
Slack needs the person's id (posting to it opens their direct message with the bot). Adapters
store what they need here; reminders, approvals and policy updates read it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.storage.database import Database
from bot.storage.models import ConversationReference
from bot.storage.rows import utc, with_retry


@dataclass(frozen=True)
class Contact:
    """A person's stored reference on one platform."""

    platform: str
    person: str
    display_name: str | None
    workspace: str | None
    reference: dict[str, Any]
    updated_at: datetime


def remember_contact(
    db: Database,
    *,
    platform: str,
    person: str,
    reference: dict[str, Any],
    now: datetime,
    display_name: str | None = None,
    workspace: str | None = None,
) -> None:
    """Store or refresh how to reach a person; the newest reference replaces the old one.

    Most messages come from people whose reference is stored and unchanged: a read without a
    transaction confirms it, and nothing is written."""
    with db.autocommit() as session:
        known = session.scalars(_ONE_CONTACT, {"platform": platform, "person": person}).first()
        if known is not None and _same(known, reference, display_name, workspace):
            return

    def work(session: Session) -> None:
        row = session.scalars(_ONE_CONTACT, {"platform": platform, "person": person}).first()
        if row is None:
            session.add(
                ConversationReference(
                    platform=platform,
                    person=person,
                    display_name=display_name,
                    workspace=workspace,
                    reference=dict(reference),
                    updated_at=utc(now),
                )
            )
            return
        if _same(row, reference, display_name, workspace):
            return  # changed back by another message meanwhile
        row.reference, row.updated_at = dict(reference), utc(now)
        row.display_name = display_name or row.display_name
        row.workspace = workspace or row.workspace

    with_retry(db, work)  # two first messages at once: the second updates the first's row


def contact_for(db: Database, *, platform: str, person: str) -> Contact | None:
    """The stored reference of one person, or None if they never talked to the bot."""
    with db.autocommit() as session:
        row = session.scalars(_ONE_CONTACT, {"platform": platform, "person": person}).first()
        return _contact(row) if row else None


def list_contacts(db: Database, platform: str | None = None) -> list[Contact]:
    """Every stored reference, optionally of one platform, in a stable order."""
    query = select(ConversationReference).order_by(
        ConversationReference.platform, ConversationReference.person
    )
    if platform is not None:
        query = query.where(ConversationReference.platform == platform)
    with db.session() as session:
        return [_contact(row) for row in session.scalars(query)]


_ONE_CONTACT = select(ConversationReference).where(
    ConversationReference.platform == bindparam("platform"),
    ConversationReference.person == bindparam("person"),
)  # built once: every message reads it


def _same(
    row: ConversationReference,
    reference: dict[str, Any],
    display_name: str | None,
    workspace: str | None,
) -> bool:
    """Whether storing this reference would change nothing (a missing name keeps the old)."""
    return (row.reference, row.display_name, row.workspace) == (
        reference,
        display_name or row.display_name,
        workspace or row.workspace,
    )


def _contact(row: ConversationReference) -> Contact:
    return Contact(
        row.platform,
        row.person,
        row.display_name,
        row.workspace,
        dict(row.reference),
        row.updated_at,
    )
