"""What PolicyBot remembers: policy versions, acknowledgements, unanswered questions, checklists.

Each function takes a :class:`~bot.storage.Database`, does its work in one short session and
returns frozen dataclasses, so no ORM object outlives its session. Times are always passed
in (``now``) as timezone-aware datetimes, which keeps tests in control of the clock; naive
datetimes are refused with ValueError. Writes that can race with another process (syncing a
version, acknowledging, saving a draft) are retried once after a unique-constraint conflict,
at which point they see the competitor's row.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from bot.storage.database import Database
from bot.storage.models import (
    Acknowledgement,
    ChecklistDraft,
    ChecklistResult,
    Policy,
    PolicyVersion,
    UnansweredQuestion,
)

MAX_QUESTION_CHARS = 2_000

T = TypeVar("T")


@dataclass(frozen=True)
class VersionInfo:
    """A stored policy version; ``created`` tells whether this call stored it."""

    policy_id: str
    number: int
    sha256: str
    title: str
    published_at: datetime
    created: bool
    origin: str = "seed"
    requires_ack: bool = True


@dataclass(frozen=True)
class AckResult:
    """The acknowledgement on record; ``created`` is False if it already existed."""

    created: bool
    acknowledged_at: datetime
    version: int


@dataclass(frozen=True)
class AckStatus:
    """What a person last acknowledged of a policy and whether a newer version awaits them."""

    policy_id: str
    current_version: int | None
    acknowledged_version: int | None
    acknowledged_at: datetime | None
    up_to_date: bool


@dataclass(frozen=True)
class AckRow:
    """One acknowledgement, as listed for whoever keeps the records."""

    platform: str
    person: str
    display_name: str | None
    version: int
    sha256: str
    acknowledged_at: datetime


@dataclass(frozen=True)
class UnansweredRow:
    """A question the bot could not answer well (who asked is never stored)."""

    id: int
    policy_id: str
    text: str
    best_score: float
    asked_at: datetime


@dataclass(frozen=True)
class DraftRow:
    """The saved state of an unfinished checklist in one conversation."""

    platform: str
    person: str
    conversation: str
    policy_id: str
    version: int
    answers: dict[str, bool]
    draft_text: str | None
    started_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ResultRow:
    """A finished checklist: the verdict, the answers given and the reasons for the verdict."""

    id: int
    platform: str
    person: str
    policy_id: str
    version: int
    verdict: str
    answers: dict[str, bool]
    reasons: list[str]
    draft_text: str | None
    finished_at: datetime


def sha256_hex(text: str) -> str:
    """The SHA-256 of ``text`` in UTF-8, as hex: the fingerprint of a policy version."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def utc(now: datetime) -> datetime:
    """Return ``now`` in UTC; refuse naive datetimes, whose meaning depends on the host."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got naive {now!r}")
    return now.astimezone(UTC)


def _answers(answers: Mapping[str, bool]) -> dict[str, bool]:
    """Copy checklist answers, checking they map question ids (str) to yes/no (bool)."""
    for key, value in answers.items():
        if not isinstance(key, str) or not isinstance(value, bool):
            raise ValueError(f"answers must map question ids to booleans, got {key!r}: {value!r}")
    return dict(answers)


def _reasons(reasons: Sequence[str]) -> list[str]:
    """Copy the reasons for a verdict, refusing a bare string (a sequence of characters)."""
    if isinstance(reasons, str) or not all(isinstance(item, str) for item in reasons):
        raise ValueError("reasons must be a list of strings")
    return list(reasons)


MAX_ROW_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL


def is_row_id(number: int) -> bool:
    """Whether a number a person typed could be a row's id (bigger ones overflow the driver)."""
    return 0 < number <= MAX_ROW_ID


def with_retry(db: Database, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a session; after a unique-constraint race, once more in a fresh one."""
    try:
        with db.session() as session:
            return work(session)
    except IntegrityError:
        with db.session() as session:
            return work(session)


# --- policy versions -------------------------------------------------------------------------


def _newest_version(session: Session, policy_id: str) -> PolicyVersion | None:
    """The highest-numbered version of a policy, without loading its text."""
    query = (
        select(PolicyVersion)
        .options(defer(PolicyVersion.text))
        .where(PolicyVersion.policy_id == policy_id)
        .order_by(PolicyVersion.number.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _version_info(row: PolicyVersion, *, created: bool) -> VersionInfo:
    """The dataclass view of a version row."""
    return VersionInfo(
        row.policy_id,
        row.number,
        row.sha256,
        row.title,
        row.published_at,
        created,
        row.origin,
        row.requires_ack,
    )


def ensure_policy(session: Session, policy_id: str, organization: str, title: str) -> None:
    """Create the policy row, or refresh its organization and title if they changed."""
    policy = session.get(Policy, policy_id)
    if policy is None:
        session.add(Policy(id=policy_id, organization=organization, title=title))
        session.flush()
    else:
        policy.organization, policy.title = organization, title


def sync_policy_version(
    db: Database,
    *,
    policy_id: str,
    organization: str,
    title: str,
    text: str,
    source: str,
    effective: str | None = None,
    note: str | None = None,
    published_by: str | None = None,
    origin: str = "seed",
    requires_ack: bool = True,
    now: datetime,
) -> VersionInfo:
    """Make sure the newest stored version of a policy has exactly ``text``.

    Called for every seed policy at each start: if the newest version's SHA-256 matches, it is
    returned unchanged (``created=False``) and nothing is written; otherwise the text is stored
    as version max+1 (1 for a new policy), so editing a policy file yields a new version.
    """
    now, digest = utc(now), sha256_hex(text)

    def work(session: Session) -> VersionInfo:
        ensure_policy(session, policy_id, organization, title)
        newest = _newest_version(session, policy_id)
        if newest is not None and newest.sha256 == digest:
            return _version_info(newest, created=False)
        row = PolicyVersion(
            policy_id=policy_id,
            number=1 if newest is None else newest.number + 1,
            title=title,
            text=text,
            sha256=digest,
            source=source,
            effective=effective,
            note=note,
            published_at=now,
            published_by=published_by,
            origin=origin,
            requires_ack=requires_ack,
        )
        session.add(row)
        session.flush()
        return _version_info(row, created=True)

    return with_retry(db, work)


def current_version(db: Database, policy_id: str) -> VersionInfo | None:
    """The newest version of a policy, or None if the policy has never been stored."""
    with db.session() as session:
        return current_version_in(session, policy_id)


def current_version_in(session: Session, policy_id: str) -> VersionInfo | None:
    """The newest version of a policy, read in the caller's session."""
    newest = _newest_version(session, policy_id)
    return None if newest is None else _version_info(newest, created=False)


def version_text(db: Database, policy_id: str, number: int) -> str | None:
    """The verbatim text of one version of a policy, or None if there is no such version."""
    query = select(PolicyVersion.text).where(
        PolicyVersion.policy_id == policy_id, PolicyVersion.number == number
    )
    with db.session() as session:
        return session.scalars(query).first()


# --- acknowledgements ------------------------------------------------------------------------


def _require_version(session: Session, policy_id: str, number: int, sha256: str) -> None:
    """Refuse to record anything about a version that is not stored or has other text."""
    query = select(PolicyVersion.sha256).where(
        PolicyVersion.policy_id == policy_id, PolicyVersion.number == number
    )
    stored = session.scalars(query).first()
    if stored is None:
        raise ValueError(f"policy {policy_id!r} has no version {number}")
    if stored != sha256:
        raise ValueError(f"version {number} of {policy_id!r} has a different text (SHA-256)")


def acknowledge(
    db: Database,
    *,
    platform: str,
    person: str,
    display_name: str | None,
    policy_id: str,
    version: int,
    sha256: str,
    now: datetime,
) -> AckResult:
    """Record that a person read a policy version; idempotent and safe under races.

    A second acknowledgement of the same version writes nothing and returns the first one
    (``created=False``). Raises ValueError if the version is unknown or ``sha256`` is not
    the stored version's fingerprint, so an acknowledgement always names the text read.
    """
    now = utc(now)

    def work(session: Session) -> AckResult:
        query = select(Acknowledgement).where(
            Acknowledgement.platform == platform,
            Acknowledgement.person == person,
            Acknowledgement.policy_id == policy_id,
            Acknowledgement.version == version,
        )
        existing = session.scalars(query).first()
        if existing is not None:
            return AckResult(False, existing.acknowledged_at, existing.version)
        _require_version(session, policy_id, version, sha256)
        session.add(
            Acknowledgement(
                platform=platform,
                person=person,
                display_name=display_name,
                policy_id=policy_id,
                version=version,
                sha256=sha256,
                acknowledged_at=now,
            )
        )
        session.flush()
        return AckResult(True, now, version)

    return with_retry(db, work)


def ack_basis(session: Session, policy_id: str) -> int | None:
    """The oldest version whose acknowledgement still counts: the newest that changed clauses.

    A version published with the same clauses as the one before (a new format, a new effective
    date) does not ask anyone to acknowledge again.
    """
    return session.execute(select(_basis(policy_id))).scalar()


def _basis(policy_id: Any) -> Any:
    """:func:`ack_basis` as an SQL expression, to read along with other things."""
    numbers = select(func.max(PolicyVersion.number)).where(PolicyVersion.policy_id == policy_id)
    changed = numbers.where(PolicyVersion.requires_ack.is_(True)).scalar_subquery()
    first = (
        select(func.min(PolicyVersion.number))
        .where(PolicyVersion.policy_id == policy_id)
        .scalar_subquery()
    )  # when every version kept the first one's clauses
    return func.coalesce(changed, first)


def ack_status(db: Database, *, platform: str, person: str, policy_id: str) -> AckStatus:
    """What version of a policy the person last acknowledged, and whether it is the newest.

    One statement, built once: every answer asks it, to remind people who have not
    acknowledged."""
    where = {"platform": platform, "person": person, "policy_id": policy_id}
    with db.autocommit() as session:
        current, basis, acked, acked_at = session.execute(_ACK_STATUS, where).one()
    up_to_date = basis is not None and acked is not None and acked >= basis
    return AckStatus(policy_id, current, acked, acked_at, up_to_date)


def _ack_status_query() -> Any:
    policy_id: Any = bindparam("policy_id")
    newest = select(func.max(PolicyVersion.number)).where(PolicyVersion.policy_id == policy_id)
    latest = (
        select(Acknowledgement.version)
        .where(
            Acknowledgement.platform == bindparam("platform"),
            Acknowledgement.person == bindparam("person"),
            Acknowledgement.policy_id == policy_id,
        )
        .order_by(Acknowledgement.version.desc())
        .limit(1)
    )
    latest_at = latest.with_only_columns(Acknowledgement.acknowledged_at)
    return select(
        newest.scalar_subquery(),
        _basis(policy_id),
        latest.scalar_subquery(),
        latest_at.scalar_subquery(),
    )


_ACK_STATUS = _ack_status_query()


def list_acknowledgements(db: Database, policy_id: str, version: int | None = None) -> list[AckRow]:
    """Every acknowledgement of a policy (or of one version of it), oldest first."""
    query = select(Acknowledgement).where(Acknowledgement.policy_id == policy_id)
    if version is not None:
        query = query.where(Acknowledgement.version == version)
    query = query.order_by(Acknowledgement.acknowledged_at, Acknowledgement.id)
    with db.session() as session:
        return [
            AckRow(r.platform, r.person, r.display_name, r.version, r.sha256, r.acknowledged_at)
            for r in session.scalars(query)
        ]


# --- unanswered questions --------------------------------------------------------------------


def log_unanswered(
    db: Database, *, policy_id: str, text: str, best_score: float, now: datetime
) -> None:
    """Keep a question the bot could not answer, so the policy's keepers can improve it.

    Deliberately stores no identity of the asker; the text is cut to 2,000 characters.
    """
    now = utc(now)
    if not math.isfinite(best_score):
        raise ValueError(f"best_score must be a finite number, got {best_score!r}")
    row = UnansweredQuestion(
        policy_id=policy_id, text=text[:MAX_QUESTION_CHARS], best_score=best_score, asked_at=now
    )
    with db.session() as session:
        session.add(row)


def list_unanswered(
    db: Database, policy_id: str | None = None, limit: int | None = None
) -> list[UnansweredRow]:
    """Unanswered questions, newest first, optionally for one policy and at most ``limit``."""
    query = select(UnansweredQuestion)
    if policy_id is not None:
        query = query.where(UnansweredQuestion.policy_id == policy_id)
    query = query.order_by(UnansweredQuestion.asked_at.desc(), UnansweredQuestion.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with db.session() as session:
        return [
            UnansweredRow(r.id, r.policy_id, r.text, r.best_score, r.asked_at)
            for r in session.scalars(query)
        ]


# --- checklists ------------------------------------------------------------------------------


def _draft_query(platform: str, person: str, conversation: str) -> Select[ChecklistDraft]:
    """The query for the one draft a person may have in a conversation."""
    return select(ChecklistDraft).where(
        ChecklistDraft.platform == platform,
        ChecklistDraft.person == person,
        ChecklistDraft.conversation == conversation,
    )


def _draft_row(r: ChecklistDraft) -> DraftRow:
    """The dataclass view of a draft row."""
    return DraftRow(
        r.platform,
        r.person,
        r.conversation,
        r.policy_id,
        r.version,
        dict(r.answers),
        r.draft_text,
        r.started_at,
        r.updated_at,
    )


def load_checklist_draft(
    db: Database, platform: str, person: str, conversation: str
) -> DraftRow | None:
    """The unfinished checklist of a person in a conversation, or None."""
    with db.autocommit() as session:
        row = session.scalars(_draft_query(platform, person, conversation)).first()
        return None if row is None else _draft_row(row)


def save_checklist_draft(
    db: Database,
    *,
    platform: str,
    person: str,
    conversation: str,
    policy_id: str,
    version: int,
    answers: Mapping[str, bool],
    draft_text: str | None,
    now: datetime,
) -> DraftRow:
    """Create or replace the unfinished checklist of a person in a conversation.

    The first save sets ``started_at``; later saves keep it and move ``updated_at``.
    Portable upsert: select, then update or insert (retried once if another insert won).
    """
    now, answers = utc(now), _answers(answers)

    def work(session: Session) -> DraftRow:
        row = session.scalars(_draft_query(platform, person, conversation)).first()
        if row is None:
            row = ChecklistDraft(
                platform=platform, person=person, conversation=conversation, started_at=now
            )
            session.add(row)
        row.policy_id, row.version, row.answers = policy_id, version, answers
        row.draft_text, row.updated_at = draft_text, now
        session.flush()
        return _draft_row(row)

    return with_retry(db, work)


def delete_checklist_draft(db: Database, platform: str, person: str, conversation: str) -> bool:
    """Forget the unfinished checklist of a person in a conversation; True if there was one."""
    with db.session() as session:
        row = session.scalars(_draft_query(platform, person, conversation)).first()
        if row is not None:
            session.delete(row)
        return row is not None


def record_checklist_result(
    db: Database,
    *,
    platform: str,
    person: str,
    policy_id: str,
    version: int,
    verdict: str,
    answers: Mapping[str, bool],
    reasons: Sequence[str],
    draft_text: str | None,
    now: datetime,
) -> int:
    """Store a finished checklist and return its id.

    Pass ``draft_text`` only if the person chose to keep their draft post with the result.
    """
    row = ChecklistResult(
        platform=platform,
        person=person,
        policy_id=policy_id,
        version=version,
        verdict=verdict,
        answers=_answers(answers),
        reasons=_reasons(reasons),
        draft_text=draft_text,
        finished_at=utc(now),
    )
    with db.session() as session:
        session.add(row)
        session.flush()
        return row.id


def keep_checklist_draft(db: Database, *, result_id: int, person: str, draft_text: str) -> bool:
    """Attach the draft post to a finished checklist at its owner's request; False if not theirs."""
    with db.session() as session:
        row = session.get(ChecklistResult, result_id)
        if row is None or row.person != person:
            return False
        row.draft_text = draft_text
        return True


def list_checklist_results(db: Database, policy_id: str | None = None) -> list[ResultRow]:
    """Finished checklists, oldest first, optionally for one policy only."""
    query = select(ChecklistResult)
    if policy_id is not None:
        query = query.where(ChecklistResult.policy_id == policy_id)
    query = query.order_by(ChecklistResult.finished_at, ChecklistResult.id)
    with db.session() as session:
        return [
            ResultRow(
                r.id,
                r.platform,
                r.person,
                r.policy_id,
                r.version,
                r.verdict,
                dict(r.answers),
                list(r.reasons),
                r.draft_text,
                r.finished_at,
            )
            for r in session.scalars(query)
        ]
