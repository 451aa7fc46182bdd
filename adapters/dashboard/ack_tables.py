"""Acknowledgement completion (`bot.acknowledgements.report`): the page's figures, CSV tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from adapters.console.reports import Table
from adapters.dashboard.pages import policy_in_scope
from bot.acknowledgements.report import (
    EXPORT_COLUMNS,
    AckReport,
    DepartmentRow,
    PersonStatus,
    ack_report,
)
from bot.app import App
from bot.hr_access.reads import Page, page_of, recent_outbox
from bot.people.scope import Scope

PAGE_SIZE = 50
BAR_HEIGHT = 22


@dataclass(frozen=True)
class Bar:
    """One department's bar in the chart (positions in SVG units)."""

    row: DepartmentRow
    y: int
    width: float


def page_context(
    app: App, scope: Scope, policy_id: str, page_number: int, department: str, now: datetime
) -> dict[str, Any]:
    """Completion by department (chart and table) and one page of the people still pending."""
    policy = policy_in_scope(app, scope, policy_id)
    days = app.config.acknowledgements.remind_after_days
    report = ack_report(app.db, app.config, policy.id)
    departments = report.departments
    pending = _pending(report, department)
    page = page_of(page_number, PAGE_SIZE, len(pending))
    done = len(report.people) - len(report.pending)
    return {
        "title": f"{policy.title}: acknowledgements",
        "policy": policy,
        "report": report,
        "done": done,
        "share": round(100 * done / len(report.people)) if report.people else 100,
        "departments": departments,
        "bars": [Bar(row, i * BAR_HEIGHT, 100 * row.share) for i, row in enumerate(departments)],
        "chart_height": max(1, len(departments)) * BAR_HEIGHT,
        "department": department,
        "pending": pending[page.offset : page.offset + page.size],
        "page": page,
        "pager_query": f"department={department}&" if department else "",
        "messages": recent_outbox(app.db, topic_prefix=f"ack_reminder:{policy.id}:", limit=10),
        "overdue_days": days,
        "overdue_before": now - timedelta(days=days),
    }


def _pending(report: AckReport, department: str) -> list[PersonStatus]:
    """Who is pending (in one department, if chosen), waiting longest first."""
    people = [p for p in report.pending if not department or (p.department or "") == department]
    return sorted(people, key=lambda p: (p.pending_since, p.department or "", p.name))


def completion_table(app: App, policy_id: str) -> Table:
    """Completion per department, as CSV rows (the caller checked the policy is in scope)."""
    report = ack_report(app.db, app.config, policy_id)
    header = ["department", "people", "acknowledged", "share"]
    rows = [
        [r.department, str(r.people), str(r.acknowledged), f"{r.share:.0%}"]
        for r in report.departments
    ]
    return header, rows, ""


def people_table(app: App, policy_id: str) -> Table:
    """Every person's status on the current version."""
    return _people_rows(ack_report(app.db, app.config, policy_id).people)


def pending_table(app: App, policy_id: str) -> Table:
    """Only the people who have not acknowledged it yet."""
    return _people_rows(_pending(ack_report(app.db, app.config, policy_id), ""))


def _people_rows(people: Any) -> Table:
    header = ["handle", *EXPORT_COLUMNS]
    rows = [[p.handle, *p.export_cells()] for p in people]
    return header, rows, ""


__all__ = ["Page", "completion_table", "page_context", "pending_table", "people_table"]
