"""Every dashboard table as CSV, written by the terminal reports' writer (formula-safe cells)."""

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
from bot.acknowledgements import acks
from bot.app import App
from bot.conversation import feedback, unanswered
from bot.policies import versions

TABLES: dict[str, str] = {
    "versions": "Versions of the policy",
    "completion": "Acknowledgement completion by department",
    "people": "Each person's acknowledgement status",
    "pending": "People who have not acknowledged the current version",
    "acknowledgements": "Every acknowledgement, as recorded",
    "feedback": "Helpful and not helpful votes per clause",
    "unanswered": "Unanswered questions",
    "approvals": "Authorization requests and their decisions",
    "audit": "The audit log",
    "undelivered": "Messages that could not be delivered",
}


def export(app: App, name: str, policy_id: str) -> str:
    """The CSV text of one table; KeyError for an unknown table, UnknownPolicy for a policy."""
    if name not in TABLES:
        raise KeyError(name)
    app.library.policy(policy_id)
    header, rows, _summary = _BUILDERS[name](app, policy_id)
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
    header = ["clause", "helpful", "not_helpful"]
    rows = [
        [c.clause_id, str(c.helpful), str(c.not_helpful)]
        for c in feedback.feedback_counts(app.db, policy_id)
    ]
    return header, rows, ""


def _unanswered(app: App, policy_id: str) -> Table:
    header = ["asked_at_utc", "best_score", "question"]
    rows = [
        [r.asked_at.isoformat(timespec="seconds"), f"{r.best_score:.2f}", r.text]
        for r in unanswered.list_unanswered(app.db, policy_id)
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
    "approvals": lambda app, _policy: authorizations_table(app),
    "audit": lambda app, _policy: audit_table(app),
    "undelivered": lambda app, _policy: undelivered_table(app),
}
