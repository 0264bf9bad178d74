"""two ratings per recommendation, record kinds and evidence levels, evidence behind targets

Revision ID: 5c1e2f7a9b30
Revises: 328a1244b6ed
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "5c1e2f7a9b30"
down_revision: str | None = "328a1244b6ed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUOTE_OWNERS = (
    "recommendation_id",
    "mechanism_id",
    "study_id",
    "claim_id",
    "caveat_id",
    "person_id",
)
CONTENT_TABLES = ("recommendation", "mechanism", "study", "source_document")
STUDY_DESIGNS = (
    "systematic_review_rct",
    "systematic_review_observational",
    "rct",
    "non_randomised_trial",
    "prospective_cohort",
    "retrospective_cohort",
    "case_control",
    "cross_sectional",
    "case_series",
    "case_report",
    "animal",
    "in_vitro",
    "narrative_review",
    "guideline",
    "expert_opinion",
    "unspecified",
)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=40)


def _owner_sum(*columns: str) -> str:
    return " + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)" for column in columns)


def upgrade() -> None:
    for table in CONTENT_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(
                    "language",
                    sqlmodel.sql.sqltypes.AutoString(length=16),
                    nullable=False,
                    server_default="en",
                )
            )
    with op.batch_alter_table("study") as batch:
        batch.add_column(
            sa.Column(
                "record_kind",
                _enum(
                    "recordkind",
                    "single_study",
                    "body_of_research",
                    "systematic_review",
                    "guideline",
                ),
                nullable=False,
                server_default="single_study",
            )
        )
        batch.add_column(
            sa.Column("evidence_design", _enum("studydesign", *STUDY_DESIGNS), nullable=True)
        )
        batch.create_index(batch.f("ix_study_record_kind"), ["record_kind"], unique=False)
    with op.batch_alter_table("claim") as batch:
        batch.add_column(sa.Column("wording", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column(
                "role",
                _enum("claimrole", "advice", "gut_rationale", "supporting"),
                nullable=False,
                server_default="supporting",
            )
        )
    with op.batch_alter_table("recommendation") as batch:
        batch.add_column(
            sa.Column(
                "rationale_certainty",
                _enum("certainty", "high", "moderate", "low", "very_low"),
                nullable=False,
                server_default="very_low",
            )
        )
    # Targets are rewritten by the seed loader with the evidence behind them.
    op.execute("DELETE FROM recommendation_target")
    with op.batch_alter_table("recommendation_target") as batch:
        batch.add_column(sa.Column("study_id", sa.Integer(), nullable=False))
        batch.create_index(batch.f("ix_recommendation_target_study_id"), ["study_id"])
        batch.create_foreign_key(
            batch.f("fk_recommendation_target_study_id_study"),
            "study",
            ["study_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    with op.batch_alter_table("quote") as batch:
        batch.add_column(sa.Column("target_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_quote_target_id"), ["target_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_quote_target_id_recommendation_target"),
            "recommendation_target",
            ["target_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.drop_constraint(batch.f("ck_quote_one_owner"), type_="check")
        batch.create_check_constraint(
            batch.f("ck_quote_one_owner"), _owner_sum(*QUOTE_OWNERS, "target_id") + " = 1"
        )
    # Content hashes cover only the input; clearing them makes the next seed rewrite every item
    # with the columns above filled from it.
    for table in CONTENT_TABLES:
        op.execute(f"UPDATE {table} SET content_hash = NULL")


def downgrade() -> None:
    op.execute("DELETE FROM quote WHERE target_id IS NOT NULL")
    with op.batch_alter_table("quote") as batch:
        batch.drop_constraint(batch.f("ck_quote_one_owner"), type_="check")
        batch.create_check_constraint(
            batch.f("ck_quote_one_owner"), _owner_sum(*QUOTE_OWNERS) + " = 1"
        )
        batch.drop_constraint(
            batch.f("fk_quote_target_id_recommendation_target"), type_="foreignkey"
        )
        batch.drop_index(batch.f("ix_quote_target_id"))
        batch.drop_column("target_id")
    op.execute("DELETE FROM recommendation_target")
    with op.batch_alter_table("recommendation_target") as batch:
        batch.drop_constraint(
            batch.f("fk_recommendation_target_study_id_study"), type_="foreignkey"
        )
        batch.drop_index(batch.f("ix_recommendation_target_study_id"))
        batch.drop_column("study_id")
    with op.batch_alter_table("recommendation") as batch:
        batch.drop_column("rationale_certainty")
    with op.batch_alter_table("claim") as batch:
        batch.drop_column("role")
        batch.drop_column("wording")
    with op.batch_alter_table("study") as batch:
        batch.drop_index(batch.f("ix_study_record_kind"))
        batch.drop_column("evidence_design")
        batch.drop_column("record_kind")
    for table in CONTENT_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("language")
    for table in CONTENT_TABLES:
        op.execute(f"UPDATE {table} SET content_hash = NULL")
