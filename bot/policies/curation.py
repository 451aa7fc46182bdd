"""Reading what HR curated in the database: published checklists and clause titles.

Both are stored with the policy version whose clause ids they use, so the library can move
their references to the current version (`knowledge.clause_map`). Written by
`bot.publishing.checklists` (checklists) and `bot.policies.titles` (titles).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.storage.database import Database
from bot.storage.models import ClauseTitle, PolicyVersion, PublishedChecklist


@dataclass(frozen=True)
class StoredChecklist:
    """The newest checklist HR published for a policy."""

    policy_id: str
    number: int
    basis_version: int
    text: str
    source: str
    published_at: datetime
    published_by: str | None


@dataclass(frozen=True)
class StoredTitle:
    """A clause title HR gave, with the version its clause id belongs to."""

    policy_id: str
    version: int
    clause_id: str
    title: str


def newest_checklists(db: Database) -> dict[str, StoredChecklist]:
    """Each policy's newest published checklist, by policy id."""
    newest = (
        select(PublishedChecklist.policy_id, func.max(PublishedChecklist.number).label("number"))
        .group_by(PublishedChecklist.policy_id)
        .subquery()
    )
    query = select(PublishedChecklist).join(
        newest,
        (newest.c.policy_id == PublishedChecklist.policy_id)
        & (newest.c.number == PublishedChecklist.number),
    )
    with db.session() as session:
        return {
            row.policy_id: StoredChecklist(
                row.policy_id,
                row.number,
                row.basis_version,
                row.text,
                row.source,
                row.published_at,
                row.published_by,
            )
            for row in session.scalars(query)
        }


def checklist_history(db: Database, policy_id: str) -> list[StoredChecklist]:
    """Every published checklist of a policy, oldest first."""
    query = (
        select(PublishedChecklist)
        .where(PublishedChecklist.policy_id == policy_id)
        .order_by(PublishedChecklist.number)
    )
    with db.session() as session:
        return [
            StoredChecklist(
                row.policy_id,
                row.number,
                row.basis_version,
                row.text,
                row.source,
                row.published_at,
                row.published_by,
            )
            for row in session.scalars(query)
        ]


def clause_titles(db: Database) -> list[StoredTitle]:
    """Every title HR gave, oldest first (a later one for the same clause replaces it)."""
    query = select(ClauseTitle).order_by(ClauseTitle.id)
    with db.session() as session:
        return [
            StoredTitle(row.policy_id, row.version, row.clause_id, row.title)
            for row in session.scalars(query)
        ]


def version_texts(db: Database, policy_id: str, numbers: set[int]) -> dict[int, str]:
    """The stored texts of some versions of a policy, by number."""
    if not numbers:
        return {}
    query = select(PolicyVersion.number, PolicyVersion.text).where(
        PolicyVersion.policy_id == policy_id, PolicyVersion.number.in_(sorted(numbers))
    )
    with db.session() as session:
        return {number: text for number, text in session.execute(query)}


def version_number_of(db: Database, policy_id: str, sha256: str) -> int | None:
    """The newest stored version of a policy with this text (by its SHA-256), if any."""
    query = (
        select(PolicyVersion.number)
        .where(PolicyVersion.policy_id == policy_id, PolicyVersion.sha256 == sha256)
        .order_by(PolicyVersion.number.desc())
        .limit(1)
    )
    with db.session() as session:
        return session.scalars(query).first()
