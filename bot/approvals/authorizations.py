"""Authorization requests and their decisions, kept with an audit trail.

A request names what, why, where and from when to when; the policy's checklist outcome says
which roles must approve (clause 5: the supervisor; clause 10: the department director and the
social media administrator, both). Each decision is taken under a lock on the request, so two
approvers deciding at once are recorded consistently, and a decision is never taken twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.approvals.approvers import (
    candidates,
    may_decide,
    missing_approver,
    possessive,
    refusal,
    role_phrase,
)
from bot.approvals.wording import citation, clause_label, join_words
from bot.delivery import outbox
from bot.messages import Button, Reply
from bot.people.directory import PersonInfo
from bot.storage import audit
from bot.storage.database import Database
from bot.storage.models import Approval, AuthorizationRequest, Person, Policy
from bot.storage.rows import is_row_id, utc


class AuthorizationError(ValueError):
    """A request or decision that cannot be made; the message says why, politely."""


@dataclass(frozen=True)
class RequestFields:
    """What a requester says about the use they ask for."""

    outcome_id: str
    clauses: tuple[str, ...]
    roles: tuple[str, ...]
    what: str
    why: str
    place: str
    starts_on: date
    ends_on: date
    checklist_result_id: int | None = None


@dataclass(frozen=True)
class ApprovalView:
    role: str
    assigned_to: str | None
    decision: str | None
    decided_by: str | None
    comment: str | None
    decided_at: datetime | None
    escalated_to: str | None = None
    # Whose supervisor decided it, when the person who decided did so because the request was
    # escalated to them (the one it was assigned to had not decided in time).
    escalated_from: str | None = None

    def capacity(self, whose: str) -> str:
        """In what capacity the decision was taken: "your supervisor", or "Sam Ortiz's
        supervisor, to whom the request was escalated"."""
        if self.escalated_from:
            whose_supervisor = possessive(self.escalated_from)
            return f"{whose_supervisor} supervisor, to whom the request was escalated"
        return role_phrase(self.role, whose)

    def waiting_phrase(self, whose: str) -> str:
        """Who the approval waits for: "Pat Lee's supervisor (Sam Ortiz)"."""
        names = [name for name in (self.assigned_to, self.escalated_to) if name]
        who = f" ({' or '.join(names)})" if names else ""
        return role_phrase(self.role, whose) + who


@dataclass(frozen=True)
class RequestView:
    """A request as people see it: names, not ids."""

    id: int
    requester: str
    department: str | None
    policy_id: str
    policy_title: str
    version: int
    outcome_id: str
    clauses: tuple[str, ...]
    what: str
    why: str
    place: str
    starts_on: date
    ends_on: date
    status: str
    created_at: datetime
    approvals: tuple[ApprovalView, ...]

    @property
    def citation(self) -> str:
        """The clauses behind the request, as people cite them."""
        return citation(self.policy_title, [clause_label(clause) for clause in self.clauses])

    def still_waiting(self, whose: str) -> str | None:
        """Who the request still waits for, or None when nobody."""
        waiting = [a.waiting_phrase(whose) for a in self.approvals if a.decision is None]
        return join_words(waiting) if waiting else None


def check_can_request(db: Database, requester: PersonInfo, roles: tuple[str, ...]) -> str | None:
    """Why this person's request could not be decided by anyone, or None if it could."""
    with db.session() as session:
        person = session.get(Person, requester.id)
        assert person is not None
        return missing_approver(session, person, roles)


def submit(
    db: Database,
    *,
    requester: PersonInfo,
    policy_id: str,
    version: int,
    fields: RequestFields,
    now: datetime,
) -> RequestView:
    """Record the request, assign its approvals and tell each approver."""
    with db.session() as session:
        person = session.get(Person, requester.id)
        assert person is not None
        problem = missing_approver(session, person, fields.roles)
        if problem:
            raise AuthorizationError(f"I cannot send this request: {problem}. Please ask HR.")
        request = AuthorizationRequest(
            requester_id=person.id,
            policy_id=policy_id,
            version=version,
            outcome_id=fields.outcome_id,
            clauses=list(fields.clauses),
            what=fields.what,
            why=fields.why,
            place=fields.place,
            starts_on=fields.starts_on,
            ends_on=fields.ends_on,
            status="pending",
            revision=0,
            checklist_result_id=fields.checklist_result_id,
            created_at=utc(now),
            updated_at=utc(now),
        )
        session.add(request)
        session.flush()
        audit.append(
            session,
            at=now,
            action="requested",
            actor_id=person.id,
            request_id=request.id,
            what=fields.what,
            why=fields.why,
            place=fields.place,
            starts_on=fields.starts_on.isoformat(),
            ends_on=fields.ends_on.isoformat(),
            roles=list(fields.roles),
        )
        for role in fields.roles:
            assigned = candidates(session, person, role)[0]
            session.add(Approval(request_id=request.id, role=role, assigned_to_id=assigned.id))
        session.flush()
        view = view_of(session, request)
        for role in fields.roles:
            for decider in candidates(session, person, role):
                outbox.enqueue(
                    session,
                    person_id=decider.id,
                    topic="approval_request",
                    reply=approval_request_reply(view, role),
                    now=now,
                )
        return view


def decide(
    db: Database,
    *,
    actor: PersonInfo,
    request_id: int,
    approve: bool,
    comment: str | None,
    now: datetime,
) -> Reply:
    """Approve or deny one approval of a request, as this person, once."""
    with db.session() as session:
        request = _locked(session, request_id)
        requester = session.get(Person, request.requester_id)
        assert requester is not None
        _refuse_unless_decidable(session, request, actor, now)
        pending = [
            a
            for a in _approvals(session, request.id)
            if a.decision is None and may_decide(session, a, requester, actor.id)
        ]
        if not pending:
            raise AuthorizationError(_why_not_yours(session, request, requester, actor))
        approval = pending[0]
        approval.decision = "approved" if approve else "denied"
        approval.decided_by_id, approval.comment, approval.decided_at = actor.id, comment, utc(now)
        audit.append(
            session,
            at=now,
            action=approval.decision,
            actor_id=actor.id,
            request_id=request.id,
            role=approval.role,
            comment=comment,
        )
        _settle(session, request, now)
        view = view_of(session, request)
        outbox.enqueue(
            session,
            person_id=requester.id,
            topic="approval_outcome",
            reply=outcome_reply(view, actor.name, approval.role, approve, comment),
            now=now,
        )
        word = "approved" if approve else "denied"
        position = [a.id for a in _approvals(session, request.id)].index(approval.id)
        decided = view.approvals[position]
        whose = possessive(requester.name)
        capacity = decided.capacity(whose)
        if decided.escalated_from:
            capacity += f" (it needed {role_phrase(approval.role, whose)}'s decision)"
        waiting = view.still_waiting(whose)
        state = (
            f"It still waits for {waiting}."
            if view.status == "pending" and waiting
            else f"The request is now {view.status}."
        )
        return Reply(
            kind="decision",
            text=f"Recorded: you {word} request #{request.id} as {capacity}. {state} "
            f"{requester.name} will be told.",
            data={"request": request.id, "status": view.status},
        )


def why_cannot_decide(
    db: Database, *, actor: PersonInfo, request_id: int, now: datetime
) -> str | None:
    """Why this person could not decide the request now, or None if they could (nothing is
    changed: asked before asking a denier for the reason)."""
    if not is_row_id(request_id):
        return f"There is no request #{request_id}."
    with db.session() as session:
        request = session.get(AuthorizationRequest, request_id)
        if request is None:
            return f"There is no request #{request_id}."
        requester = session.get(Person, request.requester_id)
        assert requester is not None
        try:
            _refuse_unless_decidable(session, request, actor, now)
        except AuthorizationError as error:
            return str(error)
        if not any(
            a.decision is None and may_decide(session, a, requester, actor.id)
            for a in _approvals(session, request.id)
        ):
            return _why_not_yours(session, request, requester, actor)
        return None


def withdraw(db: Database, *, actor: PersonInfo, request_id: int, now: datetime) -> Reply:
    """The requester takes back a pending (or approved) request."""
    with db.session() as session:
        request = _locked(session, request_id)
        if request.requester_id != actor.id:
            raise AuthorizationError(
                f"Only the person who asked can withdraw request #{request_id}."
            )
        if request.status not in ("pending", "approved"):
            raise AuthorizationError(f"Request #{request_id} is already {request.status}.")
        request.status, request.updated_at = "withdrawn", utc(now)
        waiting = [a for a in _approvals(session, request.id) if a.decision is None]
        for approval in waiting:
            approval.decision = "closed"
        audit.append(session, at=now, action="withdrawn", actor_id=actor.id, request_id=request.id)
        view = view_of(session, request)
        requester = session.get(Person, request.requester_id)
        assert requester is not None
        for approval in waiting:
            for decider in _deciders(session, approval, requester):
                outbox.enqueue(
                    session,
                    person_id=decider.id,
                    topic="approval_withdrawn",
                    reply=Reply(
                        kind="approval_withdrawn",
                        text=f"{view.requester} withdrew request "
                        f"#{view.id} ({view.what}); nothing to decide.",
                    ),
                    now=now,
                )
        return Reply(
            kind="withdrawn",
            text=f"Request #{request_id} is withdrawn.",
            data={"request": request_id},
        )


def inbox(db: Database, person: PersonInfo) -> list[RequestView]:
    """The pending requests this person may decide now."""
    with db.session() as session:
        result = []
        for request in session.scalars(
            select(AuthorizationRequest)
            .where(AuthorizationRequest.status == "pending")
            .order_by(AuthorizationRequest.id)
        ):
            requester = session.get(Person, request.requester_id)
            assert requester is not None
            if any(
                a.decision is None and may_decide(session, a, requester, person.id)
                for a in _approvals(session, request.id)
            ):
                result.append(view_of(session, request))
        return result


def requests_of(db: Database, person_id: int | None = None) -> list[RequestView]:
    """Every request (or one person's), oldest first."""
    query = select(AuthorizationRequest).order_by(AuthorizationRequest.id)
    if person_id is not None:
        query = query.where(AuthorizationRequest.requester_id == person_id)
    with db.session() as session:
        return [view_of(session, request) for request in session.scalars(query)]


# --- internals ----------------------------------------------------------------------------


def _locked(session: Session, request_id: int) -> AuthorizationRequest:
    """The request, locked against concurrent decisions until the transaction ends."""
    if not is_row_id(request_id):  # `approve 99999999999999999999` names no request
        raise AuthorizationError(f"There is no request #{request_id}.")
    bumped = session.execute(
        update(AuthorizationRequest)
        .where(AuthorizationRequest.id == request_id)
        .values(revision=AuthorizationRequest.revision + 1)
    )
    if getattr(bumped, "rowcount", 0) != 1:
        raise AuthorizationError(f"There is no request #{request_id}.")
    request = session.get(AuthorizationRequest, request_id, populate_existing=True)
    assert request is not None
    return request


def _refuse_unless_decidable(
    session: Session, request: AuthorizationRequest, actor: PersonInfo, now: datetime
) -> None:
    if request.requester_id == actor.id:
        raise AuthorizationError("Nobody can decide their own request.")
    if request.status != "pending":
        raise AuthorizationError(
            f"Request #{request.id} is already {request.status}; it cannot be decided now."
        )
    if utc(now).date() > request.ends_on:
        raise AuthorizationError(
            f"Request #{request.id} was for a period that ended on "
            f"{request.ends_on.isoformat()}; it can no longer be decided."
        )


def _why_not_yours(
    session: Session, request: AuthorizationRequest, requester: Person, actor: PersonInfo
) -> str:
    approvals = _approvals(session, request.id)
    for approval in approvals:
        if approval.decided_by_id == actor.id:
            return f"You already decided request #{request.id}; a decision cannot be made twice."
    for approval in approvals:
        reason = refusal(session, approval, requester, actor.id)
        if approval.decision is None and reason and actor.id == requester.id:
            return reason[0].upper() + reason[1:] + "."
    whose = possessive(requester.name)
    roles = " and ".join(role_phrase(a.role, whose) for a in approvals if a.decision is None)
    return f"Only {roles} can decide request #{request.id}, and that is not you."


def _settle(session: Session, request: AuthorizationRequest, now: datetime) -> None:
    """Update the request's status from its approvals: any denial denies; all approve approves."""
    approvals = _approvals(session, request.id)
    if any(a.decision == "denied" for a in approvals):
        request.status = "denied"
        for approval in approvals:
            if approval.decision is None:
                approval.decision = "closed"
    elif all(a.decision == "approved" for a in approvals):
        request.status = "approved"
    else:
        return
    request.updated_at = utc(now)
    audit.append(session, at=now, action=f"request_{request.status}", request_id=request.id)


def _approvals(session: Session, request_id: int) -> list[Approval]:
    return list(
        session.scalars(
            select(Approval)
            .where(Approval.request_id == request_id)
            .order_by(Approval.id)
            .execution_options(populate_existing=True)
        )
    )


def _deciders(session: Session, approval: Approval, requester: Person) -> list[Person]:
    people = candidates(session, requester, approval.role)
    if approval.escalated_to_id is not None:
        escalated = session.get(Person, approval.escalated_to_id)
        if escalated is not None and escalated not in people:
            people.append(escalated)
    return people


def view_of(session: Session, request: AuthorizationRequest) -> RequestView:
    """The request as people see it, read within the caller's session."""
    requester = session.get(Person, request.requester_id)
    assert requester is not None
    approvals = []
    for approval in _approvals(session, request.id):
        assigned = session.get(Person, approval.assigned_to_id) if approval.assigned_to_id else None
        decided = session.get(Person, approval.decided_by_id) if approval.decided_by_id else None
        escalated = (
            session.get(Person, approval.escalated_to_id) if approval.escalated_to_id else None
        )
        by_escalation = (
            decided is not None
            and escalated is not None
            and decided.id == escalated.id
            and all(p.id != decided.id for p in candidates(session, requester, approval.role))
        )
        approvals.append(
            ApprovalView(
                approval.role,
                assigned.name if assigned else None,
                approval.decision,
                decided.name if decided else None,
                approval.comment,
                approval.decided_at,
                escalated.name if escalated else None,
                assigned.name if by_escalation and assigned else None,
            )
        )
    policy = session.get(Policy, request.policy_id)
    return RequestView(
        request.id,
        requester.name,
        requester.department,
        request.policy_id,
        policy.title if policy else request.policy_id,
        request.version,
        request.outcome_id,
        tuple(request.clauses),
        request.what,
        request.why,
        request.place,
        request.starts_on,
        request.ends_on,
        request.status,
        request.created_at,
        tuple(approvals),
    )


def obsolete_approval_message(session: Session, person_id: int, reply: Reply) -> str | None:
    """Why a request for a decision (or its reminder, or its escalation) is no longer wanted at
    send time: the request is no longer pending, or this approval was decided meanwhile."""
    number, role = reply.data.get("request"), reply.data.get("role")
    request = session.get(AuthorizationRequest, number) if isinstance(number, int) else None
    if request is None:
        return f"request #{number} is no longer on record"
    if request.status != "pending":
        return f"request #{number} is {request.status}"
    waiting = [a for a in _approvals(session, request.id) if a.role == role]
    if waiting and all(a.decision is not None for a in waiting):
        return f"the {role} approval of request #{number} was decided"
    return None


def describe(view: RequestView) -> str:
    """The request in a few lines: what, why, where, when."""
    return (
        f"What: {view.what}\nWhy: {view.why}\nWhere: {view.place}\n"
        f"From {view.starts_on.isoformat()} to {view.ends_on.isoformat()}"
    )


def approval_request_reply(view: RequestView, role: str) -> Reply:
    """What an approver receives: the request, why their approval is needed, the buttons."""
    department = f" ({view.department})" if view.department else ""
    role_name = role_phrase(role, possessive(view.requester))
    text = (
        f"{view.requester}{department} asks for authorization #{view.id} "
        f"({view.citation}).\n{describe(view)}\n"
        f"The policy needs the approval of {role_name}. Type 'approve {view.id}' or "
        f"'deny {view.id}', with a comment after it if you like."
    )
    return Reply(
        kind="approval_request",
        text=text,
        title=f"Authorization request #{view.id}",
        buttons=(
            Button("Approve", f"approve {view.id}", "primary"),
            Button("Deny", f"deny {view.id}", "danger"),
        ),
        data={"request": view.id, "role": role},
    )


def outcome_reply(
    view: RequestView, decider: str, role: str, approved: bool, comment: str | None
) -> Reply:
    """What the requester hears after a decision."""
    word = "approved" if approved else "denied"
    decided = next(
        (a for a in view.approvals if a.role == role and a.decided_by == decider),
        ApprovalView(role, None, word, decider, comment, None),
    )
    capacity = decided.capacity("your").replace("the request was", "your request was")
    lines = [f"{decider}, {capacity}, {word} your request #{view.id} ({view.what})."]
    if comment:
        label = "Reason" if not approved else "Comment"
        lines.append(f"{label}: {comment}")
    waiting = view.still_waiting("your")
    if view.status == "pending" and waiting:
        lines.append(f"It still waits for {waiting}.")
    else:
        lines.append(f"Your request is {view.status}.")
    return Reply(
        kind="approval_outcome",
        text="\n".join(lines),
        data={"request": view.id, "status": view.status},
    )
