"""Questions the bot could not answer, logged without the asker's name for HR to review."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.storage.database import Database
from bot.storage.models import (
    UnansweredQuestion,
)
from bot.storage.rows import utc

MAX_QUESTION_CHARS = 2_000


@dataclass(frozen=True)
class UnansweredRow:
    """A question the bot could not answer well (who asked is never stored)."""

    id: int
    policy_id: str
    text: str
    best_score: float
    asked_at: datetime


def log_unanswered(
    db: Database, *, policy_id: str, text: str, best_score: float, now: datetime
) -> None:
    """Keep a question the bot could not answer, so the policy's keepers can improve it.

    Deliberately stores no identity of the asker; the text is cut to 2,000 characters.
    """
    now = utc(now)
    if not math.isfinite(best_score):
        raise ValueError(f"best_score must be a finite number, got {best_score!r}")
    row = UnansweredQuestion(
        policy_id=policy_id, text=text[:MAX_QUESTION_CHARS], best_score=best_score, asked_at=now
    )
    with db.session() as session:
        session.add(row)


def list_unanswered(
    db: Database, policy_id: str | None = None, limit: int | None = None
) -> list[UnansweredRow]:
    """Unanswered questions, newest first, optionally for one policy and at most ``limit``."""
    query = select(UnansweredQuestion)
    if policy_id is not None:
        query = query.where(UnansweredQuestion.policy_id == policy_id)
    query = query.order_by(UnansweredQuestion.asked_at.desc(), UnansweredQuestion.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with db.session() as session:
        return [
            UnansweredRow(r.id, r.policy_id, r.text, r.best_score, r.asked_at)
            for r in session.scalars(query)
        ]
