"""HR publishes a new version of a policy: read it, show what changed, then make it current.

Publishing is two steps so nothing goes live unseen: `prepare` reads the document, parses it
into clauses, refuses what is not a sensible policy and compares it with the current version;
`publish` stores the version and, in the same transaction, queues the announcement to everyone
of the organization, flags HR's curation of the changed clauses for review and writes the audit
entry. A version whose clauses did not change asks nobody to acknowledge again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config import Config, Organization
from bot.delivery.outbox import Queued
from bot.people import organizations
from bot.policies import versions
from bot.policies.library import ChecklistState, Library, UnknownPolicy
from bot.publishing import announcements
from bot.publishing.draft import Draft, Published
from bot.storage import audit, rows
from bot.storage.database import Database
from bot.storage.models import AlternatePhrasing, PolicyVersion, ReviewFlag
from knowledge.checklist_review import SetAside, follow_checklist, set_aside_items
from knowledge.clause_map import follow_clauses
from knowledge.diff import PolicyDiff, compare
from knowledge.documents import Document
from knowledge.models import Clause, Policy, PolicyMetadata
from knowledge.parser import ParseError, parse_clauses
from knowledge.sources import seed_sources
from knowledge.structure.review import structure_warnings

POLICY_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,47}")
MIN_WORDS = 30
MIN_LETTER_SHARE = 0.6
_TITLE_TAIL = re.compile(r"\s+(?:social\s+media|personal\s+communications|policy)\b", re.I)


class PublishError(ValueError):
    """The document cannot be published; the message says why and what to do."""


def prepare(
    db: Database,
    library: Library,
    config: Config,
    document: Document,
    *,
    policy_id: str,
    title: str | None = None,
    organization_id: str | None = None,
    effective: str | None = None,
    note: str | None = None,
) -> Draft:
    """Read and check a document as the next version of a policy (a new id makes a new policy)."""
    policy_id = policy_id.strip().lower()
    if not POLICY_ID.fullmatch(policy_id):
        raise PublishError(
            f"{policy_id!r} is not a usable policy id: use 2-48 lowercase letters, digits "
            "and hyphens, such as 'la-crosse'."
        )
    current = _current(library, policy_id)
    title = (title or "").strip() or (current.title if current else "")
    if not title:
        raise PublishError(f"{policy_id!r} is a new policy: please give it a title (--title).")
    default = organizations.default_organization(config, _default_name(library, config, title))
    organization = _organization(config, policy_id, current, organization_id, default)
    meta = _metadata(policy_id, title, organization, document, current)
    clauses = _parse(document, meta)
    if current is not None and rows.sha256_hex(document.text) == current.sha256:
        raise PublishError(
            f"This text is identical to version {current.version} of the {current.title}; "
            "there is nothing new to publish."
        )
    diff = compare(current.clauses, clauses) if current else None
    return Draft(
        policy_id=policy_id,
        title=title,
        organization=organization,
        document=document,
        clauses=tuple(clauses),
        number=(current.version + 1) if current else 1,
        based_on=current.version if current else None,
        diff=diff,
        effective=(effective or "").strip() or None,
        note=(note or "").strip() or None,
        warning=_unfamiliar(current, clauses),
        structure=tuple(structure_warnings(clauses, current.clauses if current else None)),
        includes_unassigned=organization.id == default.id,
    )


def publish(
    db: Database,
    library: Library,
    draft: Draft,
    *,
    by: str,
    by_person_id: int | None,
    now: datetime,
) -> Published:
    """Make the draft the current version, announce it and flag HR's curation to review."""
    curated = _curated_clauses(db, draft.policy_id)
    current = _current(library, draft.policy_id)
    state = library.checklist_state(draft.policy_id) if current is not None else None
    try:
        with db.session() as session:
            newest = versions.current_version_in(session, draft.policy_id)
            if (newest.number if newest else None) != draft.based_on:
                raise PublishError(_overtaken(draft, newest))
            versions.ensure_policy(session, draft.policy_id, draft.organization.name, draft.title)
            session.add(_version_row(draft, by, now))
            session.flush()
            flags = _flag_review(session, draft, curated, state, current, now)
            sent = Queued(0, 0)
            if draft.requires_ack:
                missed = announcements.supersede(session, draft, now=now)
                sent = announcements.announce(
                    session, draft, missed, clauses_of=_clauses_in(session, library, draft), now=now
                )
            announcements.tell_hr(session, draft, flags, now=now)
            audit.append(
                session,
                at=now,
                action="policy_published",
                actor_id=by_person_id,
                policy=draft.policy_id,
                version=draft.number,
                sha256=rows.sha256_hex(draft.document.text),
                requires_ack=draft.requires_ack,
                announced=sent.queued,
            )
    except IntegrityError:
        raise PublishError(_overtaken(draft, None)) from None
    library.refresh(db)
    return Published(
        draft.policy_id, draft.number, draft.requires_ack, sent.queued, sent.unreachable, flags
    )


def _clauses_in(session: Session, library: Library, draft: Draft) -> Callable[[int], list[Clause]]:
    """The clauses of a stored version of the draft's policy, read in the publication's own
    transaction (for announcing the changes since an older version)."""

    def clauses(number: int) -> list[Clause]:
        query = select(PolicyVersion.text).where(
            PolicyVersion.policy_id == draft.policy_id, PolicyVersion.number == number
        )
        text = session.scalars(query).first()
        meta = _metadata(
            draft.policy_id,
            draft.title,
            draft.organization,
            draft.document,
            _current(library, draft.policy_id),
        )
        return parse_clauses(text, meta) if text is not None else []

    return clauses


def _current(library: Library, policy_id: str) -> Policy | None:
    try:
        return library.policy(policy_id)
    except UnknownPolicy:
        return None


def _default_name(library: Library, config: Config, title: str) -> str:
    """What the deployment's organization is called when app.yaml does not say: as its default
    policy names it, else as the new policy's title does ("City of X Social Media Policy")."""
    try:
        return library.policy(config.default_policy).meta.organization
    except UnknownPolicy:
        named = _TITLE_TAIL.split(title, maxsplit=1)[0].strip(" ,:-")
        return named or title


def _organization(
    config: Config,
    policy_id: str,
    current: Policy | None,
    wanted: str | None,
    default: Organization,
) -> Organization:
    """The organization a policy belongs to: its current one, the one HR names for a new one,
    else the deployment's default (no need to edit app.yaml for a single-city deployment)."""
    if current is not None:
        owner = organizations.organization_of(config, policy_id, current.meta.organization)
        if wanted and owner and wanted != owner.id:
            raise PublishError(
                f"{policy_id!r} belongs to {owner.name}; it cannot be published for another "
                "organization. Use a new policy id."
            )
        if owner is not None:
            return owner
    if wanted:
        for organization in config.organizations:
            if organization.id == wanted:
                return organization
        known = ", ".join(o.id for o in config.organizations) or "none configured"
        raise PublishError(f"There is no organization {wanted!r} in app.yaml (known: {known}).")
    return default


def _metadata(
    policy_id: str,
    title: str,
    organization: Organization,
    document: Document,
    current: Policy | None,
) -> PolicyMetadata:
    """The new version's metadata: the policy's own naming of its parts, the new title."""
    seeds = {source.meta.id: source.meta for source in seed_sources()}
    base = current.meta if current else seeds.get(policy_id)
    if base is None:
        base = PolicyMetadata(policy_id, title, organization.name, document.name)
    return PolicyMetadata(
        id=policy_id,
        title=title,
        organization=base.organization,
        source=document.name,
        version=(current.version + 1) if current else 1,
        item_name=base.item_name,
        bullet_name=base.bullet_name,
        lead_names=base.lead_names,
    )


def _parse(document: Document, meta: PolicyMetadata) -> list[Clause]:
    """The clauses, or PublishError when the document is not sensibly a policy."""
    text = document.text
    words = re.findall(r"[^\W\d_]{2,}", text)
    if len(words) < MIN_WORDS:
        raise PublishError(
            f"{document.name} has only {len(words)} words; that is too short to be a policy. "
            "Was it the right file?"
        )
    visible = [ch for ch in re.sub(r"<[^<>]*>", " ", text) if not ch.isspace()]
    letters = sum(ch.isalpha() for ch in visible)
    if visible and letters / len(visible) < MIN_LETTER_SHARE:
        raise PublishError(
            f"{document.name} is mostly not words ({letters * 100 // len(visible)}% letters); "
            "it does not read as a policy. Please send the document's text."
        )
    try:
        clauses = parse_clauses(text, meta)
    except ParseError as error:
        raise PublishError(f"{document.name}: {error}.") from None
    if len(clauses) < 2:
        raise PublishError(
            f"I found only one part in {document.name}. A policy needs citable parts: numbered "
            "items, bullets or separate paragraphs."
        )
    return clauses


def _unfamiliar(current: Policy | None, clauses: list[Clause]) -> str | None:
    """A warning when the new text shares few words with the current one (a wrong file?)."""
    if current is None:
        return None
    old = set(re.findall(r"[a-z]{3,}", current.source_text.lower()))
    new = set(re.findall(r"[a-z]{3,}", " ".join(c.text for c in clauses).lower()))
    shared = len(old & new) / max(1, len(old | new))
    if shared >= 0.25:
        return None
    return (
        f"This text shares only {shared:.0%} of its words with version {current.version}. "
        "Check that it is the right document before publishing."
    )


def _overtaken(draft: Draft, newest: versions.VersionInfo | None) -> str:
    number = f"version {newest.number}" if newest else "another version"
    return (
        f"{number} of {draft.policy_id!r} was published while this one waited, so the "
        "comparison is out of date. Please publish again to compare against it."
    )


def _version_row(draft: Draft, by: str, now: datetime) -> PolicyVersion:
    return PolicyVersion(
        policy_id=draft.policy_id,
        number=draft.number,
        title=draft.title,
        text=draft.document.text,
        sha256=rows.sha256_hex(draft.document.text),
        source=draft.document.name,
        effective=draft.effective,
        note=draft.note,
        published_at=rows.utc(now),
        published_by=by,
        origin="published",
        requires_ack=draft.requires_ack,
    )


def _curated_clauses(db: Database, policy_id: str) -> frozenset[str]:
    """Clauses with phrasings HR curated: in the seed's phrasings.yaml or added at run time."""
    seeds = {source.meta.id: source for source in seed_sources()}
    curated = set(seeds[policy_id].curation) if policy_id in seeds else set()
    query = select(AlternatePhrasing.clause_id).where(AlternatePhrasing.policy_id == policy_id)
    with db.session() as session:
        curated.update(session.scalars(query))
    return frozenset(curated)


def _flag_review(
    session: Session,
    draft: Draft,
    curated: frozenset[str],
    state: ChecklistState | None,
    current: Policy | None,
    now: datetime,
) -> tuple[str, ...]:
    """Record, for HR, what of their curation the new version touches (see `review_flags`)."""
    flags = review_flags(draft, curated, state, current)
    for clause_id, kind, detail in flags:
        session.add(
            ReviewFlag(
                policy_id=draft.policy_id,
                version=draft.number,
                clause_id=clause_id,
                kind=kind,
                detail=detail,
                created_at=rows.utc(now),
            )
        )
    return tuple(detail for _, _, detail in flags)


def review_flags(
    draft: Draft,
    curated: frozenset[str],
    state: ChecklistState | None,
    current: Policy | None,
) -> list[tuple[str, str, str]]:
    """(clause id, kind, what to do) for each thing HR curated that the new version touches.

    Checklist references follow renumbered clauses and slight rewordings by themselves; only
    the items citing a removed or materially reworded clause are set aside, and only they are
    flagged as such. A clause no item cites is pointed out, and a new policy's proposed
    checklist waits for HR.
    """
    number = draft.number
    if draft.diff is None or current is None:
        return [
            (
                "",
                "checklist",
                f"a checklist was proposed from the clauses of the new {draft.title}: it goes "
                f"live once HR reviews and publishes it (policybot checklist show --policy "
                f"{draft.policy_id}, or the dashboard's Checklist page)",
            )
        ]
    clauses = follow_clauses(current.clauses, draft.clauses)
    flags = []
    for clause_id in sorted(curated):
        followed = clauses.get(clause_id)
        if followed is not None and followed.kind == "removed":
            detail = (
                f"the alternate phrasings of {clause_id} are dropped: version {number} removes it"
            )
        elif followed is not None and followed.kind in ("reworded", "material"):
            detail = f"the alternate phrasings of {clause_id} may no longer fit"
        else:
            continue
        flags.append((clause_id, "phrasings", detail))
    if state is None or state.document is None:
        return flags
    before = {item.key for item in state.set_aside}
    after = follow_checklist(state.document, clauses, current.version)
    newly: dict[str, list[SetAside]] = {}
    for item in set_aside_items(after):
        if item.key not in before:
            for ref in item.stale:
                newly.setdefault(ref.partition("@")[0], []).append(item)
    for old_id, items in sorted(newly.items()):
        followed = clauses.get(old_id)
        names = _item_names(items)
        if followed is None or followed.new is None:
            why = f"which version {number} removes"
        else:
            why = f"which version {number} rewords ({followed.reason})"
        flags.append(
            (
                old_id,
                "checklist",
                f"the checklist's {names} {old_id}, {why}: set aside until HR re-points, "
                f"edits or retires {'it' if len(items) == 1 else 'them'}",
            )
        )
    cited = state.document.cited_clauses()
    for old_id, followed in clauses.entries.items():
        if followed.kind == "reworded" and old_id in cited:
            flags.append(
                (
                    old_id,
                    "checklist",
                    f"the checklist's questions about {old_id} may need rewording",
                )
            )
    still_cited = after.cited_clauses()
    for clause in clauses.added:
        if clause.id not in still_cited:
            flags.append(
                (
                    clause.id,
                    "checklist",
                    f"version {number} adds {clause.label}, which no checklist question cites yet",
                )
            )
    return flags


def _item_names(items: list[SetAside]) -> str:
    names = ", ".join(f"{item.kind} '{item.id}'" for item in items)
    return names + (" cites" if len(items) == 1 else " cite")


def preview_text(draft: Draft) -> str:
    """What HR sees before confirming: the parsed clauses, what changed and who will be asked."""
    lines = [
        f"{draft.title} ({draft.policy_id}), {draft.organization.name}",
        f"Document: {draft.document.name} ({draft.document.format}), {len(draft.clauses)} "
        f"clauses, SHA-256 {rows.sha256_hex(draft.document.text)[:12]}…",
    ]
    if draft.diff is None:
        lines.append(f"This creates the policy as version {draft.number}.")
    else:
        lines.append(
            f"This becomes version {draft.number} (version {draft.based_on} is current). "
            f"What changed: {draft.diff.summary()}."
        )
        lines.extend(announcements.change_lines(draft.diff))
    if draft.requires_ack:
        lines.append(f"Everyone at {draft.organization.name} will be asked to acknowledge it.")
    else:
        lines.append(
            f"The clauses read exactly as in version {draft.based_on}: nobody will be asked "
            "to acknowledge again."
        )
    lines.append("Clauses as I read them:")
    lines.extend(clause_tree(draft.clauses))
    if draft.warning:
        lines.append(f"Warning: {draft.warning}")
    if draft.structure:
        lines.append("Check the structure before publishing:")
        lines.extend(f"  ! {warning}" for warning in draft.structure)
    else:
        lines.append("Structure: nothing looks out of place.")
    return "\n".join(lines)


def clause_tree(clauses: Sequence[Clause]) -> list[str]:
    """The clauses as the document nests them: each section heading once, then its clauses,
    indented by depth, each with its label and first words."""
    lines, heading = [], ""
    for clause in clauses:
        if clause.heading and clause.heading != heading:
            lines.append(f"  {'  ' * max(clause.level - 1, 0)}{clause.heading}")
        heading = clause.heading
        lines.append(f"  {'  ' * clause.level}{clause.label}: {_first_words(clause.text)}")
    return lines


def outcome_text(result: Published, draft: Draft) -> str:
    """What HR is told once a version is live."""
    text = f"Published version {result.number} of the {draft.title}; answers now cite it."
    if result.requires_ack:
        text += f" Announced to {_people(result.announced)}."
        if result.unreachable:
            more = "1 more has" if result.unreachable == 1 else f"{result.unreachable} more have"
            text += (
                f" {more} no chat platform on record ('policybot report undelivered' lists them)."
            )
    else:
        text += " Its clauses did not change, so nobody is asked to acknowledge again."
    if result.flags:
        text += "\nPlease review:\n" + "\n".join(f"• {flag}" for flag in result.flags)
    return text


def compare_versions(
    db: Database, library: Library, policy_id: str, older: int, newer: int
) -> PolicyDiff:
    """The clause-level comparison of two stored versions; PublishError names missing ones."""
    return compare(
        version_clauses(db, library, policy_id, older),
        version_clauses(db, library, policy_id, newer),
    )


def version_clauses(db: Database, library: Library, policy_id: str, number: int) -> list[Clause]:
    """The clauses of a stored version, parsed the way the policy names its parts."""
    text = versions.version_text(db, policy_id, number)
    if text is None:
        known = ", ".join(str(v.number) for v in versions.history(db, policy_id)) or "none"
        raise PublishError(f"{policy_id!r} has no version {number} (versions: {known}).")
    meta = library.policy(policy_id).meta
    return parse_clauses(text, meta)


def _first_words(text: str, count: int = 12) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"
