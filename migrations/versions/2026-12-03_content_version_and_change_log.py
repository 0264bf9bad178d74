"""content version and change log

Revision ID: 8e3b0d5f2a71
Revises: 7d2a9c4e1f60
Create Date: 2026-12-03 14:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import app.core.types

revision: str = "8e3b0d5f2a71"
down_revision: str | None = "7d2a9c4e1f60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=40)


def upgrade() -> None:
    op.create_table(
        "content_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_state")),
    )
    op.create_table(
        "content_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            _enum("itemkind", "recommendation", "mechanism", "study", "source"),
            nullable=False,
        ),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "change",
            _enum(
                "changekind",
                "created",
                "updated",
                "certainty_changed",
                "withdrawn",
                "review_overdue",
            ),
            nullable=False,
        ),
        sa.Column("at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_change")),
    )
    op.create_index(op.f("ix_content_change_slug"), "content_change", ["slug"], unique=False)
    op.create_index(op.f("ix_content_change_at"), "content_change", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_content_change_at"), table_name="content_change")
    op.drop_index(op.f("ix_content_change_slug"), table_name="content_change")
    op.drop_table("content_change")
    op.drop_table("content_state")
