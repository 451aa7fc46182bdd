"""Chat platforms: processed event ids, answer feedback, people's conversation references.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

Written by hand, backend-neutral like 0001.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    """The column type of every timestamp (stored as UTC)."""
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the tables the Slack and Teams adapters need."""
    op.create_table(
        "processed_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("received_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_processed_events"),
        sa.UniqueConstraint("platform", "event_id", name="uq_processed_events_platform_event_id"),
    )
    op.create_index("ix_processed_events_received_at", "processed_events", ["received_at"])
    op.create_table(
        "answer_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("policy_id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.String(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_answer_feedback"),
        sa.UniqueConstraint(
            "platform",
            "person",
            "policy_id",
            "version",
            "clause_id",
            name="uq_answer_feedback_platform_person_policy_id_version_clause_id",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id", "version"],
            ["policy_versions.policy_id", "policy_versions.number"],
            name="fk_answer_feedback_policy_id_version_policy_versions",
        ),
    )
    op.create_index(
        "ix_answer_feedback_policy_id_clause_id", "answer_feedback", ["policy_id", "clause_id"]
    )
    op.create_table(
        "conversation_references",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("workspace", sa.String(), nullable=True),
        sa.Column("reference", sa.JSON(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_conversation_references"),
        sa.UniqueConstraint(
            "platform", "person", name="uq_conversation_references_platform_person"
        ),
    )


def downgrade() -> None:
    """Drop the chat platform tables."""
    op.drop_table("conversation_references")
    op.drop_index("ix_answer_feedback_policy_id_clause_id", "answer_feedback")
    op.drop_table("answer_feedback")
    op.drop_index("ix_processed_events_received_at", "processed_events")
    op.drop_table("processed_events")
