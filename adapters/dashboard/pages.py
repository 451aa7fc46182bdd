"""What each dashboard page shows, read from the bot's modules (run in a worker thread)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.app import App
from bot.conversation import feedback, unanswered
from bot.hr_access.reads import APPROVAL_GROUPS, approval_request, approval_requests
from bot.policies import versions
from bot.publishing.publisher import compare_versions
from bot.storage import audit
from knowledge.diff import ClauseChange
from knowledge.grouping import group_similar
from knowledge.matcher import Outcome

QUESTIONS_READ = 500
PolicyBuilder = Callable[[App, str], dict[str, Any]]


@dataclass(frozen=True)
class VersionStep:
    """What changed from one version to the next."""

    older: int
    newer: int
    summary: str
    changes: tuple[ClauseChange, ...]


@dataclass(frozen=True)
class QuestionGroup:
    """Similar unanswered questions, and the clause that answers them now, if one does."""

    lead: str
    questions: tuple[unanswered.UnansweredRow, ...]
    answered_by: str | None


def home(app: App) -> dict[str, Any]:
    """Every policy with its current version, and how many approvals wait."""
    app.library.refresh(app.db)
    policies = []
    for policy_id in app.library.policy_ids:
        policy = app.library.policy(policy_id)
        history = versions.history(app.db, policy_id)
        policies.append({"policy": policy, "latest": history[-1] if history else None})
    _, pending = approval_requests(app.db, "pending", 1, size=1)
    return {"title": "Policies", "policies": policies, "pending_approvals": pending.total}


def policy_versions(app: App, policy_id: str) -> dict[str, Any]:
    """The policy's versions, newest first, with the clause changes between neighbours."""
    app.library.refresh(app.db)
    policy = app.library.policy(policy_id)
    history = versions.history(app.db, policy_id)
    steps = []
    for older, newer in itertools.pairwise(history):
        diff = compare_versions(app.db, app.library, policy_id, older.number, newer.number)
        steps.append(VersionStep(older.number, newer.number, diff.summary(), diff.changes))
    return {
        "title": f"{policy.title}: versions",
        "policy": policy,
        "history": list(reversed(history)),
        "steps": list(reversed(steps)),
    }


def approvals(app: App, group: str, page_number: int) -> dict[str, Any]:
    """One page of pending, decided or expired requests, with the count of each group."""
    views, page = approval_requests(app.db, group, page_number)
    counts = {name: approval_requests(app.db, name, 1, size=1)[1].total for name in APPROVAL_GROUPS}
    return {
        "title": f"Approvals: {group}",
        "group": group,
        "groups": counts,
        "requests": views,
        "page": page,
    }


def approval(app: App, request_id: int) -> dict[str, Any] | None:
    """One request with its approvals and its whole audit trail; None if there is none."""
    view = approval_request(app.db, request_id)
    if view is None:
        return None
    return {
        "title": f"Request #{view.id}",
        "request": view,
        "trail": audit.entries(app.db, request_id=request_id),
    }


def clause_feedback(app: App, policy_id: str) -> dict[str, Any]:
    """Helpful and not-helpful votes per clause."""
    app.library.refresh(app.db)
    policy = app.library.policy(policy_id)
    rows = []
    for count in feedback.feedback_counts(app.db, policy_id):
        known = count.clause_id in policy.clause_ids
        clause = policy.clause(count.clause_id) if known else None
        total = count.helpful + count.not_helpful
        rows.append(
            {
                "clause_id": count.clause_id,
                "label": clause.label if clause else f"{count.clause_id} (no longer in the policy)",
                "title": (clause.display_title or "") if clause else "",
                "helpful": count.helpful,
                "not_helpful": count.not_helpful,
                "share": round(100 * count.helpful / total) if total else 0,
            }
        )
    return {"title": f"{policy.title}: was it helpful?", "policy": policy, "rows": rows}


def questions(app: App, policy_id: str) -> dict[str, Any]:
    """The newest unanswered questions in groups of similar ones, each with whether the bot
    answers its first question now (after a phrasing was added, say)."""
    app.library.refresh(app.db)
    policy = app.library.policy(policy_id)
    found = unanswered.list_unanswered(app.db, policy_id, limit=QUESTIONS_READ)
    groups = []
    for members in group_similar([row.text for row in found]):
        rows = tuple(found[i] for i in members)
        result = app.library.matcher.ask(policy_id, rows[0].text, top_k=1)
        answered = (
            policy.clause(result.matches[0].clause.id).label
            if result.outcome is Outcome.ANSWER and result.matches
            else None
        )
        groups.append(QuestionGroup(rows[0].text, rows, answered))
    groups.sort(key=lambda group: (group.answered_by is not None, -len(group.questions)))
    return {
        "title": f"{policy.title}: unanswered questions",
        "policy": policy,
        "groups": groups,
        "read": len(found),
        "limit": QUESTIONS_READ,
    }
