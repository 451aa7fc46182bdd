"""Checklists HR publishes, and clause titles HR gives.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

A policy's "can I post this?" checklist becomes data HR publishes in versions (the shipped
seed file counts until HR publishes one), each stored with the policy version it was checked
against so its clause references follow renumbered clauses. Clause titles HR writes are kept
the same way.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the two tables."""
    op.create_table(
        "checklists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("basis_version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.Text(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["policy_id", "basis_version"],
            ["policy_versions.policy_id", "policy_versions.number"],
            name="fk_checklists_policy_id_basis_version_policy_versions",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["people.id"], name="fk_checklists_published_by_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_checklists"),
        sa.UniqueConstraint("policy_id", "number", name="uq_checklists_policy_id_number"),
    )
    op.create_table(
        "clause_titles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.String(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["policy_id", "version"],
            ["policy_versions.policy_id", "policy_versions.number"],
            name="fk_clause_titles_policy_id_version_policy_versions",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["people.id"], name="fk_clause_titles_set_by_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_clause_titles"),
    )
    op.create_index("ix_clause_titles_policy_id", "clause_titles", ["policy_id"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_clause_titles_policy_id", table_name="clause_titles")
    op.drop_table("clause_titles")
    op.drop_table("checklists")
