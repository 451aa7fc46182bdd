"""What each dashboard page shows, read from the bot's modules (run in a worker thread).

Every builder takes the signed-in HR person's `Scope`: a policy of another organization is
"not found", exactly like one that does not exist, and lists hold only what is in scope.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.app import App
from bot.conversation import feedback
from bot.hr_access import questions as hr_questions
from bot.hr_access.citations import Citations
from bot.hr_access.glance import glance
from bot.hr_access.reads import APPROVAL_GROUPS, approval_request, approval_requests
from bot.people.scope import Scope
from bot.policies import versions
from bot.policies.library import UnknownPolicy
from bot.publishing.publisher import compare_versions
from bot.storage import audit
from knowledge.diff import ClauseChange
from knowledge.grouping import group_similar
from knowledge.matcher import Outcome
from knowledge.models import Policy

QUESTIONS_READ = 500
QUESTION_VIEWS = ("week", "all", "dismissed")
PolicyBuilder = Callable[[App, Scope, str], dict[str, Any]]


@dataclass(frozen=True)
class VersionStep:
    """What changed from one version to the next."""

    older: int
    newer: int
    summary: str
    changes: tuple[ClauseChange, ...]


@dataclass(frozen=True)
class QuestionGroup:
    """Similar unanswered questions, newest first, and the clause that answers them now."""

    lead: str
    questions: tuple[hr_questions.Question, ...]
    answered_by: str | None


def visible_policies(app: App, scope: Scope) -> list[Policy]:
    """The current policies of the organizations in scope, in id order."""
    app.library.refresh(app.db)
    policies = [app.library.policy(policy_id) for policy_id in app.library.policy_ids]
    return [p for p in policies if scope.covers_policy(app.config, p.id, p.meta.organization)]


def policy_in_scope(app: App, scope: Scope, policy_id: str) -> Policy:
    """The policy, if it is in scope; UnknownPolicy (the same as for no such policy) if not."""
    app.library.refresh(app.db)
    policy = app.library.policy(policy_id)
    if not scope.covers_policy(app.config, policy.id, policy.meta.organization):
        known = ", ".join(p.id for p in visible_policies(app, scope)) or "none"
        raise UnknownPolicy(f"there is no policy {policy_id!r} (known: {known})")
    return policy


def home(app: App, scope: Scope, now: datetime) -> dict[str, Any]:
    """Each policy in scope at a glance: completion, overdue, waiting requests, questions."""
    policies = visible_policies(app, scope)
    glances = glance(app.db, app.config, scope, [p.id for p in policies], now=now)
    latest = {p.id: versions.history(app.db, p.id)[-1] for p in policies}
    return {
        "title": "Policies at a glance",
        "items": [
            {"policy": policy, "latest": latest[policy.id], "glance": seen}
            for policy, seen in zip(policies, glances, strict=True)
        ],
        "now": now,
    }


def policy_versions(app: App, scope: Scope, policy_id: str) -> dict[str, Any]:
    """The policy's versions, newest first, with the clause changes between neighbours."""
    policy = policy_in_scope(app, scope, policy_id)
    history = versions.history(app.db, policy.id)
    steps = []
    for older, newer in itertools.pairwise(history):
        diff = compare_versions(app.db, app.library, policy.id, older.number, newer.number)
        steps.append(VersionStep(older.number, newer.number, diff.summary(), diff.changes))
    return {
        "title": f"{policy.title}: versions",
        "policy": policy,
        "history": list(reversed(history)),
        "steps": list(reversed(steps)),
    }


def approvals(
    app: App, scope: Scope, group: str, page_number: int, policy_id: str | None
) -> dict[str, Any]:
    """One page of pending, decided or expired requests in scope, with each group's count."""
    policy = policy_in_scope(app, scope, policy_id) if policy_id else None
    chosen = policy.id if policy else None
    views, page = approval_requests(app.db, scope, group, page_number, policy_id=chosen)
    counts = {
        name: approval_requests(app.db, scope, name, 1, size=1, policy_id=chosen)[1].total
        for name in APPROVAL_GROUPS
    }
    titles = {p.id: p.title for p in visible_policies(app, scope)}
    return {
        "title": f"Approvals: {group}",
        "group": group,
        "groups": counts,
        "requests": views,
        "page": page,
        "policy": policy,
        "titles": titles,
        "query": f"policy={policy.id}&" if policy else "",
    }


def approval(app: App, scope: Scope, request_id: int) -> dict[str, Any] | None:
    """One request in scope with its approvals and audit trail; None if none (or not theirs)."""
    view = approval_request(app.db, scope, request_id)
    if view is None:
        return None
    citations = Citations(app.db, app.library)
    return {
        "title": f"Request #{view.id}",
        "request": view,
        "clauses": [citations.full(view.policy_id, c, view.version) for c in view.clauses],
        "trail": audit.entries(app.db, request_id=request_id),
    }


def clause_feedback(app: App, scope: Scope, policy_id: str) -> dict[str, Any]:
    """Helpful and not-helpful votes per clause, each named by its citation and title."""
    policy = policy_in_scope(app, scope, policy_id)
    citations = Citations(app.db, app.library)
    rows = []
    for count in feedback.feedback_counts(app.db, policy.id):
        total = count.helpful + count.not_helpful
        rows.append(
            {
                "clause": citations.label(policy.id, count.clause_id),
                "helpful": count.helpful,
                "not_helpful": count.not_helpful,
                "share": round(100 * count.helpful / total) if total else 0,
            }
        )
    return {"title": f"{policy.title}: was it helpful?", "policy": policy, "rows": rows}


def questions(
    app: App, scope: Scope, policy_id: str, *, show: str, page_number: int, now: datetime
) -> dict[str, Any]:
    """The unanswered questions not dismissed (all, or the last seven days'), newest first in
    groups of similar ones, each with the clause that answers its newest question now, if
    one does; or one page of the dismissed ones."""
    policy = policy_in_scope(app, scope, policy_id)
    counts = hr_questions.counts(app.db, [policy.id], now=now)[policy.id]
    citations = Citations(app.db, app.library)
    context: dict[str, Any] = {
        "title": f"{policy.title}: unanswered questions",
        "policy": policy,
        "show": show,
        "counts": counts,
        "limit": QUESTIONS_READ,
        "clauses": [(c.id, citations.label(policy.id, c.id)) for c in policy.clauses],
    }
    if show == "dismissed":
        dismissed, page = hr_questions.dismissed_questions(app.db, policy.id, page_number)
        return context | {"dismissed": dismissed, "page": page, "groups": [], "read": 0}
    since = now - hr_questions.WEEK if show == "week" else None
    found = hr_questions.open_questions(app.db, policy.id, limit=QUESTIONS_READ, since=since)
    groups = []
    for members in group_similar([row.text for row in found]):
        rows = tuple(found[i] for i in members)
        result = app.library.matcher.ask(policy.id, rows[0].text, top_k=1)
        answered = (
            citations.label(policy.id, result.matches[0].clause.id)
            if result.outcome is Outcome.ANSWER and result.matches
            else None
        )
        groups.append(QuestionGroup(rows[0].text, rows, answered))
    return context | {"groups": groups, "read": len(found), "dismissed": [], "page": None}
