"""HR's dashboard: single-use sign-in links and server-side sessions.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

A link sent in chat is recorded when it is made and marked when it is used, so it signs in
once. A session keeps only the SHA-256 of the cookie's secret, its CSRF token and when it ends;
signing out ends it here, so a copied cookie stops working too.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the two tables."""
    op.create_table(
        "dashboard_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_dashboard_links_person_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_dashboard_links"),
        sa.UniqueConstraint("nonce", name="uq_dashboard_links_nonce"),
    )
    op.create_table(
        "dashboard_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_dashboard_sessions_person_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_dashboard_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_dashboard_sessions_token_hash"),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("dashboard_sessions")
    op.drop_table("dashboard_links")
