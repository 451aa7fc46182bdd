"""`policybot policy publish|history|diff`: HR's policy versions from the terminal."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TextIO

from adapters.console.reports import write_table
from bot.app import App
from bot.policies import versions
from bot.publishing import publisher
from bot.publishing.draft import Draft
from bot.publishing.publisher import PublishError
from knowledge.diff import PolicyDiff
from knowledge.documents import DocumentError, read_document


def run_policy(
    app: App, args: argparse.Namespace, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> int:
    """Run `policy publish`, `policy history` or `policy diff`; errors are one clear line."""
    try:
        if args.policy_command == "publish":
            return _publish(app, args, stdin, stdout)
        if args.policy_command == "history":
            return _history(app, args.policy, stdout)
        return _diff(app, args, stdout)
    except (PublishError, DocumentError) as error:
        sys.stderr.write(f"policybot: error: {error}\n")
        return 2


def _publish(app: App, args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as error:
        raise PublishError(f"cannot read {path}: {error.strerror or error}") from None
    draft = publisher.prepare(
        app.db,
        app.library,
        app.config,
        read_document(path.name, content),
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
