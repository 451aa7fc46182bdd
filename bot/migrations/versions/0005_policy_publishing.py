"""Policy publishing: version origin and re-acknowledgement, organizations, review flags.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21

HR publishes new versions (origin "published", after which the seed file no longer changes the
policy); a version whose clauses did not change asks nobody to re-acknowledge. People belong to
an organization. Outbox messages can carry a key that makes queuing them idempotent, and a claim
token for batch claims. Review flags tell HR which curated phrasings and checklists a change
touched; alternate phrasings can be added at run time.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the columns and tables."""
    with op.batch_alter_table("policy_versions") as table:
        table.add_column(sa.Column("origin", sa.String(), server_default="seed", nullable=False))
        table.add_column(
            sa.Column("requires_ack", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("people") as table:
        table.add_column(sa.Column("organization", sa.String(), nullable=True))
    with op.batch_alter_table("outbox") as table:
        table.add_column(sa.Column("dedupe_key", sa.String(), nullable=True))
        table.add_column(sa.Column("claim_token", sa.String(), nullable=True))
        table.create_unique_constraint("uq_outbox_dedupe_key", ["dedupe_key"])
    op.create_table(
        "review_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["policy_id", "version"],
            ["policy_versions.policy_id", "policy_versions.number"],
            name="fk_review_flags_policy_id_version_policy_versions",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_flags"),
    )
    op.create_index(
        "ix_review_flags_policy_id_resolved_at", "review_flags", ["policy_id", "resolved_at"]
    )
    op.create_table(
        "alternate_phrasings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(), nullable=False),
        sa.Column("clause_id", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policies.id"], name="fk_alternate_phrasings_policy_id_policies"
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["people.id"], name="fk_alternate_phrasings_added_by_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alternate_phrasings"),
    )
    op.create_index("ix_alternate_phrasings_policy_id", "alternate_phrasings", ["policy_id"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_alternate_phrasings_policy_id", table_name="alternate_phrasings")
    op.drop_table("alternate_phrasings")
    op.drop_index("ix_review_flags_policy_id_resolved_at", table_name="review_flags")
    op.drop_table("review_flags")
    with op.batch_alter_table("outbox") as table:
        table.drop_constraint("uq_outbox_dedupe_key", type_="unique")
        table.drop_column("claim_token")
        table.drop_column("dedupe_key")
    with op.batch_alter_table("people") as table:
        table.drop_column("organization")
    with op.batch_alter_table("policy_versions") as table:
        table.drop_column("requires_ack")
        table.drop_column("origin")
