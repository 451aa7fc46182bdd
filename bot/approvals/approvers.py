"""Who may decide an approval: the policy names a role; the staff list names the people.

- supervisor: the requester's supervisor;
- department_director: a department director of the requester's department;
- social_media_administrator: any social media administrator;
plus whoever the approval was escalated to. Never the requester, and never someone who already
decided another approval of the same request (two approvals mean two people). Directors and
administrators come from the requester's own organization as recorded: one deployment can serve
several cities, and one city's administrator never decides another's requests. (People with no
organization on record belong to the default organization.)
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.people.organizations import same_organization
from bot.storage.models import Approval, Person, PersonRole

_ROLE_PHRASES = {
    "supervisor": "{whose} supervisor",
    "department_director": "the director of {whose} department",
    "social_media_administrator": "the social media administrator",
}


def possessive(name: str) -> str:
    """A name as an owner, for role_phrase: Pat Lee -> Pat Lee's."""
    return f"{name}'s"


def role_phrase(role: str, whose: str = "their") -> str:
    """A role in words, for someone ("Pat Lee's supervisor", "your supervisor")."""
    return _ROLE_PHRASES.get(role, role.replace("_", " ")).format(whose=whose)


def candidates(session: Session, requester: Person, role: str) -> list[Person]:
    """The people who hold a role for this requester, best first (the requester excluded)."""
    if role == "supervisor":
        found = [session.get(Person, requester.supervisor_id)] if requester.supervisor_id else []
        people = [person for person in found if person is not None]
    else:
        query = (
            select(Person)
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.role == role)
            .order_by(Person.id)
        )
        if role == "department_director":
            query = query.where(
                func.lower(Person.department) == (requester.department or "").lower()
            )
        same = same_organization(session, requester.organization)
        people = list(session.scalars(query.where(same)))
    return [person for person in people if person.id != requester.id]


OWN_REQUEST = "{name} asked for request #{number}, and nobody decides their own request"


def may_decide(session: Session, approval: Approval, requester: Person, person_id: int) -> bool:
    """Whether this person may decide this approval now."""
    return refusal(session, approval, requester, person_id) is None


def refusal(session: Session, approval: Approval, requester: Person, person_id: int) -> str | None:
    """Why this person may not decide this approval now, or None if they may.

    The requester never may, even if the approval was (wrongly) escalated to them.
    """
    if person_id == requester.id:
        return OWN_REQUEST.format(name=requester.name, number=approval.request_id)
    others = session.scalars(
        select(Approval.decided_by_id).where(
            Approval.request_id == approval.request_id, Approval.id != approval.id
        )
    )
    if person_id in set(others):
        return f"you already decided request #{approval.request_id}; two approvals need two people"
    if approval.escalated_to_id == person_id:
        return None
    if any(person.id == person_id for person in candidates(session, requester, approval.role)):
        return None
    return f"only {role_phrase(approval.role, possessive(requester.name))} can decide it"


_ONLY_HOLDER = {
    "department_director": "director of your department",
    "social_media_administrator": "social media administrator",
}


def _holds(session: Session, requester: Person, role: str) -> bool:
    """Whether the requester holds the role for their own request (and so was left out)."""
    if role == "supervisor":
        return False  # nobody is their own supervisor (the staff list refuses it)
    held = session.scalars(
        select(PersonRole.role).where(PersonRole.person_id == requester.id, PersonRole.role == role)
    ).first()
    return held is not None


def missing_approver(session: Session, requester: Person, roles: tuple[str, ...]) -> str | None:
    """Why a request could not be decided by anyone (a role nobody holds), or None."""
    for role in roles:
        if candidates(session, requester, role):
            continue
        if _holds(session, requester, role):
            holder = _ONLY_HOLDER.get(role, role.replace("_", " "))
            return f"you are the only {holder} on record, and nobody approves their own request"
        if role == "supervisor":
            return "you have no supervisor on record"
        if role == "department_director":
            department = requester.department or "(none on record)"
            return f"your department, {department}, has no department director on record"
        return f"nobody holds the role {role}"
    return None
