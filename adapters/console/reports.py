"""`policybot report ...`: HR's lists, as a table fitted to the terminal, or as CSV or JSON with
every column whole.

The terminal is the operator's (whoever has the server's shell can read the database anyway),
so a report covers every organization of the deployment unless `--organization ID` narrows it
to one city: the same scope that city's HR sees on the dashboard, to hand over as it is.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO

from adapters.console.tables import fit_table
from adapters.console.terminal import Terminal
from bot.acknowledgements.report import EXPORT_COLUMNS, AckReport, ReportError, ack_report
from bot.app import App
from bot.approvals import authorizations
from bot.approvals.wording import decision_words, details_in_words
from bot.conversation import feedback
from bot.delivery import outbox
from bot.hr_access import questions
from bot.hr_access.citations import Citations
from bot.hr_access.reads import audit_in, requests_in
from bot.people.scope import Scope, ScopeError, operator_scope
from bot.policies.library import UnknownPolicy
from knowledge.text import without_direction_controls


def run_report(app: App, args: argparse.Namespace, stdout: TextIO = sys.stdout) -> int:
    """Print the report the arguments ask for, for the organization chosen (default: all)."""
    try:
        scope = operator_scope(app.config, getattr(args, "organization", None))
    except ScopeError as error:
        sys.stderr.write(f"policybot: error: {error}\n")
        return 2
    if args.report in ("authorizations", "undelivered"):
        header, table, summary = (
            audit_table(app, scope)
            if getattr(args, "audit", False)
            else authorizations_table(app, scope)
            if args.report == "authorizations"
            else undelivered_table(app, scope)
        )
        write_table(header, table, as_csv=args.csv, as_json=args.json, stdout=stdout)
        if not (args.csv or args.json):
            stdout.write(summary + "\n")
        return 0
    policy_ids = policies_in_scope(app, scope, args.policy)
    if args.report == "acks":
        return _acks(app, args, stdout)
    if args.report == "feedback":
        return _feedback(app, args, policy_ids, stdout)
    found = questions.every_question(app.db, policy_ids, dismissed=False)
    header = ["asked_at_utc", "policy", "best_score", "question"]
    table = [
        [r.asked_at.isoformat(timespec="seconds"), r.policy_id, f"{r.best_score:.2f}", r.text]
        for r in found
    ]
    dismissed = len(questions.every_question(app.db, policy_ids)) - len(found)
    summary = f"{len(found)} unanswered question(s)." + (
        f" {dismissed} dismissed by HR as not policy questions are not listed "
        "(the dashboard's CSV export has them)."
        if dismissed
        else ""
    )
    write_table(header, table, as_csv=args.csv, as_json=args.json, stdout=stdout)
    if not (args.csv or args.json):
        stdout.write(summary + "\n")
    return 0


def policies_in_scope(app: App, scope: Scope, wanted: str | None) -> list[str]:
    """The policy asked for (UnknownPolicy if none such, or another organization's), or every
    policy in scope."""
    ids = [
        policy_id
        for policy_id in app.library.policy_ids
        if scope.covers_policy(
            app.config, policy_id, app.library.policy(policy_id).meta.organization
        )
    ]
    if wanted is None:
        return ids
    app.library.policy(wanted)  # UnknownPolicy lists the known ids
    if wanted not in ids:
        raise UnknownPolicy(f"the policy {wanted!r} is not one of that organization's")
    return [wanted]


Table = tuple[list[str], list[list[str]], str]


def _acks(app: App, args: argparse.Namespace, stdout: TextIO) -> int:
    """Completion by department, then every person: acknowledged which version when, or pending."""
    policy = app.library.policy(args.policy)
    try:
        report = ack_report(app.db, app.config, policy.id, args.version)
    except ReportError as error:
        sys.stderr.write(f"policybot: error: {error}\n")
        return 2
    header, table = _ack_people(report)
    if args.csv:
        write_table(header, table, as_csv=True, stdout=stdout)
        return 0
    done = len(report.people) - len(report.pending)
    departments = [
        [row.department, str(row.people), str(row.acknowledged), f"{row.share:.0%}"]
        for row in report.departments
    ]
    department_header = ["department", "people", "acknowledged", "done"]
    if args.json:
        _write_json(
            {
                "policy": policy.id,
                "title": policy.title,
                "version": report.version,
                "counts_from_version": report.basis,
                "asked_since": report.asked_since.isoformat(),
                "people_count": len(report.people),
                "acknowledged": done,
                "departments": _objects(department_header, departments),
                "people": _objects(header, table),
            },
            stdout,
        )
        return 0
    terminal = Terminal.of(stdout)
    stdout.write(
        terminal.text(
            f"{policy.title}, version {report.version}: {done} of {len(report.people)} people "
            f"acknowledged (version {report.basis} or later counts; asked since "
            f"{report.asked_since:%Y-%m-%d})."
        )
        + "\n\n"
    )
    write_table(department_header, departments, as_csv=False, stdout=stdout)
    stdout.write("\n")
    if terminal.width is None:  # a pipe or a file: every column, as before
        write_table(header, table, as_csv=False, stdout=stdout)
    else:  # a terminal: one "since" column (a person is either acknowledged or pending)
        write_table(*_ack_people_short(report), as_csv=False, stdout=stdout)
    return 0


def _ack_people(report: AckReport) -> tuple[list[str], list[list[str]]]:
    header = ["person", *EXPORT_COLUMNS]
    table = [
        [p.handle, *p.export_cells()]
        for p in sorted(report.people, key=lambda p: (not p.pending, p.department or "", p.name))
    ]
    table += [
        [
            u.person,
            u.display_name or "",
            "",
            f"acknowledged on {u.platform} (not on the staff list)",
            str(u.version),
            u.acknowledged_at.isoformat(timespec="seconds"),
            "",
        ]
        for u in report.unlisted
    ]
    return header, table


def _ack_people_short(report: AckReport) -> tuple[list[str], list[list[str]]]:
    """Every person in five columns that fit 80 characters; --csv has the full seven."""
    header = ["person", "name", "department", "status", "since (UTC)"]
    table = [
        [
            p.handle,
            p.name,
            p.department or "",
            "pending" if p.pending else f"acknowledged version {p.acknowledged_version}",
            _minute(p.pending_since or p.acknowledged_at),
        ]
        for p in sorted(report.people, key=lambda p: (not p.pending, p.department or "", p.name))
    ]
    table += [
        [
            u.person,
            u.display_name or "",
            "",
            f"acknowledged version {u.version} on {u.platform} (not on the staff list)",
            _minute(u.acknowledged_at),
        ]
        for u in report.unlisted
    ]
    return header, table


def _minute(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


def _feedback(app: App, args: argparse.Namespace, policy_ids: list[str], stdout: TextIO) -> int:
    """Helpful and not-helpful votes per clause, then the questions the bot could not answer."""
    citations = Citations(app.db, app.library)
    counts = [
        count for policy_id in policy_ids for count in feedback.feedback_counts(app.db, policy_id)
    ]
    header = ["policy", "clause", "helpful", "not_helpful"]
    table = [
        [c.policy_id, citations.label(c.policy_id, c.clause_id), str(c.helpful), str(c.not_helpful)]
        for c in counts
    ]
    if args.csv:
        write_table(header, table, as_csv=True, stdout=stdout)
        return 0
    found = questions.every_question(app.db, policy_ids, dismissed=False)
    question_header = ["asked_at_utc", "policy", "question"]
    question_rows = [[u.asked_at.isoformat(timespec="seconds"), u.policy_id, u.text] for u in found]
    if args.json:
        votes, asked = _objects(header, table), _objects(question_header, question_rows)
        _write_json({"votes": votes, "unanswered": asked}, stdout)
        return 0
    write_table(header, table, as_csv=False, stdout=stdout)
    stdout.write(f"\n{len(counts)} clause(s) with votes. Unanswered questions ({len(found)}):\n")
    write_table(question_header, question_rows, as_csv=False, stdout=stdout)
    return 0


def authorizations_table(app: App, scope: Scope) -> Table:
    """Every authorization request of the people in scope, with its decisions."""
    views = requests_in(app.db, scope)
    citations = Citations(app.db, app.library)
    header = [
        "request",
        "requester",
        "department",
        "policy",
        "clauses",
        "what",
        "why",
        "where",
        "from",
        "to",
        "status",
        "decisions",
        "requested_at_utc",
    ]
    table = [
        [
            str(v.id),
            v.requester,
            v.department or "",
            v.policy_id,
            "; ".join(citations.label(v.policy_id, c, v.version) for c in v.clauses),
            v.what,
            v.why,
            v.place,
            v.starts_on.isoformat(),
            v.ends_on.isoformat(),
            v.status,
            "; ".join(_decision(a, v.status) for a in v.approvals),
            v.created_at.isoformat(timespec="seconds"),
        ]
        for v in views
    ]
    return header, table, f"{len(views)} authorization request(s)."


def _decision(approval: authorizations.ApprovalView, status: str) -> str:
    said = decision_words(approval.role, approval.decision, status)
    if approval.decision is None:
        return f"{said} for {approval.assigned_to}"
    if approval.decided_at is None:
        return said
    comment = f" ({approval.comment})" if approval.comment else ""
    escalated = (
        f", {approval.escalated_from}'s supervisor, to whom it was escalated,"
        if approval.escalated_from
        else ""
    )
    return (
        f"{said} by {approval.decided_by}{escalated} "
        f"{approval.decided_at.isoformat(timespec='seconds')}{comment}"
    )


def audit_table(app: App, scope: Scope) -> Table:
    """The audit log about what is in scope (all of it for the operator), oldest first."""
    rows = audit_in(app.db, scope, policies_in_scope(app, scope, None))
    header = ["at_utc", "actor", "action", "request", "person", "details"]
    table = [
        [
            r.at.isoformat(timespec="seconds"),
            r.actor or "(system)",
            r.action,
            str(r.request_id or ""),
            r.subject or "",
            details_in_words(r.details),
        ]
        for r in rows
    ]
    return header, table, f"{len(rows)} audit entries."


def undelivered_table(app: App, scope: Scope) -> Table:
    """Messages that could not reach a person in scope, and why."""
    rows = outbox.undelivered(app.db, scope.people())
    header = ["created_at_utc", "person", "topic", "status", "platform", "attempts", "reason"]
    table = [
        [
            r.created_at.isoformat(timespec="seconds"),
            r.person,
            r.topic,
            r.status,
            r.platform or "",
            str(r.attempts),
            r.last_error or "",
        ]
        for r in rows
    ]
    return header, table, f"{len(rows)} message(s) could not be delivered."


def write_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    as_csv: bool,
    stdout: TextIO,
    as_json: bool = False,
) -> None:
    """CSV for spreadsheets, a JSON list of objects for scripts, or a table fitted to the
    terminal's width for reading (`tables.fit_table`)."""
    if as_csv:
        writer = csv.writer(stdout)
        writer.writerow(header)
        writer.writerows([[csv_safe(cell) for cell in row] for row in rows])
        return
    if as_json:
        _write_json(_objects(header, rows), stdout)
        return
    table = fit_table(header, rows, Terminal.of(stdout).width)
    if table:
        stdout.write(table + "\n")


def _objects(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[dict[str, str]]:
    return [dict(zip(header, row, strict=True)) for row in rows]


def _write_json(data: Any, stdout: TextIO) -> None:
    stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def csv_safe(cell: str) -> str:
    """Keep a spreadsheet from running a question typed as a formula ("=HYPERLINK(...)"), and
    from showing it in another order than typed (direction controls removed)."""
    cell = without_direction_controls(cell)
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
