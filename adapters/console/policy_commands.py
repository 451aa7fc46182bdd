"""`policybot policy publish|clauses|topics|history|diff`: HR's policy versions, in a terminal."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from adapters.console.reports import write_table
from bot.app import App
from bot.policies import versions
from bot.publishing import publisher
from bot.publishing.draft import Draft
from bot.publishing.publisher import PublishError
from knowledge.diff import PolicyDiff
from knowledge.documents import DocumentError, read_document_file
from knowledge.matcher import default_topics
from knowledge.models import Clause
from knowledge.structure.review import structure_warnings
from knowledge.topics import describe_links


def run_policy(
    app: App, args: argparse.Namespace, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> int:
    """Run `policy publish`, `clauses`, `history` or `diff`; errors are one clear line."""
    try:
        if args.policy_command == "publish":
            return _publish(app, args, stdin, stdout)
        if args.policy_command == "clauses":
            return _clauses(app, args, stdout)
        if args.policy_command == "topics":
            return _topics(app, args.policy, stdout)
        if args.policy_command == "history":
            return _history(app, args.policy, stdout)
        return _diff(app, args, stdout)
    except (PublishError, DocumentError) as error:
        sys.stderr.write(f"policybot: error: {error}\n")
        return 2


def _publish(app: App, args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    document = read_document_file(Path(args.file))  # refuses devices, FIFOs, oversized files
    draft = publisher.prepare(
        app.db,
        app.library,
        app.config,
        document,
        policy_id=args.policy,
        title=args.title,
        organization_id=args.organization,
        effective=args.effective,
        note=args.note,
    )
    stdout.write(publisher.preview_text(draft) + "\n")
    if not args.yes and not _confirmed(draft, stdin, stdout):
        stdout.write("Not published. Nothing changed.\n")
        return 1
    result = publisher.publish(
        app.db,
        app.library,
        draft,
        by=args.by or getpass.getuser(),
        by_person_id=None,
        now=app.bot.clock(),
    )
    stdout.write(publisher.outcome_text(result, draft) + "\n")
    return 0


def _warnings_text(clauses: Sequence[Clause], current: Sequence[Clause] | None) -> str:
    warnings = structure_warnings(clauses, current)
    if not warnings:
        return "Structure: nothing looks out of place.\n"
    lines = ["Check the structure before publishing:", *(f"  ! {w}" for w in warnings)]
    return "\n".join(lines) + "\n"


def _clauses(app: App, args: argparse.Namespace, stdout: TextIO) -> int:
    """The clauses of the current (or a stored) version as the parser reads them."""
    policy = app.library.policy(args.policy)  # UnknownPolicy lists the known ids
    title, number = policy.title, policy.version
    clauses: Sequence[Clause] = policy.clauses
    if args.version is not None and args.version != policy.version:
        clauses = publisher.version_clauses(app.db, app.library, policy.id, args.version)
        rows = {row.number: row for row in versions.history(app.db, policy.id)}
        title, number = rows[args.version].title, args.version
    if args.json:
        rows_out = [
            {
                "id": clause.id,
                "number": clause.number,
                "marker": clause.marker,
                "level": clause.level,
                "citation": f"{title}, {clause.label}",
                "title": clause.title,
                "heading": clause.heading,
                "text": clause.text,
            }
            for clause in clauses
        ]
        stdout.write(json.dumps(rows_out, ensure_ascii=False, indent=1) + "\n")
        return 0
    stdout.write(f"{title} ({policy.id}), version {number}: {len(clauses)} clauses\n")
    heading = ""
    for clause in clauses:
        if clause.heading and clause.heading != heading:
            stdout.write(f"{'  ' * max(clause.level - 1, 0)}{clause.heading}\n")
        heading = clause.heading
        words = clause.text.split()
        shown = " ".join(words[:14]) + (" …" if len(words) > 14 else "")
        stdout.write(f"{'  ' * clause.level}{clause.label}  [{clause.id}]  {shown}\n")
    warnings = structure_warnings(clauses)
    if warnings:
        stdout.write(_warnings_text(clauses, None))
    return 0


def _topics(app: App, policy_id: str, stdout: TextIO) -> int:
    """How the current version's clauses are linked to the topic map, for HR to review."""
    policy = app.library.policy(policy_id)  # UnknownPolicy lists the known ids
    stdout.write(f"{policy.title} ({policy.id}), version {policy.version}: topics and clauses\n")
    for line in describe_links(default_topics(), policy):
        stdout.write(line + "\n")
    return 0


def _confirmed(draft: Draft, stdin: TextIO, stdout: TextIO) -> bool:
    stdout.write(f"Publish version {draft.number} now? [y/N] ")
    stdout.flush()
    answer = stdin.readline()
    if not answer:
        stdout.write("\n(no answer: pass --yes to publish from a script)\n")
    return answer.strip().lower() in ("y", "yes")


def _history(app: App, policy_id: str, stdout: TextIO) -> int:
    rows = versions.history(app.db, policy_id)
    if not rows:
        app.library.policy(policy_id)  # UnknownPolicy lists the known ids
    header = ["version", "published_at_utc", "by", "origin", "asks_ack", "effective", "source"]
    table = [
        [
            str(r.number),
            r.published_at.isoformat(timespec="seconds"),
            r.published_by or "",
            r.origin,
            "yes" if r.requires_ack else "no",
            r.effective or "",
            r.source,
        ]
        for r in rows
    ]
    write_table(header, table, as_csv=False, stdout=stdout)
    for r in rows:
        if r.note:
            stdout.write(f"version {r.number}: {r.note}\n")
    stdout.write(f"{len(rows)} version(s); SHA-256 of the current one: {rows[-1].sha256}\n")
    return 0


def _diff(app: App, args: argparse.Namespace, stdout: TextIO) -> int:
    diff = publisher.compare_versions(app.db, app.library, args.policy, args.a, args.b)
    stdout.write(f"{args.policy}: version {args.a} -> version {args.b}: {diff.summary()}.\n")
    stdout.write(_full_changes(diff))
    return 0


def _full_changes(diff: PolicyDiff) -> str:
    from bot.publishing.announcements import change_lines

    lines = change_lines(diff, limit=None)
    return "".join(f"{line}\n" for line in lines)
