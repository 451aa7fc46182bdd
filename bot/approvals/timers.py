"""What time does to requests: reminders, escalation, and the end of an authorization.

`run_due` is safe to call often and from several workers: each step is guarded by a column it
sets (reminded_at, escalated_at, the status), so nothing is sent twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.approvals.approvers import candidates, possessive, role_phrase
from bot.approvals.authorizations import approval_request_reply, describe, view_of
from bot.config import ApprovalSettings
from bot.delivery import outbox
from bot.messages import Reply
from bot.storage import audit
from bot.storage.database import Database
from bot.storage.models import Approval, AuthorizationRequest, Person, PersonRole
from bot.storage.rows import utc


@dataclass(frozen=True)
class TimerReport:
    """What one run did."""

    reminded: int = 0
    escalated: int = 0
    expired: int = 0


def run_due(db: Database, settings: ApprovalSettings, now: datetime) -> TimerReport:
    """Remind, escalate and expire whatever is due at `now`."""
    return TimerReport(
        reminded=_remind(db, now - timedelta(hours=settings.remind_after_hours), now),
        escalated=_escalate(db, now - timedelta(hours=settings.escalate_after_hours), now),
        expired=_expire(db, now),
    )


def _pending_approvals(db: Database, created_before: datetime, unset: str) -> list[int]:
    column = getattr(Approval, unset)
    with db.session() as session:
        return list(
            session.scalars(
                select(Approval.id)
                .join(AuthorizationRequest, Approval.request_id == AuthorizationRequest.id)
                .where(
                    AuthorizationRequest.status == "pending",
                    AuthorizationRequest.created_at <= utc(created_before),
                    Approval.decision.is_(None),
                    column.is_(None),
                )
            )
        )


def _claim(session: Session, approval_id: int, column: str, now: datetime) -> bool:
    """Set the guard column if still unset; True for the one worker that set it."""
    result = session.execute(
        update(Approval)
        .where(Approval.id == approval_id, getattr(Approval, column).is_(None))
        .values({column: utc(now)})
    )
    return getattr(result, "rowcount", 0) == 1


def _approval_and_request(
    session: Session, approval_id: int
) -> tuple[Approval, AuthorizationRequest]:
    approval = session.get(Approval, approval_id)
    assert approval is not None
    request = session.get(AuthorizationRequest, approval.request_id)
    assert request is not None
    return approval, request


def _prefaced(reply: Reply, kind: str, preface: str) -> Reply:
    """The approval request again, under a first line saying why it comes again."""
    return replace(reply, kind=kind, text=f"{preface}\n{reply.text}")


def _remind(db: Database, created_before: datetime, now: datetime) -> int:
    count = 0
    for approval_id in _pending_approvals(db, created_before, "reminded_at"):
        with db.session() as session:
            if not _claim(session, approval_id, "reminded_at", now):
                continue
            approval, request = _approval_and_request(session, approval_id)
            requester = session.get(Person, request.requester_id)
            assert requester is not None
            view = view_of(session, request)
            reply = approval_request_reply(view, approval.role)
            reminder = _prefaced(
                reply,
                "approval_reminder",
                "Reminder: this request is still waiting for your decision.",
            )
            for decider in candidates(session, requester, approval.role):
                outbox.enqueue(
                    session,
                    person_id=decider.id,
                    topic="approval_reminder",
                    reply=reminder,
                    now=now,
                )
            audit.append(
                session, at=now, action="reminded", request_id=request.id, role=approval.role
            )
            count += 1
    return count


def _escalate(db: Database, created_before: datetime, now: datetime) -> int:
    count = 0
    for approval_id in _pending_approvals(db, created_before, "escalated_at"):
        with db.session() as session:
            if not _claim(session, approval_id, "escalated_at", now):
                continue
            approval, request = _approval_and_request(session, approval_id)
            assigned = (
                session.get(Person, approval.assigned_to_id) if approval.assigned_to_id else None
            )
            target = (
                session.get(Person, assigned.supervisor_id)
                if assigned and assigned.supervisor_id
                else None
            )
            view = view_of(session, request)
            if target is None or target.id == request.requester_id:
                above = (
                    "the one above them is the requester, who cannot decide their own request"
                    if target is not None
                    else "there is nobody above them to escalate to"
                )
                for hr in session.scalars(
                    select(PersonRole.person_id).where(PersonRole.role == "hr")
                ):
                    outbox.enqueue(
                        session,
                        person_id=hr,
                        topic="escalation_impossible",
                        now=now,
                        reply=Reply(
                            kind="escalation_impossible",
                            text=(
                                f"Request #{view.id} by {view.requester} has waited "
                                f"for {role_phrase(approval.role, possessive('the requester'))} "
                                f"too long, and {above}. Please follow up.\n{describe(view)}"
                            ),
                        ),
                    )
                audit.append(
                    session,
                    at=now,
                    action="escalation_impossible",
                    request_id=request.id,
                    role=approval.role,
                )
                continue
            approval.escalated_to_id = target.id
            reply = approval_request_reply(view, approval.role)
            outbox.enqueue(
                session,
                person_id=target.id,
                topic="approval_escalated",
                now=now,
                reply=_prefaced(
                    reply,
                    "approval_escalated",
                    f"Escalated to you: {assigned.name if assigned else 'the approver'} has not "
                    "decided this request in time, so you may decide it.",
                ),
            )
            audit.append(
                session,
                at=now,
                action="escalated",
                request_id=request.id,
                subject_id=target.id,
                role=approval.role,
            )
            count += 1
    return count


def _expire(db: Database, now: datetime) -> int:
    today = utc(now).date()
    with db.session() as session:
        ids = list(
            session.scalars(
                select(AuthorizationRequest.id).where(
                    AuthorizationRequest.status.in_(("pending", "approved")),
                    AuthorizationRequest.ends_on < today,
                )
            )
        )
    count = 0
    for request_id in ids:
        with db.session() as session:
            request = session.get(AuthorizationRequest, request_id)
            assert request is not None
            was = request.status
            moved = session.execute(
                update(AuthorizationRequest)
                .where(AuthorizationRequest.id == request_id, AuthorizationRequest.status == was)
                .values(
                    status="expired",
                    updated_at=utc(now),
                    revision=AuthorizationRequest.revision + 1,
                )
            )
            if getattr(moved, "rowcount", 0) != 1:
                continue
            for approval in session.scalars(
                select(Approval).where(
                    Approval.request_id == request_id, Approval.decision.is_(None)
                )
            ):
                approval.decision = "closed"
            audit.append(
                session, at=now, action="expired", request_id=request_id, previous_status=was
            )
            text = (
                f"Your authorization #{request_id} ({request.what}) ended on "
                f"{request.ends_on.isoformat()}. Ask again if you still need it."
                if was == "approved"
                else f"Your request #{request_id} ({request.what}) was not decided before its "
                f"end date, {request.ends_on.isoformat()}, so it has expired."
            )
            outbox.enqueue(
                session,
                person_id=request.requester_id,
                topic="request_expired",
                reply=Reply(kind="request_expired", text=text),
                now=now,
            )
            count += 1
    return count
