"""HR can dismiss an unanswered question as "not a policy question".

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

A dismissed question leaves HR's list and its counts, but its row stays: when and by whom it
was dismissed are kept on it (and in the audit log), and HR can restore it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add when and by whom a question was dismissed (batch mode, for SQLite's ALTER TABLE)."""
    with op.batch_alter_table("unanswered_questions") as table:
        table.add_column(sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("dismissed_by_id", sa.Integer(), nullable=True))
        table.create_foreign_key(
            "fk_unanswered_questions_dismissed_by_id_people", "people", ["dismissed_by_id"], ["id"]
        )


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("unanswered_questions") as table:
        table.drop_constraint("fk_unanswered_questions_dismissed_by_id_people", type_="foreignkey")
        table.drop_column("dismissed_by_id")
        table.drop_column("dismissed_at")
