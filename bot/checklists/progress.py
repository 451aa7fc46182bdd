"""Checklists in progress and finished: the saved draft of each conversation, and the results.

A draft is saved after every answer so a restart resumes it; a finished checklist is recorded
(verdict, answers, policy version, time) without the draft text unless the person keeps it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.storage.database import Database
from bot.storage.models import (
    ChecklistDraft,
    ChecklistResult,
)
from bot.storage.rows import utc, with_retry


@dataclass(frozen=True)
class DraftRow:
    """The saved state of an unfinished checklist in one conversation."""

    platform: str
    person: str
    conversation: str
    policy_id: str
    version: int
    answers: dict[str, bool]
    draft_text: str | None
    started_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ResultRow:
    """A finished checklist: the verdict, the answers given and the reasons for the verdict."""

    id: int
    platform: str
    person: str
    policy_id: str
    version: int
    verdict: str
    answers: dict[str, bool]
    reasons: list[str]
    draft_text: str | None
    finished_at: datetime


def _answers(answers: Mapping[str, bool]) -> dict[str, bool]:
    """Copy checklist answers, checking they map question ids (str) to yes/no (bool)."""
    for key, value in answers.items():
        if not isinstance(key, str) or not isinstance(value, bool):
            raise ValueError(f"answers must map question ids to booleans, got {key!r}: {value!r}")
    return dict(answers)


def _reasons(reasons: Sequence[str]) -> list[str]:
    """Copy the reasons for a verdict, refusing a bare string (a sequence of characters)."""
    if isinstance(reasons, str) or not all(isinstance(item, str) for item in reasons):
        raise ValueError("reasons must be a list of strings")
    return list(reasons)


def _draft_query(platform: str, person: str, conversation: str) -> Select[ChecklistDraft]:
    """The query for the one draft a person may have in a conversation."""
    return select(ChecklistDraft).where(
        ChecklistDraft.platform == platform,
        ChecklistDraft.person == person,
        ChecklistDraft.conversation == conversation,
    )


def _draft_row(r: ChecklistDraft) -> DraftRow:
    """The dataclass view of a draft row."""
    return DraftRow(
        r.platform,
        r.person,
        r.conversation,
        r.policy_id,
        r.version,
        dict(r.answers),
        r.draft_text,
        r.started_at,
        r.updated_at,
    )


def load_checklist_draft(
    db: Database, platform: str, person: str, conversation: str
) -> DraftRow | None:
    """The unfinished checklist of a person in a conversation, or None."""
    with db.autocommit() as session:
        row = session.scalars(_draft_query(platform, person, conversation)).first()
        return None if row is None else _draft_row(row)


def save_checklist_draft(
    db: Database,
    *,
    platform: str,
    person: str,
    conversation: str,
    policy_id: str,
    version: int,
    answers: Mapping[str, bool],
    draft_text: str | None,
    now: datetime,
) -> DraftRow:
    """Create or replace the unfinished checklist of a person in a conversation.

    The first save sets ``started_at``; later saves keep it and move ``updated_at``.
    Portable upsert: select, then update or insert (retried once if another insert won).
    """
    now, answers = utc(now), _answers(answers)

    def work(session: Session) -> DraftRow:
        row = session.scalars(_draft_query(platform, person, conversation)).first()
        if row is None:
            row = ChecklistDraft(
                platform=platform, person=person, conversation=conversation, started_at=now
            )
            session.add(row)
        row.policy_id, row.version, row.answers = policy_id, version, answers
        row.draft_text, row.updated_at = draft_text, now
        session.flush()
        return _draft_row(row)

    return with_retry(db, work)


def delete_checklist_draft(db: Database, platform: str, person: str, conversation: str) -> bool:
    """Forget the unfinished checklist of a person in a conversation; True if there was one."""
    with db.session() as session:
        row = session.scalars(_draft_query(platform, person, conversation)).first()
        if row is not None:
            session.delete(row)
        return row is not None


def record_checklist_result(
    db: Database,
    *,
    platform: str,
    person: str,
    policy_id: str,
    version: int,
    verdict: str,
    answers: Mapping[str, bool],
    reasons: Sequence[str],
    draft_text: str | None,
    now: datetime,
) -> int:
    """Store a finished checklist and return its id.

    Pass ``draft_text`` only if the person chose to keep their draft post with the result.
    """
    row = ChecklistResult(
        platform=platform,
        person=person,
        policy_id=policy_id,
        version=version,
        verdict=verdict,
        answers=_answers(answers),
        reasons=_reasons(reasons),
        draft_text=draft_text,
        finished_at=utc(now),
    )
    with db.session() as session:
        session.add(row)
        session.flush()
        return row.id


def keep_checklist_draft(db: Database, *, result_id: int, person: str, draft_text: str) -> bool:
    """Attach the draft post to a finished checklist at its owner's request; False if not theirs."""
    with db.session() as session:
        row = session.get(ChecklistResult, result_id)
        if row is None or row.person != person:
            return False
        row.draft_text = draft_text
        return True


def list_checklist_results(db: Database, policy_id: str | None = None) -> list[ResultRow]:
    """Finished checklists, oldest first, optionally for one policy only."""
    query = select(ChecklistResult)
    if policy_id is not None:
        query = query.where(ChecklistResult.policy_id == policy_id)
    query = query.order_by(ChecklistResult.finished_at, ChecklistResult.id)
    with db.session() as session:
        return [
            ResultRow(
                r.id,
                r.platform,
                r.person,
                r.policy_id,
                r.version,
                r.verdict,
                dict(r.answers),
                list(r.reasons),
                r.draft_text,
                r.finished_at,
            )
            for r in session.scalars(query)
        ]
