""" "Was this helpful?": one vote per person, clause and version, counted per clause for HR."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.storage.database import Database
from bot.storage.models import AnswerFeedback
from bot.storage.rows import utc, with_retry


@dataclass(frozen=True)
class FeedbackCount:
    """How many people found the answers quoting one clause helpful, and how many did not."""

    policy_id: str
    clause_id: str
    helpful: int
    not_helpful: int


def record_feedback(
    db: Database,
    *,
    platform: str,
    person: str,
    policy_id: str,
    version: int,
    clause_id: str,
    helpful: bool,
    now: datetime,
) -> bool:
    """Store a vote, replacing the person's earlier one; True when it is new or changed."""

    def store(session: Session) -> bool:
        existing = session.scalars(
            select(AnswerFeedback).where(
                AnswerFeedback.platform == platform,
                AnswerFeedback.person == person,
                AnswerFeedback.policy_id == policy_id,
                AnswerFeedback.version == version,
                AnswerFeedback.clause_id == clause_id,
            )
        ).first()
        if existing is None:
            session.add(
                AnswerFeedback(
                    platform=platform,
                    person=person,
                    policy_id=policy_id,
                    version=version,
                    clause_id=clause_id,
                    helpful=helpful,
                    recorded_at=utc(now),
                )
            )
            return True
        changed = existing.helpful != helpful
        existing.helpful, existing.recorded_at = helpful, utc(now)
        return changed

    return with_retry(db, store)


def feedback_counts(db: Database, policy_id: str | None = None) -> list[FeedbackCount]:
    """Helpful and not-helpful votes per clause, across versions, most voted first."""
    helpful = func.sum(case((AnswerFeedback.helpful, 1), else_=0))
    total = func.count(AnswerFeedback.id)
    query = select(AnswerFeedback.policy_id, AnswerFeedback.clause_id, helpful, total).group_by(
        AnswerFeedback.policy_id, AnswerFeedback.clause_id
    )
    if policy_id is not None:
        query = query.where(AnswerFeedback.policy_id == policy_id)
    with db.session() as session:
        rows = session.execute(query.order_by(total.desc(), AnswerFeedback.clause_id)).all()
    return [
        FeedbackCount(policy, clause, int(yes or 0), int(count) - int(yes or 0))
        for policy, clause, yes, count in rows
    ]
