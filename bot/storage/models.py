"""Tables PolicyBot keeps: policy versions, acknowledgements, unanswered questions, checklists.

The models are written for both SQLite (the default) and PostgreSQL: no backend-specific
types, constraint names fixed by a naming convention so later migrations can refer to them,
and every timestamp stored as UTC through :class:`UTCDateTime`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back as an aware UTC datetime.

    PostgreSQL keeps it in a ``timestamp with time zone``; SQLite has no time zones, so the
    value is stored as naive UTC text and the zone is re-attached when read. Naive datetimes
    are refused on the way in, because their meaning would depend on the server's clock.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to UTC (naive UTC for SQLite) before storing it."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"refusing to store a naive datetime: {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return the stored value as an aware UTC datetime, whatever the backend gave."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base carrying the shared metadata and its naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, bool]: JSON(),
        list[str]: JSON(),
    }


class Policy(Base):
    """A policy PolicyBot knows about, e.g. ``la-crosse``; its texts live in versions."""

    __tablename__ = "policies"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    organization: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)


class PolicyVersion(Base):
    """One published text of a policy, numbered 1, 2, ... and fingerprinted by SHA-256."""

    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("policy_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[str] = mapped_column(ForeignKey("policies.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    effective: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime]
    published_by: Mapped[str | None] = mapped_column(Text)
    # "seed" (a policy file shipped with the product) or "published" (by HR); once HR has
    # published a version, the seed file no longer changes the policy.
    origin: Mapped[str] = mapped_column(String, default="seed", server_default="seed")
    # False when the clauses read exactly as in the previous version (only the format or the
    # metadata changed): an acknowledgement of the previous version still counts.
    requires_ack: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


def _version_fk() -> ForeignKeyConstraint:
    """A foreign key from (policy_id, version) to the policy version it refers to."""
    return ForeignKeyConstraint(
        ["policy_id", "version"], ["policy_versions.policy_id", "policy_versions.number"]
    )


class Acknowledgement(Base):
    """A person's statement, on one platform, that they read one version of a policy."""

    __tablename__ = "acknowledgements"
    __table_args__ = (
        UniqueConstraint("platform", "person", "policy_id", "version"),
        _version_fk(),
        Index(None, "policy_id", "version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String)
    person: Mapped[str] = mapped_column(String)
    display_name: Mapped[str | None] = mapped_column(Text)
    policy_id: Mapped[str] = mapped_column(String)
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime]


class UnansweredQuestion(Base):
    """A question the bot could not answer well; deliberately without the asker's identity."""

    __tablename__ = "unanswered_questions"
    __table_args__ = (Index(None, "policy_id", "asked_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[str] = mapped_column(ForeignKey("policies.id"))
    text: Mapped[str] = mapped_column(Text)
    best_score: Mapped[float] = mapped_column(Float)
    asked_at: Mapped[datetime]


class ChecklistDraft(Base):
    """The answers so far of a checklist someone has not finished, one per conversation."""

    __tablename__ = "checklist_drafts"
    __table_args__ = (UniqueConstraint("platform", "person", "conversation"), _version_fk())

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String)
    person: Mapped[str] = mapped_column(String)
    conversation: Mapped[str] = mapped_column(String)
    policy_id: Mapped[str] = mapped_column(String)
    version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, bool]]
    draft_text: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ChecklistResult(Base):
    """The outcome of a finished checklist: verdict, answers and the reasons behind it."""

    __tablename__ = "checklist_results"
    __table_args__ = (_version_fk(), Index(None, "policy_id", "finished_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String)
    person: Mapped[str] = mapped_column(String)
    policy_id: Mapped[str] = mapped_column(String)
    version: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[str] = mapped_column(String)
    answers: Mapped[dict[str, bool]]
    reasons: Mapped[list[str]]
    draft_text: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime]


class ProcessedEvent(Base):
    """A platform event or activity already handled, so a retry never repeats its effect."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("platform", "event_id"), Index(None, "received_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String)
    event_id: Mapped[str] = mapped_column(String)
    received_at: Mapped[datetime]


class AnswerFeedback(Base):
    """A person's "was this helpful?" for one clause of one version; their latest word counts."""

    __tablename__ = "answer_feedback"
    __table_args__ = (
        UniqueConstraint("platform", "person", "policy_id", "version", "clause_id"),
        _version_fk(),
        Index(None, "policy_id", "clause_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String)
    person: Mapped[str] = mapped_column(String)
    policy_id: Mapped[str] = mapped_column(String)
    version: Mapped[int] = mapped_column(Integer)
    clause_id: Mapped[str] = mapped_column(String)
    helpful: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime]


class ConversationReference(Base):
    """How to reach a person later on their platform (a Teams reference, a Slack DM)."""

    __tablename__ = "conversation_references"
    __table_args__ = (UniqueConstraint("platform", "person"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String)
    person: Mapped[str] = mapped_column(String)
    display_name: Mapped[str | None] = mapped_column(Text)
    workspace: Mapped[str | None] = mapped_column(String)
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class Person(Base):
    """Someone at the city: name, department, supervisor; known by a short handle."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("handle"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handle: Mapped[str] = mapped_column(String)
    name: Mapped[str] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # The organization (app.yaml id) they work for; None means the deployment's default one.
    organization: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PersonIdentity(Base):
    """Who a person is on one platform (a Slack user id, a Teams id, a console name)."""

    __tablename__ = "person_identities"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    platform: Mapped[str] = mapped_column(String)
    external_id: Mapped[str] = mapped_column(String)
    last_seen_at: Mapped[datetime | None]


class PersonRole(Base):
    """One role a person holds: employee, supervisor, department_director, ..."""

    __tablename__ = "person_roles"
    __table_args__ = (UniqueConstraint("person_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String)


class AuthorizationRequest(Base):
    """An employee's request for a use the policy makes conditional on someone's say-so."""

    __tablename__ = "authorization_requests"
    __table_args__ = (_version_fk(), Index(None, "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    policy_id: Mapped[str] = mapped_column(String)
    version: Mapped[int] = mapped_column(Integer)
    outcome_id: Mapped[str] = mapped_column(String)
    clauses: Mapped[list[str]]
    what: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String)
    revision: Mapped[int] = mapped_column(Integer)
    checklist_result_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Approval(Base):
    """One approval a request needs, by role; decided once, by someone allowed to."""

    __tablename__ = "approvals"
    __table_args__ = (UniqueConstraint("request_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("authorization_requests.id"))
    role: Mapped[str] = mapped_column(String)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decision: Mapped[str | None] = mapped_column(String)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]


class RequestDraft(Base):
    """The answers so far of an authorization request someone is still filling in."""

    __tablename__ = "request_drafts"
    __table_args__ = (UniqueConstraint("platform", "person", "conversation"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String)
    person: Mapped[str] = mapped_column(String)
    conversation: Mapped[str] = mapped_column(String)
    policy_id: Mapped[str] = mapped_column(String)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class AuditEntry(Base):
    """One thing that happened, appended and never changed: who, what, when (UTC)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "request_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    action: Mapped[str] = mapped_column(String)
    request_id: Mapped[int | None] = mapped_column(Integer)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)


class OutboxMessage(Base):
    """A message for a person, kept until it is delivered on one of their platforms."""

    __tablename__ = "outbox"
    __table_args__ = (Index(None, "status", "next_attempt_at"), UniqueConstraint("dedupe_key"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    topic: Mapped[str] = mapped_column(String)
    reply: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String)
    platform: Mapped[str | None] = mapped_column(String)
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # Set for messages that must be queued at most once (a reminder round), whoever queues them.
    dedupe_key: Mapped[str | None] = mapped_column(String)
    # Which claim holds the message while it is being sent.
    claim_token: Mapped[str | None] = mapped_column(String)


class ConversationMemory(Base):
    """Something a conversation remembers until the next message (a "did you mean" choice)."""

    __tablename__ = "conversation_memory"
    __table_args__ = (UniqueConstraint("platform", "person", "conversation", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String)
    person: Mapped[str] = mapped_column(String)
    conversation: Mapped[str] = mapped_column(String)
    key: Mapped[str] = mapped_column(String)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class ReviewFlag(Base):
    """Something HR curated (phrasings, a checklist) about a clause a new version changed."""

    __tablename__ = "review_flags"
    __table_args__ = (_version_fk(), Index(None, "policy_id", "resolved_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[str] = mapped_column(String)
    version: Mapped[int] = mapped_column(Integer)
    clause_id: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String)  # "phrasings" or "checklist"
    detail: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class AlternatePhrasing(Base):
    """Another way of asking about a clause, added by HR at run time (kept across versions)."""

    __tablename__ = "alternate_phrasings"
    __table_args__ = (Index(None, "policy_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[str] = mapped_column(ForeignKey("policies.id"))
    clause_id: Mapped[str] = mapped_column(String)
    text: Mapped[str] = mapped_column(Text)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    added_at: Mapped[datetime]


class DashboardLink(Base):
    """A sign-in link for HR's dashboard, sent in chat: short-lived, and usable once."""

    __tablename__ = "dashboard_links"
    __table_args__ = (UniqueConstraint("nonce"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nonce: Mapped[str] = mapped_column(String)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class DashboardSession(Base):
    """A signed-in dashboard session; the cookie holds a secret whose SHA-256 is kept here."""

    __tablename__ = "dashboard_sessions"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    csrf_token: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class PublishedChecklist(Base):
    """A version of a policy's "can I post this?" checklist, as HR published it.

    `text` is the YAML exactly as published; `basis_version` is the policy version it was
    validated against, so its clause references follow their clauses into later versions.
    """

    __tablename__ = "checklists"
    __table_args__ = (
        UniqueConstraint("policy_id", "number"),
        ForeignKeyConstraint(
            ["policy_id", "basis_version"], ["policy_versions.policy_id", "policy_versions.number"]
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[str] = mapped_column(String)
    number: Mapped[int] = mapped_column(Integer)
    basis_version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)  # the file's name, or what a dashboard edit did
    note: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime]
    published_by: Mapped[str | None] = mapped_column(Text)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class ClauseTitle(Base):
    """A short title HR gave a clause (the newest per clause counts; empty clears it).

    `version` is the policy version the clause id belongs to, so the title follows its clause.
    """

    __tablename__ = "clause_titles"
    __table_args__ = (
        Index(None, "policy_id"),
        ForeignKeyConstraint(
            ["policy_id", "version"], ["policy_versions.policy_id", "policy_versions.number"]
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[str] = mapped_column(String)
    version: Mapped[int] = mapped_column(Integer)
    clause_id: Mapped[str] = mapped_column(String)
    title: Mapped[str] = mapped_column(Text)
    set_at: Mapped[datetime]
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
