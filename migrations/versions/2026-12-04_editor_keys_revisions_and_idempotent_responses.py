"""editor keys revisions and idempotent responses

Revision ID: b6f2d8e41a57
Revises: 8e3b0d5f2a71
Create Date: 2026-12-04 01:31:50.742211

Existing items were written by the seed loader, so their `edited_by` starts as "seed"; their
`document` is filled by the next `gutbrain seed`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import app.core.types

revision: str = "b6f2d8e41a57"
down_revision: str | None = "8e3b0d5f2a71"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("secret_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("name", name=op.f("uq_api_key_name")),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_key_prefix"), ["prefix"], unique=True)

    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "recommendation",
                "mechanism",
                "study",
                "source",
                name="itemkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "in_review",
                "published",
                "needs_update",
                "withdrawn",
                name="status",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("editor", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("diff", sa.JSON(), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision")),
        sa.UniqueConstraint("kind", "slug", "version", name=op.f("uq_revision_kind_slug_version")),
    )
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revision_slug"), ["slug"], unique=False)

    op.create_table(
        "idempotent_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("request_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_key.id"],
            name=op.f("fk_idempotent_response_api_key_id_api_key"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotent_response")),
        sa.UniqueConstraint(
            "api_key_id",
            "idempotency_key",
            name=op.f("uq_idempotent_response_api_key_id_idempotency_key"),
        ),
    )
    with op.batch_alter_table("idempotent_response", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotent_response_created_at"), ["created_at"], unique=False
        )

    with op.batch_alter_table("mechanism", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "edited_by",
                sqlmodel.sql.sqltypes.AutoString(length=100),
                nullable=False,
                server_default="seed",
            )
        )

    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "edited_by",
                sqlmodel.sql.sqltypes.AutoString(length=100),
                nullable=False,
                server_default="seed",
            )
        )

    with op.batch_alter_table("source_document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "edited_by",
                sqlmodel.sql.sqltypes.AutoString(length=100),
                nullable=False,
                server_default="seed",
            )
        )

    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "edited_by",
                sqlmodel.sql.sqltypes.AutoString(length=100),
                nullable=False,
                server_default="seed",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.drop_column("edited_by")
        batch_op.drop_column("document")

    with op.batch_alter_table("source_document", schema=None) as batch_op:
        batch_op.drop_column("edited_by")
        batch_op.drop_column("document")

    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_column("edited_by")
        batch_op.drop_column("document")

    with op.batch_alter_table("mechanism", schema=None) as batch_op:
        batch_op.drop_column("edited_by")
        batch_op.drop_column("document")

    with op.batch_alter_table("idempotent_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotent_response_created_at"))

    op.drop_table("idempotent_response")
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revision_slug"))

    op.drop_table("revision")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_prefix"))

    op.drop_table("api_key")
