"""Unanswered questions as HR reviews them: newest first, counted, and dismissable.

Chit-chat and stray commands ("hi", "thanks!", "1") can reach the log of questions the bot could
not answer. HR dismisses them as "not a policy question": they leave the list and every count,
but the row stays, marked with when and by whom (and the audit log says so too), and HR can
restore it. Counts are aggregates in SQL and lists are capped or paged, so a policy with years of
questions reads as fast as a new one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, case, func, select, update
from sqlalchemy.orm import aliased

from bot.hr_access.reads import Page, page_of
from bot.people.directory import PersonInfo
from bot.storage import audit
from bot.storage.database import Database
from bot.storage.models import Person, UnansweredQuestion
from bot.storage.rows import is_row_id, utc

WEEK = timedelta(days=7)
MAX_PER_ACTION = 500  # ids one dismissal may name (a group is at most the list HR sees)


@dataclass(frozen=True)
class Question:
    """A logged question as HR sees it (the asker is never known)."""

    id: int
    policy_id: str
    text: str
    best_score: float
    asked_at: datetime
    dismissed_at: datetime | None = None
    dismissed_by: str | None = None


@dataclass(frozen=True)
class QuestionCounts:
    """How many questions wait for HR: in the last seven days, in all; how many were dismissed."""

    week: int
    open: int
    dismissed: int


def counts(db: Database, policy_ids: Sequence[str], *, now: datetime) -> dict[str, QuestionCounts]:
    """The counts of each policy, in one aggregate query (policies without questions: zeros)."""
    open_ = UnansweredQuestion.dismissed_at.is_(None)
    recent = open_ & (UnansweredQuestion.asked_at >= utc(now) - WEEK)
    query = (
        select(
            UnansweredQuestion.policy_id,
            func.sum(case((recent, 1), else_=0)),
            func.sum(case((open_, 1), else_=0)),
            func.sum(case((open_, 0), else_=1)),
        )
        .where(UnansweredQuestion.policy_id.in_(list(policy_ids)))
        .group_by(UnansweredQuestion.policy_id)
    )
    found = {policy_id: QuestionCounts(0, 0, 0) for policy_id in policy_ids}
    with db.session() as session:
        for policy_id, week, waiting, dismissed in session.execute(query):
            found[policy_id] = QuestionCounts(
                int(week or 0), int(waiting or 0), int(dismissed or 0)
            )
    return found


def open_questions(
    db: Database, policy_id: str, *, limit: int, since: datetime | None = None
) -> list[Question]:
    """The newest questions not dismissed (asked since `since`, if given), newest first."""
    where = [UnansweredQuestion.policy_id == policy_id, UnansweredQuestion.dismissed_at.is_(None)]
    if since is not None:
        where.append(UnansweredQuestion.asked_at >= utc(since))
    query = (
        select(UnansweredQuestion)
        .where(*where)
        .order_by(UnansweredQuestion.asked_at.desc(), UnansweredQuestion.id.desc())
        .limit(limit)
    )
    with db.session() as session:
        return [
            Question(row.id, row.policy_id, row.text, row.best_score, row.asked_at)
            for row in session.scalars(query)
        ]


def dismissed_questions(
    db: Database, policy_id: str, page_number: int, size: int = 50
) -> tuple[list[Question], Page]:
    """One page of the dismissed questions, the most recently dismissed first."""
    where = (
        UnansweredQuestion.policy_id == policy_id,
        UnansweredQuestion.dismissed_at.is_not(None),
    )
    with db.session() as session:
        total = session.scalar(select(func.count(UnansweredQuestion.id)).where(*where)) or 0
        page = page_of(page_number, size, total)
        query = (
            _with_dismisser()
            .where(*where)
            .order_by(UnansweredQuestion.dismissed_at.desc(), UnansweredQuestion.id.desc())
            .offset(page.offset)
            .limit(page.size)
        )
        return [_question(row, name) for row, name in session.execute(query)], page


def every_question(
    db: Database, policy_ids: Sequence[str], *, dismissed: bool = True
) -> list[Question]:
    """Every logged question of these policies (dismissed ones too, unless `dismissed` is
    False), newest first: for exports and the terminal's report."""
    query = (
        _with_dismisser()
        .where(UnansweredQuestion.policy_id.in_(list(policy_ids)))
        .order_by(UnansweredQuestion.asked_at.desc(), UnansweredQuestion.id.desc())
    )
    if not dismissed:
        query = query.where(UnansweredQuestion.dismissed_at.is_(None))
    with db.session() as session:
        return [_question(row, name) for row, name in session.execute(query)]


def dismiss(
    db: Database,
    *,
    actor: PersonInfo,
    policy_id: str,
    question_ids: Collection[int],
    now: datetime,
) -> int:
    """Mark these questions of the policy "not a policy question"; how many were dismissed.

    Ids of another policy, or already dismissed, change nothing; the audit entry lists the ids.
    """
    return _set_dismissed(db, actor, policy_id, question_ids, now, dismissed=True)


def restore(
    db: Database,
    *,
    actor: PersonInfo,
    policy_id: str,
    question_ids: Collection[int],
    now: datetime,
) -> int:
    """Put dismissed questions of the policy back on HR's list; how many were restored."""
    return _set_dismissed(db, actor, policy_id, question_ids, now, dismissed=False)


def _set_dismissed(
    db: Database,
    actor: PersonInfo,
    policy_id: str,
    question_ids: Collection[int],
    now: datetime,
    *,
    dismissed: bool,
) -> int:
    """Dismiss or restore the questions not already so, with one audit entry naming them."""
    wanted = _ids(question_ids)
    if not wanted:
        return 0
    was = UnansweredQuestion.dismissed_at
    with db.session() as session:
        changed = session.execute(
            update(UnansweredQuestion)
            .where(_of(policy_id, wanted), was.is_(None) if dismissed else was.is_not(None))
            .values(
                dismissed_at=utc(now) if dismissed else None,
                dismissed_by_id=actor.id if dismissed else None,
            )
            .returning(UnansweredQuestion.id)
        )
        done = sorted(changed.scalars())
        if done:
            audit.append(
                session,
                at=now,
                action="questions_dismissed" if dismissed else "questions_restored",
                actor_id=actor.id,
                policy=policy_id,
                count=len(done),
                question_ids=done,
            )
    return len(done)


def _ids(question_ids: Collection[int]) -> list[int]:
    return sorted({number for number in question_ids if is_row_id(number)})[:MAX_PER_ACTION]


def _of(policy_id: str, ids: list[int]) -> ColumnElement[bool]:
    return (UnansweredQuestion.policy_id == policy_id) & UnansweredQuestion.id.in_(ids)


def _with_dismisser() -> Select[UnansweredQuestion, str]:
    """The questions with the name of whoever dismissed them (None for the others)."""
    dismisser = aliased(Person)
    return select(UnansweredQuestion, dismisser.name).outerjoin(
        dismisser, UnansweredQuestion.dismissed_by_id == dismisser.id
    )


def _question(row: UnansweredQuestion, dismissed_by: str | None) -> Question:
    return Question(
        row.id,
        row.policy_id,
        row.text,
        row.best_score,
        row.asked_at,
        row.dismissed_at,
        dismissed_by,
    )
