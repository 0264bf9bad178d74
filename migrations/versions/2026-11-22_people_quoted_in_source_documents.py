"""people quoted in source documents

Revision ID: 328a1244b6ed
Revises: 8a5bbb447819
Create Date: 2026-11-22 08:24:07.773729
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "328a1244b6ed"
down_revision: str | None = "8a5bbb447819"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNERS = ("recommendation_id", "mechanism_id", "study_id", "claim_id", "caveat_id", "person_id")


def _owner_sum(*columns: str) -> str:
    return " + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)" for column in columns)


def upgrade() -> None:
    op.create_table(
        "person_quoted",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("credentials", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("role_as_stated", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column(
            "affiliation_as_stated", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True
        ),
        sa.Column(
            "involvement",
            sa.Enum(
                "study_author",
                "independent_expert",
                "document_author",
                "other",
                name="involvement",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source_document.id"],
            name=op.f("fk_person_quoted_source_id_source_document"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_quoted")),
        sa.UniqueConstraint("source_id", "name", name=op.f("uq_person_quoted_source_id_name")),
    )
    op.create_index(
        op.f("ix_person_quoted_source_id"), "person_quoted", ["source_id"], unique=False
    )
    with op.batch_alter_table("quote") as batch:
        batch.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_quote_person_id"), ["person_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_quote_person_id_person_quoted"),
            "person_quoted",
            ["person_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.drop_constraint(batch.f("ck_quote_one_owner"), type_="check")
        batch.create_check_constraint(batch.f("ck_quote_one_owner"), _owner_sum(*OWNERS) + " = 1")


def downgrade() -> None:
    with op.batch_alter_table("quote") as batch:
        batch.drop_constraint(batch.f("ck_quote_one_owner"), type_="check")
        batch.create_check_constraint(
            batch.f("ck_quote_one_owner"), _owner_sum(*OWNERS[:-1]) + " = 1"
        )
        batch.drop_constraint(batch.f("fk_quote_person_id_person_quoted"), type_="foreignkey")
        batch.drop_index(batch.f("ix_quote_person_id"))
        batch.drop_column("person_id")
    op.drop_index(op.f("ix_person_quoted_source_id"), table_name="person_quoted")
    op.drop_table("person_quoted")
