"""Telling people a policy changed: the announcement with what changed, and HR's review notice.

Messages go into the outbox in the publication's own transaction, so a version is announced if
and only if it was published; the platform workers deliver them at each platform's pace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery import outbox
from bot.delivery.outbox import Queued
from bot.messages import Button, Reply
from bot.people.organizations import organization_people
from bot.publishing.draft import Draft
from bot.storage.models import PersonRole
from knowledge.diff import ClauseChange, PolicyDiff, compare, marked
from knowledge.models import Clause

LISTED_CHANGES = 6
QUOTED_WORDS = 40


OVERTAKEN_TOPICS = ("policy_update", "ack_reminder", "ack_summary")


def supersede(session: Session, draft: Draft, *, now: datetime) -> dict[int, int]:
    """Withdraw what is still queued about older versions of the policy (announcements,
    reminders, supervisors' summaries): the new version's announcement replaces them, so nobody
    is asked twice, nor reminded of a version that is no longer current.

    Returns, for each person whose announcement was withdrawn before it reached them, the
    oldest version it announced: their new announcement lists the changes since the one before.
    """
    withdrawn = outbox.supersede(
        session,
        topic_prefixes=[f"{kind}:{draft.policy_id}:" for kind in OVERTAKEN_TOPICS],
        reason=f"overtaken by version {draft.number}, published before it was sent",
        now=now,
    )
    missed: dict[int, int] = {}
    for person_id, topic in withdrawn:
        kind, _, number = topic.rpartition(":")
        if kind == f"policy_update:{draft.policy_id}" and number.isdigit():
            missed[person_id] = min(int(number), missed.get(person_id, int(number)))
    return missed


def announce(
    session: Session,
    draft: Draft,
    missed: Mapping[int, int] | None = None,
    *,
    clauses_of: Callable[[int], Sequence[Clause]] | None = None,
    now: datetime,
) -> Queued:
    """Queue the announcement of a new version for everyone of its organization.

    People in `missed` never got the announcement of an older version (it was withdrawn, see
    `supersede`): theirs lists the changes since the version before that one.
    """
    people = organization_people(session, draft.organization.id, draft.includes_unassigned)
    missed = missed or {}
    groups: dict[int | None, list[int]] = {}
    for person_id in people:
        groups.setdefault(missed.get(person_id), []).append(person_id)
    total = Queued(0, 0)
    for oldest, members in groups.items():
        diff = draft.diff
        if oldest is not None and clauses_of is not None:
            since = oldest - 1
            diff = compare(clauses_of(since), draft.clauses) if since >= 1 else None
        reply = announcement_reply(
            policy_id=draft.policy_id,
            title=draft.title,
            number=draft.number,
            diff=diff,
            effective=draft.effective,
            note=draft.note,
            since=oldest - 1 if oldest is not None and oldest > 1 else None,
        )
        queued = outbox.enqueue_many(
            session,
            person_ids=members,
            topic=f"policy_update:{draft.policy_id}:{draft.number}",
            reply=reply,
            now=now,
        )
        total = Queued(total.queued + queued.queued, total.unreachable + queued.unreachable)
    return total


def tell_hr(session: Session, draft: Draft, flags: Sequence[str], *, now: datetime) -> None:
    """Queue, for HR of the organization, the list of curation to review after the change."""
    if not flags:
        return
    people = set(organization_people(session, draft.organization.id, draft.includes_unassigned))
    hr = [
        person_id
        for person_id in session.scalars(
            select(PersonRole.person_id).where(PersonRole.role == "hr")
        )
        if person_id in people
    ]
    lines = "\n".join(f"• {flag}" for flag in flags)
    reply = Reply(
        kind="review_flags",
        title=f"Please review after version {draft.number} of the {draft.title}",
        text=(
            f"Version {draft.number} of the {draft.title} touches what HR curated:\n{lines}\n"
            "Review it on the dashboard (the policy's Checklist page) or with 'policybot "
            f"checklist show --policy {draft.policy_id}', so answers and the checklist stay "
            "right. Employees do not see this message."
        ),
        data={"policy": draft.policy_id, "version": draft.number},
    )
    outbox.enqueue_many(
        session,
        person_ids=sorted(hr),
        topic=f"review_flags:{draft.policy_id}:{draft.number}",
        reply=reply,
        now=now,
    )


def announcement_reply(
    *,
    policy_id: str,
    title: str,
    number: int,
    diff: PolicyDiff | None,
    effective: str | None,
    note: str | None,
    kind: str = "policy_update",
    lead: str | None = None,
    since: int | None = None,
) -> Reply:
    """The message about a new version: what changed, HR's note, and the acknowledge button.

    `since`: the changes are listed from that version (a newer one overtook the announcement
    of the versions in between before it reached the person)."""
    when = f", effective {effective}" if effective else ""
    lead = lead or f"HR published version {number} of the {title}{when}."
    parts = [lead]
    if diff is not None:
        parts.append(
            f"What changed since version {since}: {diff.summary()}."
            if since
            else f"What changed: {diff.summary()}."
        )
        parts.extend(change_lines(diff))
    else:
        parts.append("It is a new policy: please read it.")
    if note:
        parts.append(f"Note from HR: {note}")
    parts.append(
        f"Type 'changes {policy_id}' to see every change, and 'ack {policy_id}' (or press the "
        "button) once you have read them."
    )
    return Reply(
        kind=kind,
        title=f"{title}: version {number}",
        text="\n".join(parts),
        buttons=(Button(f"I acknowledge version {number}", f"ack {policy_id}", "primary"),),
        data={"policy": policy_id, "version": number},
    )


def change_lines(diff: PolicyDiff, limit: int | None = LISTED_CHANGES) -> list[str]:
    """One line per changed clause, the changed words marked [-removed-] and {+added+}."""
    changes = [c for c in diff.changes if c.kind != "renumbered"]
    shown = changes if limit is None else changes[:limit]
    lines = [f"• {_describe(change, limit is not None)}" for change in shown]
    if len(changes) > len(shown):
        lines.append(f"…and {len(changes) - len(shown)} more.")
    moved = diff.count("renumbered")
    if moved:
        lines.append(
            "(1 clause kept its words but moved.)"
            if moved == 1
            else f"({moved} clauses kept their words but moved.)"
        )
    return lines


def _describe(change: ClauseChange, short: bool) -> str:
    if change.kind == "reworded":
        assert change.old is not None and change.new is not None
        moved = f" (was {change.old.label})" if change.old.label != change.new.label else ""
        return (
            f"{change.label}{moved}, reworded: {marked(change.words, context=8 if short else None)}"
        )
    clause = change.new or change.old
    assert clause is not None
    words = clause.text.split()
    quoted = " ".join(words[:QUOTED_WORDS]) + (" …" if short and len(words) > QUOTED_WORDS else "")
    if not short:
        quoted = clause.text
    return f'{change.label}, {change.kind}: "{quoted}"'
