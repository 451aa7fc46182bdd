"""Requests and decisions in words people read: citations and capacities, never raw ids.

A request stores its policy's id and its clauses' ids; people read "City of La Crosse Social
Media Policy, clause 5", not "clause-5 of the la-crosse policy", and "Dana Kim, Sam Ortiz's
supervisor, to whom the request was escalated", not "(your supervisor)" for whoever decided.
"""

from __future__ import annotations

from collections.abc import Sequence

from knowledge.models import Policy


def clause_label(clause_id: str) -> str:
    """How a clause id is read when its policy text is not at hand: clause-5 -> clause 5."""
    return clause_id.replace("-", " ")


def citation(title: str, labels: Sequence[str]) -> str:
    """ "City of La Crosse Social Media Policy, clause 5 and clause 10"."""
    return f"{title}, {join_words(list(labels))}" if labels else title


def policy_citation(policy: Policy, clause_ids: Sequence[str]) -> str:
    """The citation of clauses of a parsed policy, with their own labels."""
    known = policy.clause_ids
    labels = [
        policy.clause(clause).label if clause in known else clause_label(clause)
        for clause in clause_ids
    ]
    return citation(policy.title, labels)


def join_words(items: Sequence[str]) -> str:
    """a, b and c."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


ROLE_NAMES = {
    "supervisor": "supervisor",
    "department_director": "department director",
    "social_media_administrator": "social media administrator",
    "hr": "HR",
    "employee": "employee",
}


def role_name(role: str) -> str:
    """A role as people name it: department_director -> department director."""
    return ROLE_NAMES.get(role, role.replace("_", " "))


def decision_words(role: str, decision: str | None, status: str) -> str:
    """What became of one approval, for HR's tables: "supervisor: not needed (request
    denied)" rather than "supervisor: closed"."""
    if decision is None:
        return f"{role_name(role)}: waiting"
    if decision == "closed":
        return f"{role_name(role)}: not needed (request {status})"
    return f"{role_name(role)}: {decision}"


def details_in_words(details: dict[str, object]) -> str:
    """An audit entry's details as a person reads them: "roles: supervisor", not
    "roles: ['supervisor']"; role ids and keys in words."""
    parts = []
    for key, value in details.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, list | tuple):
            shown = ", ".join(_word(str(item), key) for item in value)
        else:
            shown = _word(str(value), key)
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return "; ".join(parts)


def _word(value: str, key: str) -> str:
    if key in ("role", "roles"):
        return role_name(value)
    if key == "clauses":
        return clause_label(value)
    return value
