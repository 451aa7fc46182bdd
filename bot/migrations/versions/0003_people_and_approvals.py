"""People, roles, authorization requests and approvals, the audit log, and the outbox.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

Written by hand, backend-neutral like 0001.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    """The column type of every timestamp (stored as UTC)."""
    return sa.DateTime(timezone=True)


def _person_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["people.id"], name=f"fk_{table}_{column}_people")


def _create_people() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handle", sa.String(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("handle", name="uq_people_handle"),
        _person_fk("people", "supervisor_id"),
    )
    op.create_table(
        "person_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("last_seen_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_person_identities"),
        sa.UniqueConstraint(
            "platform", "external_id", name="uq_person_identities_platform_external_id"
        ),
        _person_fk("person_identities", "person_id"),
    )
    op.create_table(
        "person_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_person_roles"),
        sa.UniqueConstraint("person_id", "role", name="uq_person_roles_person_id_role"),
        _person_fk("person_roles", "person_id"),
    )


def _create_requests() -> None:
    op.create_table(
        "authorization_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.String(), nullable=False),
        sa.Column("clauses", sa.JSON(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("checklist_result_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_authorization_requests"),
        _person_fk("authorization_requests", "requester_id"),
        sa.ForeignKeyConstraint(
            ["policy_id", "version"],
            ["policy_versions.policy_id", "policy_versions.number"],
            name="fk_authorization_requests_policy_id_version_policy_versions",
        ),
    )
    op.create_index("ix_authorization_requests_status", "authorization_requests", ["status"])
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("escalated_to_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("decided_at", _utc(), nullable=True),
        sa.Column("reminded_at", _utc(), nullable=True),
        sa.Column("escalated_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_approvals"),
        sa.UniqueConstraint("request_id", "role", name="uq_approvals_request_id_role"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["authorization_requests.id"],
            name="fk_approvals_request_id_authorization_requests",
        ),
        _person_fk("approvals", "assigned_to_id"),
        _person_fk("approvals", "escalated_to_id"),
        _person_fk("approvals", "decided_by_id"),
    )
    op.create_table(
        "request_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("conversation", sa.String(), nullable=False),
        sa.Column("policy_id", sa.String(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_request_drafts"),
        sa.UniqueConstraint(
            "platform",
            "person",
            "conversation",
            name="uq_request_drafts_platform_person_conversation",
        ),
    )


def _create_audit_and_outbox() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        _person_fk("audit_log", "actor_id"),
        _person_fk("audit_log", "subject_id"),
    )
    op.create_index("ix_audit_log_request_id", "audit_log", ["request_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(), nullable=False),
        sa.Column("reply", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("platform", sa.String(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _utc(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("sent_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        _person_fk("outbox", "person_id"),
    )
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])


def upgrade() -> None:
    """Create the people, approvals, audit and outbox tables."""
    _create_people()
    _create_requests()
    _create_audit_and_outbox()


def downgrade() -> None:
    """Drop them, children first."""
    op.drop_index("ix_outbox_status_next_attempt_at", "outbox")
    op.drop_table("outbox")
    op.drop_index("ix_audit_log_request_id", "audit_log")
    op.drop_table("audit_log")
    op.drop_table("request_drafts")
    op.drop_table("approvals")
    op.drop_index("ix_authorization_requests_status", "authorization_requests")
    op.drop_table("authorization_requests")
    op.drop_table("person_roles")
    op.drop_table("person_identities")
    op.drop_table("people")
