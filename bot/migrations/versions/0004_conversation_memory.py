"""Conversation memory: short-lived things a conversation remembers between messages.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

The choices of the last "did you mean" and the draft a finished checklist may keep were in
process memory; in the database, any worker can take the next message.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the conversation memory table."""
    op.create_table(
        "conversation_memory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("conversation", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_conversation_memory"),
        sa.UniqueConstraint(
            "platform",
            "person",
            "conversation",
            "key",
            name="uq_conversation_memory_platform_person_conversation_key",
        ),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("conversation_memory")
