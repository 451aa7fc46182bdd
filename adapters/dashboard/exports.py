"""Every dashboard table as CSV, written by the terminal reports' writer (formula-safe cells).

Each export holds only what is in the signed-in HR person's scope: a policy's tables for a
policy of their organizations, and the requests, audit log and undelivered messages of their
organizations' people.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from adapters.console.reports import (
    Table,
    audit_table,
    authorizations_table,
    undelivered_table,
    write_table,
)
from adapters.dashboard import ack_tables
from adapters.dashboard.pages import policy_in_scope
from bot.acknowledgements import acks
from bot.app import App
from bot.conversation import feedback
from bot.hr_access import questions
from bot.hr_access.citations import Citations
from bot.people.scope import Scope
from bot.policies import versions

TABLES: dict[str, str] = {
    "versions": "Versions of the policy",
    "completion": "Acknowledgement completion by department",
    "people": "Each person's acknowledgement status",
    "pending": "People who have not acknowledged the current version",
    "acknowledgements": "Every acknowledgement, as recorded",
    "feedback": "Helpful and not helpful votes per clause",
    "unanswered": "Unanswered questions (dismissed ones too, marked)",
    "approvals": "Authorization requests and their decisions",
    "audit": "The audit log",
    "undelivered": "Messages that could not be delivered",
}


POLICY_TABLES = tuple(name for name in TABLES if name not in ("approvals", "audit", "undelivered"))


def export(app: App, scope: Scope, name: str, policy_id: str) -> str:
    """The CSV text of one table; KeyError for an unknown table, UnknownPolicy for a policy
    that does not exist or is another organization's."""
    if name not in TABLES:
        raise KeyError(name)
    if name in POLICY_TABLES:
        policy_in_scope(app, scope, policy_id)
        header, rows, _summary = _BUILDERS[name](app, policy_id)
    else:
        header, rows, _summary = _WHOLE[name](app, scope)
    out = io.StringIO()
    write_table(header, rows, as_csv=True, stdout=out)
    return out.getvalue()


def _versions(app: App, policy_id: str) -> Table:
    header = [
        "version",
        "title",
        "published_at_utc",
        "published_by",
        "origin",
        "effective",
        "requires_ack",
        "note",
        "sha256",
    ]
    rows = [
        [
            str(v.number),
            v.title,
            v.published_at.isoformat(timespec="seconds"),
            v.published_by or "",
            v.origin,
            v.effective or "",
            "yes" if v.requires_ack else "no",
            v.note or "",
            v.sha256,
        ]
        for v in versions.history(app.db, policy_id)
    ]
    return header, rows, ""


def _acknowledgements(app: App, policy_id: str) -> Table:
    header = ["person", "display_name", "platform", "version", "acknowledged_at_utc", "sha256"]
    rows = [
        [
            r.person,
            r.display_name or "",
            r.platform,
            str(r.version),
            r.acknowledged_at.isoformat(timespec="seconds"),
            r.sha256,
        ]
        for r in acks.list_acknowledgements(app.db, policy_id)
    ]
    return header, rows, ""


def _feedback(app: App, policy_id: str) -> Table:
    citations = Citations(app.db, app.library)
    header = ["clause", "helpful", "not_helpful"]
    rows = [
        [citations.label(policy_id, c.clause_id), str(c.helpful), str(c.not_helpful)]
        for c in feedback.feedback_counts(app.db, policy_id)
    ]
    return header, rows, ""


def _unanswered(app: App, policy_id: str) -> Table:
    header = ["asked_at_utc", "best_score", "question", "dismissed_at_utc", "dismissed_by"]
    rows = [
        [
            r.asked_at.isoformat(timespec="seconds"),
            f"{r.best_score:.2f}",
            r.text,
            r.dismissed_at.isoformat(timespec="seconds") if r.dismissed_at else "",
            r.dismissed_by or "",
        ]
        for r in questions.every_question(app.db, [policy_id])
    ]
    return header, rows, ""


_BUILDERS: dict[str, Callable[[App, str], Table]] = {
    "versions": _versions,
    "completion": ack_tables.completion_table,
    "people": ack_tables.people_table,
    "pending": ack_tables.pending_table,
    "acknowledgements": _acknowledgements,
    "feedback": _feedback,
    "unanswered": _unanswered,
}
_WHOLE: dict[str, Callable[[App, Scope], Table]] = {
    "approvals": authorizations_table,
    "audit": audit_table,
    "undelivered": undelivered_table,
}
