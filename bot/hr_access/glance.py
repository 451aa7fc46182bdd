"""HR's home page: each policy of HR's organizations at a glance.

Per policy: how far acknowledgement of the current version has come and who is overdue, the
requests waiting for a decision and for how long, and the last seven days' unanswered questions
in groups. Each figure is an aggregate or a short list read in SQL (the few names shown, the
oldest requests), so the page costs the same with 100 people or 100,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.acknowledgements.summary import Completion, completion
from bot.approvals.approvers import possessive, role_phrase
from bot.approvals.authorizations import view_of
from bot.config import Config
from bot.hr_access import questions
from bot.people.scope import Scope
from bot.storage.database import Database
from bot.storage.models import AuthorizationRequest, Person
from bot.storage.rows import utc
from knowledge.grouping import group_similar

SHOWN = 5  # names, requests and groups listed per policy; the page each links to has the rest
QUESTIONS_GROUPED = 500  # the week's newest questions read to count their groups


@dataclass(frozen=True)
class WaitingRequest:
    """A pending request: whose, about what, since when, and whose decision it waits for."""

    id: int
    requester: str
    what: str
    created_at: datetime
    waiting_for: tuple[str, ...]

    def waited(self, now: datetime) -> timedelta:
        return utc(now) - self.created_at


@dataclass(frozen=True)
class Waiting:
    """The requests of one policy waiting for a decision: how many, and the oldest few."""

    count: int
    oldest: tuple[WaitingRequest, ...]


@dataclass(frozen=True)
class QuestionGroupCount:
    """A group of similar questions: the newest one, and how many there are."""

    lead: str
    count: int


@dataclass(frozen=True)
class WeekQuestions:
    """The last seven days' unanswered questions: how many, in how many groups, the largest."""

    count: int
    groups: int
    largest: tuple[QuestionGroupCount, ...]
    read_all: bool  # False when more were asked than were read to group them


def waiting_requests(db: Database, scope: Scope, policy_id: str) -> Waiting:
    """Pending requests of people in scope under one policy, the longest waiting first."""
    where = (
        AuthorizationRequest.status == "pending",
        AuthorizationRequest.policy_id == policy_id,
        scope.people(),
    )
    joined = (Person, Person.id == AuthorizationRequest.requester_id)
    with db.session() as session:
        count = session.scalar(
            select(func.count(AuthorizationRequest.id)).join(*joined).where(*where)
        )
        oldest = session.scalars(
            select(AuthorizationRequest)
            .join(*joined)
            .where(*where)
            .order_by(AuthorizationRequest.created_at, AuthorizationRequest.id)
            .limit(SHOWN)
        )
        listed = []
        for request in oldest:
            view = view_of(session, request)
            waiting_for = tuple(
                f"{approval.assigned_to or 'nobody yet'} "
                f"({role_phrase(approval.role, possessive(view.requester))})"
                for approval in view.approvals
                if approval.decision is None
            )
            listed.append(
                WaitingRequest(view.id, view.requester, view.what, view.created_at, waiting_for)
            )
    return Waiting(count or 0, tuple(listed))


def week_questions(db: Database, policy_id: str, count: int, *, now: datetime) -> WeekQuestions:
    """The last seven days' questions not dismissed, grouped; `count` is their number."""
    recent = questions.open_questions(
        db, policy_id, limit=QUESTIONS_GROUPED, since=utc(now) - questions.WEEK
    )
    groups = group_similar([question.text for question in recent])
    largest = sorted(groups, key=len, reverse=True)[:SHOWN]
    return WeekQuestions(
        count,
        len(groups),
        tuple(QuestionGroupCount(recent[members[0]].text, len(members)) for members in largest),
        read_all=len(recent) >= count,
    )


@dataclass(frozen=True)
class PolicyGlance:
    """Everything the home page shows about one policy."""

    policy_id: str
    completion: Completion
    overdue_after_days: int
    waiting: Waiting
    questions: WeekQuestions


def glance(
    db: Database, config: Config, scope: Scope, policy_ids: list[str], *, now: datetime
) -> list[PolicyGlance]:
    """The glance at each policy (all of them in scope: the caller checked)."""
    days = config.acknowledgements.remind_after_days
    counted = questions.counts(db, policy_ids, now=now)
    return [
        PolicyGlance(
            policy_id,
            completion(
                db, config, policy_id, now=now, overdue_after=timedelta(days=days), show=SHOWN
            ),
            days,
            waiting_requests(db, scope, policy_id),
            week_questions(db, policy_id, counted[policy_id].week, now=now),
        )
        for policy_id in policy_ids
    ]
