"""HR publishes the checklist of a policy's current version, and sees what needs their review.

A checklist is published from a file (`policybot checklist publish`) or from the dashboard (the
whole text, or one edit: re-point, reword or retire an item). Either way it is validated against
the clauses of the version current now, stored as the policy's next checklist version with that
version as its basis, audited, and HR's open checklist flags are marked resolved; every worker
picks it up on its next message (the library's signature counts checklists). The `titles` of the
file become the clauses' titles.

An item already set aside may be left as it is (its ``clause-11@v1`` reference stays set aside);
a file cannot make a new one.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.commands import Audience, Command, Turn, pattern
from bot.messages import Reply
from bot.policies.library import ChecklistState, Library
from bot.storage import audit, rows
from bot.storage.database import Database
from bot.storage.models import ClauseTitle, PublishedChecklist, ReviewFlag
from knowledge.checklist import Checklist, ChecklistError, parse_checklist
from knowledge.checklist_review import SetAside, repoint, retire, reword, stale_parts
from knowledge.checklist_yaml import GUIDE, checklist_yaml
from knowledge.models import Clause, Policy

MAX_SOURCE_CHARS = 200
MAX_NOTE_CHARS = 500


class ChecklistPublishError(ValueError):
    """The checklist cannot be published; the message says why and what to do."""


@dataclass(frozen=True)
class ChecklistPublished:
    """A checklist made live."""

    policy_id: str
    number: int
    basis_version: int
    questions: int
    set_aside: int  # items still waiting for HR
    titles: tuple[str, ...]  # clauses whose title changed
    resolved: int  # review flags marked done


@dataclass(frozen=True)
class StaleReference:
    """A clause a set-aside item cited, as it read then, and what became of it."""

    reference: str  # clause-11@v1
    clause_id: str
    basis_version: int
    label: str
    text: str  # the clause as the basis version had it
    now: Clause | None  # the same clause now (materially reworded), or None (removed)
    why: str
    suggestion: str | None  # the clause it most likely means now (the same one, reworded)


@dataclass(frozen=True)
class ReviewItem:
    """An item employees skip until HR re-points, rewords or retires it."""

    item: SetAside
    references: tuple[StaleReference, ...]

    @property
    def key(self) -> str:
        return self.item.key


def publish_checklist(
    db: Database,
    library: Library,
    *,
    policy_id: str,
    text: str,
    source: str,
    by: str,
    by_person_id: int | None,
    now: datetime,
    note: str | None = None,
) -> ChecklistPublished:
    """Validate `text` against the current version's clauses and make it the live checklist.

    Raises ChecklistError (every problem, with the field to fix) or ChecklistPublishError.
    """
    library.refresh(db)
    policy = library.policy(policy_id)
    state = library.checklist_state(policy.id)
    source = " ".join(source.split())[:MAX_SOURCE_CHARS] or "checklist"
    pending = {ref for item in state.set_aside for ref in item.stale}
    checklist = parse_checklist(text, source, policy.clause_ids, stale_ok=pending)
    if checklist.policy != policy.id:
        raise ChecklistError(
            source,
            [f"field 'policy' is '{checklist.policy}', but this is published for '{policy.id}'"],
        )
    titles = {
        clause_id: title
        for clause_id, title in checklist.titles.items()
        if not (policy.clause(clause_id).titled and policy.clause(clause_id).title == title)
    }
    digest = rows.sha256_hex(text)
    still = {
        parts[0]
        for clauses in _all_clauses(checklist)
        for ref in clauses
        if (parts := stale_parts(ref)) is not None
    }

    def work(session: Session) -> ChecklistPublished:
        newest = session.scalars(
            select(PublishedChecklist)
            .where(PublishedChecklist.policy_id == policy.id)
            .order_by(PublishedChecklist.number.desc())
            .limit(1)
        ).first()
        if (
            newest is not None
            and newest.sha256 == digest
            and newest.basis_version == policy.version
            and not titles
        ):
            raise ChecklistPublishError(
                f"This is checklist version {newest.number} of the {policy.title} as it is; "
                "there is nothing new to publish."
            )
        number = (newest.number if newest else 0) + 1
        session.add(
            PublishedChecklist(
                policy_id=policy.id,
                number=number,
                basis_version=policy.version,
                text=text,
                sha256=digest,
                source=source,
                note=(note or "").strip()[:MAX_NOTE_CHARS] or None,
                published_at=rows.utc(now),
                published_by=by,
                published_by_id=by_person_id,
            )
        )
        for clause_id, title in titles.items():
            session.add(
                ClauseTitle(
                    policy_id=policy.id,
                    version=policy.version,
                    clause_id=clause_id,
                    title=title,
                    set_at=rows.utc(now),
                    set_by_id=by_person_id,
                )
            )
        marked = session.execute(
            update(ReviewFlag)
            .where(
                ReviewFlag.policy_id == policy.id,
                ReviewFlag.kind == "checklist",
                ReviewFlag.resolved_at.is_(None),
                ReviewFlag.clause_id.not_in(sorted(still)),
            )
            .values(resolved_at=rows.utc(now))
            .execution_options(synchronize_session=False)
        )
        resolved = getattr(marked, "rowcount", 0)
        audit.append(
            session,
            at=now,
            action="checklist_published",
            actor_id=by_person_id,
            policy=policy.id,
            number=number,
            basis_version=policy.version,
            sha256=digest,
            source=source,
            by=by,
            titles=sorted(titles),
        )
        return ChecklistPublished(
            policy.id,
            number,
            policy.version,
            len(checklist.questions),
            0,
            tuple(sorted(titles)),
            int(resolved or 0),
        )

    published = rows.with_retry(db, work)
    library.refresh(db)
    left = len(library.checklist_state(policy.id).set_aside)
    return ChecklistPublished(
        published.policy_id,
        published.number,
        published.basis_version,
        published.questions,
        left,
        published.titles,
        published.resolved,
    )


def edit_and_publish(
    db: Database,
    library: Library,
    *,
    policy_id: str,
    action: str,
    key: str,
    by: str,
    by_person_id: int | None,
    now: datetime,
    reference: str = "",
    clause_id: str = "",
    text: str = "",
) -> tuple[ChecklistPublished, str]:
    """One edit from the dashboard, published at once: (what was published, what was done).

    `action` is "repoint" (the item cites `clause_id` instead of `reference`), "reword" (it
    says `text`) or "retire" (it goes, with what only it led to).
    """
    library.refresh(db)
    policy = library.policy(policy_id)
    document = library.checklist_state(policy_id).document
    if document is None:
        raise ChecklistPublishError(
            f"The {policy.title} has no published checklist to edit yet: publish one first."
        )
    name = key.replace(":", " '", 1) + "'"
    if action == "repoint":
        if clause_id not in policy.clause_ids:
            raise ChecklistPublishError(f"Please choose a clause of version {policy.version}.")
        edited = repoint(document, key, reference, clause_id)
        done = f"re-pointed {name} from {reference} to {policy.clause(clause_id).label}"
    elif action == "reword":
        edited = reword(document, key, text)
        done = f"reworded {name}"
    elif action == "retire":
        edited, gone = retire(document, key)
        done = "retired " + ", ".join(k.replace(":", " '", 1) + "'" for k in gone)
    else:
        raise ChecklistPublishError(f"There is no edit called {action!r}.")
    published = publish_checklist(
        db,
        library,
        policy_id=policy_id,
        text=editable_text(library, policy_id, edited),
        source=f"dashboard: {done}",
        by=by,
        by_person_id=by_person_id,
        now=now,
    )
    return published, done


REVIEW_COMMAND = pattern(r"checklist\s+(?:review|status)(?:\s+(?P<policy>[a-z0-9-]+))?[.!?]*")


def review_command(library: Library) -> Command:
    """`checklist review [POLICY]` in chat, for HR: what the checklist's state is and which
    items wait for them (the review flags of a publication point here)."""

    def handle(turn: Turn, match: re.Match[str]) -> Reply | None:
        policy_id = (match["policy"] or turn.policy_id).lower()
        if policy_id not in library.policy_ids:
            return None
        return review_reply(library, policy_id)

    return Command(
        REVIEW_COMMAND,
        handle,
        Audience.HR,
        "checklist review",
        "see the checklist's state and the items waiting for your review",
        refusal="Only HR reviews the checklist. To walk it, type 'check'.",
    )


def review_reply(library: Library, policy_id: str) -> Reply:
    """The checklist's state and what needs review, short enough for a chat message."""
    policy = library.policy(policy_id)
    state = library.checklist_state(policy_id)
    lines = [f"Checklist of the {policy.title}, version {policy.version}: {status_line(state)}."]
    if state.document is None:
        lines.append(
            "Employees who type 'check' are told HR has not published one yet. A proposed "
            "checklist waits for you on the dashboard's Checklist page (or 'policybot checklist "
            f"show --policy {policy.id} --yaml')."
        )
    for item in review_items(library, policy_id) if state.document is not None else []:
        whys = " ".join(ref.why for ref in item.references)
        lines.append(f"• {item.item.kind} '{item.item.id}': “{item.item.text}” {whys}")
    if state.set_aside:
        lines.append(
            "Re-point, reword or retire them on the dashboard's Checklist page, or edit "
            f"'policybot checklist show --policy {policy.id} --yaml' and publish it."
        )
    return Reply(
        kind="checklist_review",
        title=f"Checklist: {policy.title}",
        text="\n".join(lines),
        data={"policy": policy.id, "set_aside": [item.key for item in state.set_aside]},
    )


@dataclass(frozen=True)
class OpenFlag:
    """Something a publication asked HR to review, not yet done."""

    version: int
    kind: str
    detail: str
    created_at: datetime


def open_flags(db: Database, policy_id: str) -> list[OpenFlag]:
    """What publications of the policy asked HR to review and nobody has resolved, newest first."""
    query = (
        select(ReviewFlag)
        .where(ReviewFlag.policy_id == policy_id, ReviewFlag.resolved_at.is_(None))
        .order_by(ReviewFlag.id.desc())
        .limit(50)
    )
    with db.session() as session:
        return [
            OpenFlag(row.version, row.kind, row.detail, row.created_at)
            for row in session.scalars(query)
        ]


def review_items(library: Library, policy_id: str) -> list[ReviewItem]:
    """The set-aside items of the policy's checklist, each with the clauses it cited then and
    what became of them now."""
    state = library.checklist_state(policy_id)
    policy = library.policy(policy_id)
    return [
        ReviewItem(item, tuple(_reference(state, policy, ref) for ref in item.stale))
        for item in state.set_aside
    ]


def editable_text(library: Library, policy_id: str, document: Checklist | None = None) -> str:
    """The checklist as YAML to edit and publish: the live one (set-aside items marked, with
    why), else the proposal. The clauses' current titles are in its `titles`."""
    policy = library.policy(policy_id)
    state = library.checklist_state(policy_id)
    document = document or state.document
    titles = {clause.id: clause.title for clause in policy.clauses if clause.titled}
    if document is None:
        proposal = library.proposal(policy_id)
        return checklist_yaml(
            proposal.checklist,
            header=proposal.header,
            notes=proposal.notes,
            titles={**proposal.checklist.titles, **titles},
        )
    notes = {item.key: [_review_note(item, policy)] for item in review_items(library, policy_id)}
    header = [
        f"Checklist of the {policy.title}, version {policy.version}: {status_line(state)}",
        "Clause ids are those of the current version. Items marked NEEDS REVIEW are skipped by",
        "employees until you re-point, reword or delete them.",
        f"Publish with: policybot checklist publish FILE --policy {policy.id}",
        "",
        *GUIDE,
    ]
    return checklist_yaml(document, header=header, notes=notes, titles=titles)


def status_line(state: ChecklistState) -> str:
    """Where the live checklist comes from, in one line."""
    if state.origin == "published":
        when = f"{state.published_at:%Y-%m-%d %H:%M} UTC" if state.published_at else ""
        who = f" by {state.published_by}" if state.published_by else ""
        line = (
            f"checklist version {state.number}, published {when}{who}, "
            f"written for policy version {state.basis_version}"
        )
    elif state.origin == "seed":
        line = (
            "the checklist shipped with PolicyBot, written for policy version "
            f"{state.basis_version}"
        )
    else:
        return "HR has not published a checklist yet (a proposed one is below)"
    if state.set_aside:
        line += f"; {len(state.set_aside)} item(s) set aside for HR's review"
    return line


def describe(library: Library, policy_id: str) -> str:
    """The checklist for a terminal: where it comes from, its items, and what needs review."""
    policy = library.policy(policy_id)
    state = library.checklist_state(policy_id)
    lines = [f"Checklist of the {policy.title} (version {policy.version})", status_line(state)]
    document = state.document
    if document is None:
        lines.append(
            "NOT LIVE: employees who type 'check' are told HR has not published one yet. "
            "Proposed from the policy's clauses:"
        )
        document = library.proposal(policy_id).checklist
    lines.append("Questions:")
    lines += [
        f"  {q.id}: {q.text} [{_labels(policy, q.clauses)}]" for q in document.questions.values()
    ]
    lines.append("Outcomes:")
    lines += [
        f"  {o.id} ({o.verdict}): [{_labels(policy, o.clauses)}]"
        for o in document.outcomes.values()
    ]
    if document.reminders:
        lines.append("Reminders:")
        lines += [f"  {r.id}: [{_labels(policy, r.clauses)}]" for r in document.reminders]
    items = review_items(library, policy_id) if state.document is not None else []
    if items:
        lines.append("Needs HR's review (employees skip these until then):")
        for item in items:
            lines.append(f"  {item.item.kind} '{item.item.id}': “{item.item.text}”")
            for ref in item.references:
                lines.append(f"    cited {ref.label} of version {ref.basis_version}: “{ref.text}”")
                if ref.now is not None:
                    lines.append(f"    {ref.now.label} now reads: “{ref.now.text}”")
                lines.append(f"    {ref.why}")
    lines.append(
        f"To change it: policybot checklist show --policy {policy.id} --yaml > checklist.yaml, "
        f"edit, then policybot checklist publish checklist.yaml --policy {policy.id}"
    )
    return "\n".join(lines)


def _reference(state: ChecklistState, policy: Policy, ref: str) -> StaleReference:
    parts = stale_parts(ref)
    assert parts is not None
    clause_id, version = parts
    followed = state.clauses.get(clause_id) if version == state.basis_version else None
    if followed is None:
        return StaleReference(
            ref, clause_id, version, clause_id, "", None,
            f"version {policy.version} no longer has it as version {version} worded it",
            None,
        )  # fmt: skip
    old = followed.old
    if followed.new is None:  # no suggestion: HR chooses where its subject lives now, if anywhere
        why = f"Version {policy.version} removed it."
        now, suggestion = None, None
    else:
        why = f"Version {policy.version} rewords it: {followed.reason}."
        now = followed.new
        suggestion = followed.new.id
    return StaleReference(ref, clause_id, version, old.label, old.text, now, why, suggestion)


def _review_note(item: ReviewItem, policy: Policy) -> str:
    parts = []
    for ref in item.references:
        now = f" {ref.now.label} now reads: “{ref.now.text}”" if ref.now else ""
        parts.append(
            f"NEEDS REVIEW: {ref.reference} is {ref.label} as version {ref.basis_version} had it "
            f"(“{ref.text}”). {ref.why}{now} Re-point it to a clause of version "
            f"{policy.version}, reword the item, or delete it."
        )
    return "\n".join(textwrap.fill(part, 96) for part in parts)


def _all_clauses(checklist: Checklist) -> list[tuple[str, ...]]:
    return [
        *(q.clauses for q in checklist.questions.values()),
        *(o.clauses for o in checklist.outcomes.values()),
        *(r.clauses for r in checklist.reminders),
        *(s.clauses for s in checklist.signals),
    ]


def _labels(policy: Policy, clause_ids: tuple[str, ...]) -> str:
    return ", ".join(
        policy.clause(c).label if c in policy.clause_ids else f"{c} (needs review)"
        for c in clause_ids
    )
