"""content schema

Revision ID: 8a5bbb447819
Revises:
Create Date: 2026-11-22 07:46:28.770669
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import app.core.types

revision: str = "8a5bbb447819"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mechanism",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
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
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_reviewed_at", app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_review_due", sa.Date(), nullable=True),
        sa.Column("created_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "pathway",
            sa.Enum(
                "serotonin",
                "scfa",
                "vagus_nerve",
                "immune_inflammation",
                "intestinal_barrier",
                "hpa_axis_cortisol",
                "gaba",
                "microbial_metabolites",
                "microbiome_composition",
                "brain_connectivity",
                "other",
                name="pathway",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "support_level",
            sa.Enum(
                "demonstrated_in_humans_experimental",
                "observed_in_humans_associational",
                "animal_or_lab_only",
                "hypothesised",
                name="supportlevel",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("human_evidence_present", sa.Boolean(), nullable=False),
        sa.Column(
            "certainty",
            sa.Enum(
                "high",
                "moderate",
                "low",
                "very_low",
                name="certainty",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mechanism")),
    )
    op.create_index(op.f("ix_mechanism_certainty"), "mechanism", ["certainty"], unique=False)
    op.create_index(op.f("ix_mechanism_pathway"), "mechanism", ["pathway"], unique=False)
    op.create_index(op.f("ix_mechanism_slug"), "mechanism", ["slug"], unique=True)
    op.create_index(op.f("ix_mechanism_status"), "mechanism", ["status"], unique=False)
    op.create_index(op.f("ix_mechanism_updated_at"), "mechanism", ["updated_at"], unique=False)
    op.create_table(
        "recommendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
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
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_reviewed_at", app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_review_due", sa.Date(), nullable=True),
        sa.Column("created_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("tip", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column(
            "topic",
            sa.Enum(
                "infant_feeding",
                "diet",
                "hydration",
                "physical_activity",
                "outdoor_play",
                "sleep",
                "stress",
                "mental_health_support",
                "probiotics_supplements",
                name="topic",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "strength",
            sa.Enum("strong", "conditional", "none", name="strength", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column(
            "direction",
            sa.Enum("for", "against", "neither", name="direction", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column(
            "certainty",
            sa.Enum(
                "high",
                "moderate",
                "low",
                "very_low",
                name="certainty",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("audiences", sa.JSON(), nullable=False),
        sa.Column("min_age_months", sa.Integer(), nullable=True),
        sa.Column("max_age_months", sa.Integer(), nullable=True),
        sa.Column("research_gaps", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation")),
    )
    op.create_index(
        op.f("ix_recommendation_certainty"), "recommendation", ["certainty"], unique=False
    )
    op.create_index(op.f("ix_recommendation_slug"), "recommendation", ["slug"], unique=True)
    op.create_index(op.f("ix_recommendation_status"), "recommendation", ["status"], unique=False)
    op.create_index(
        op.f("ix_recommendation_strength"), "recommendation", ["strength"], unique=False
    )
    op.create_index(op.f("ix_recommendation_topic"), "recommendation", ["topic"], unique=False)
    op.create_index(
        op.f("ix_recommendation_updated_at"), "recommendation", ["updated_at"], unique=False
    )
    op.create_table(
        "source_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
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
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_reviewed_at", app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_review_due", sa.Date(), nullable=True),
        sa.Column("created_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column(
            "source_type",
            sa.Enum(
                "peer_reviewed_primary",
                "systematic_review",
                "guideline",
                "preprint",
                "press_release",
                "news",
                "blog",
                "clinic_or_commercial",
                name="sourcetype",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("publisher", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("updated_on", sa.Date(), nullable=True),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reliability_note", sa.Text(), nullable=False),
        sa.Column("commercial_interest", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_document")),
    )
    op.create_index(op.f("ix_source_document_slug"), "source_document", ["slug"], unique=True)
    op.create_index(
        op.f("ix_source_document_source_type"), "source_document", ["source_type"], unique=False
    )
    op.create_index(op.f("ix_source_document_status"), "source_document", ["status"], unique=False)
    op.create_index(
        op.f("ix_source_document_updated_at"), "source_document", ["updated_at"], unique=False
    )
    op.create_table(
        "study",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
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
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_reviewed_at", app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_review_due", sa.Date(), nullable=True),
        sa.Column("created_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column(
            "design",
            sa.Enum(
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
                name="studydesign",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "species",
            sa.Enum(
                "human",
                "mouse",
                "rat",
                "other",
                "not_applicable",
                name="species",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("n_participants", sa.Integer(), nullable=True),
        sa.Column("population", sa.Text(), nullable=False),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("cohort_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("exposure", sa.Text(), nullable=True),
        sa.Column("exposure_age_months", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("outcome_age_months", sa.Integer(), nullable=True),
        sa.Column(
            "outcome_kind",
            sa.Enum(
                "patient_oriented",
                "surrogate",
                "mechanistic",
                name="outcomekind",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("limitations", sa.Text(), nullable=True),
        sa.Column("publication_title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("journal", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("doi", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("pmid", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("identification_note", sa.Text(), nullable=False),
        sa.Column("traceable", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study")),
    )
    op.create_index(op.f("ix_study_design"), "study", ["design"], unique=False)
    op.create_index(op.f("ix_study_slug"), "study", ["slug"], unique=True)
    op.create_index(op.f("ix_study_status"), "study", ["status"], unique=False)
    op.create_index(op.f("ix_study_updated_at"), "study", ["updated_at"], unique=False)
    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("mechanism_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "efficacy",
                "association",
                "mechanism",
                "safety",
                "prevalence",
                name="claimkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "outcome_kind",
            sa.Enum(
                "patient_oriented",
                "surrogate",
                "mechanistic",
                name="outcomekind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("starting_level", sa.Integer(), nullable=False),
        sa.Column(
            "certainty",
            sa.Enum(
                "high",
                "moderate",
                "low",
                "very_low",
                name="certainty",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("effect_summary", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(CASE WHEN recommendation_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN mechanism_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_claim_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["mechanism_id"],
            ["mechanism.id"],
            name=op.f("fk_claim_mechanism_id_mechanism"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_claim_recommendation_id_recommendation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim")),
        sa.UniqueConstraint("slug", name=op.f("uq_claim_slug")),
    )
    op.create_index(op.f("ix_claim_mechanism_id"), "claim", ["mechanism_id"], unique=False)
    op.create_index(
        op.f("ix_claim_recommendation_id"), "claim", ["recommendation_id"], unique=False
    )
    op.create_table(
        "mechanism_study",
        sa.Column("mechanism_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mechanism_id"],
            ["mechanism.id"],
            name=op.f("fk_mechanism_study_mechanism_id_mechanism"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_mechanism_study_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("mechanism_id", "study_id", name=op.f("pk_mechanism_study")),
    )
    op.create_index(
        op.f("ix_mechanism_study_study_id"), "mechanism_study", ["study_id"], unique=False
    )
    op.create_table(
        "recommendation_life_stage",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column(
            "life_stage",
            sa.Enum(
                "pregnancy",
                "infant",
                "toddler",
                "preschool",
                "school_age",
                "adolescent",
                "adult",
                "older_adult",
                name="lifestage",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_recommendation_life_stage_recommendation_id_recommendation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "recommendation_id", "life_stage", name=op.f("pk_recommendation_life_stage")
        ),
    )
    op.create_index(
        op.f("ix_recommendation_life_stage_life_stage"),
        "recommendation_life_stage",
        ["life_stage"],
        unique=False,
    )
    op.create_table(
        "recommendation_mechanism",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("mechanism_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mechanism_id"],
            ["mechanism.id"],
            name=op.f("fk_recommendation_mechanism_mechanism_id_mechanism"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_recommendation_mechanism_recommendation_id_recommendation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "recommendation_id", "mechanism_id", name=op.f("pk_recommendation_mechanism")
        ),
    )
    op.create_index(
        op.f("ix_recommendation_mechanism_mechanism_id"),
        "recommendation_mechanism",
        ["mechanism_id"],
        unique=False,
    )
    op.create_table(
        "recommendation_study",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_recommendation_study_recommendation_id_recommendation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_recommendation_study_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "recommendation_id", "study_id", name=op.f("pk_recommendation_study")
        ),
    )
    op.create_index(
        op.f("ix_recommendation_study_study_id"), "recommendation_study", ["study_id"], unique=False
    )
    op.create_table(
        "recommendation_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("min_value", sa.Float(), nullable=True),
        sa.Column("max_value", sa.Float(), nullable=True),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("times_per_period", sa.Integer(), nullable=True),
        sa.Column("duration_months", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_recommendation_target_recommendation_id_recommendation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation_target")),
    )
    op.create_index(
        op.f("ix_recommendation_target_recommendation_id"),
        "recommendation_target",
        ["recommendation_id"],
        unique=False,
    )
    op.create_table(
        "study_life_stage",
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column(
            "life_stage",
            sa.Enum(
                "pregnancy",
                "infant",
                "toddler",
                "preschool",
                "school_age",
                "adolescent",
                "adult",
                "older_adult",
                name="lifestage",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_study_life_stage_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("study_id", "life_stage", name=op.f("pk_study_life_stage")),
    )
    op.create_index(
        op.f("ix_study_life_stage_life_stage"), "study_life_stage", ["life_stage"], unique=False
    )
    op.create_table(
        "study_source",
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source_document.id"],
            name=op.f("fk_study_source_source_id_source_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_study_source_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("study_id", "source_id", name=op.f("pk_study_source")),
    )
    op.create_index(op.f("ix_study_source_source_id"), "study_source", ["source_id"], unique=False)
    op.create_table(
        "caveat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("mechanism_id", sa.Integer(), nullable=True),
        sa.Column("study_id", sa.Integer(), nullable=True),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "association_not_causation",
                "small_sample",
                "single_study_unreplicated",
                "animal_or_lab_only",
                "population_limits",
                "surrogate_outcome",
                "no_control_group",
                "confounding_possible",
                "preliminary_not_peer_reviewed",
                "inconsistent_findings",
                "harms_unknown",
                "consult_professional",
                "commercial_interest",
                "overstated_in_source",
                "unsupported_claim",
                "evidence_may_be_outdated",
                name="caveatkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "severity",
            sa.Enum("info", "caution", "important", name="severity", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column(
            "origin",
            sa.Enum(
                "rule", "source", "editorial", name="caveatorigin", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("dismissed_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(CASE WHEN recommendation_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN mechanism_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN study_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN claim_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN source_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_caveat_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_caveat_claim_id_claim"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["mechanism_id"],
            ["mechanism.id"],
            name=op.f("fk_caveat_mechanism_id_mechanism"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_caveat_recommendation_id_recommendation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source_document.id"],
            name=op.f("fk_caveat_source_id_source_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["study_id"], ["study.id"], name=op.f("fk_caveat_study_id_study"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caveat")),
    )
    op.create_index(op.f("ix_caveat_claim_id"), "caveat", ["claim_id"], unique=False)
    op.create_index(op.f("ix_caveat_kind"), "caveat", ["kind"], unique=False)
    op.create_index(op.f("ix_caveat_mechanism_id"), "caveat", ["mechanism_id"], unique=False)
    op.create_index(
        op.f("ix_caveat_recommendation_id"), "caveat", ["recommendation_id"], unique=False
    )
    op.create_index(op.f("ix_caveat_source_id"), "caveat", ["source_id"], unique=False)
    op.create_index(op.f("ix_caveat_study_id"), "caveat", ["study_id"], unique=False)
    op.create_table(
        "certainty_judgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column(
            "domain",
            sa.Enum(
                "risk_of_bias",
                "inconsistency",
                "indirectness",
                "imprecision",
                "publication_bias",
                "large_effect",
                "dose_response",
                "plausible_confounding",
                name="certaintydomain",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "judgement",
            sa.Enum(
                "no_concern",
                "serious",
                "very_serious",
                "upgrade_absent",
                "upgrade_present",
                "upgrade_large",
                name="judgement",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claim.id"],
            name=op.f("fk_certainty_judgement_claim_id_claim"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certainty_judgement")),
        sa.UniqueConstraint(
            "claim_id", "domain", name=op.f("uq_certainty_judgement_claim_id_domain")
        ),
    )
    op.create_index(
        op.f("ix_certainty_judgement_claim_id"), "certainty_judgement", ["claim_id"], unique=False
    )
    op.create_table(
        "claim_study",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claim.id"],
            name=op.f("fk_claim_study_claim_id_claim"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_claim_study_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", "study_id", name=op.f("pk_claim_study")),
    )
    op.create_index(op.f("ix_claim_study_study_id"), "claim_study", ["study_id"], unique=False)
    op.create_table(
        "quote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("mechanism_id", sa.Integer(), nullable=True),
        sa.Column("study_id", sa.Integer(), nullable=True),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("caveat_id", sa.Integer(), nullable=True),
        sa.Column("exact", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column(
            "relation",
            sa.Enum(
                "supports",
                "qualifies",
                "overstates",
                "mentions",
                name="relation",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.CheckConstraint('"start" >= 0 AND "end" > "start"', name=op.f("ck_quote_span")),
        sa.CheckConstraint(
            "(CASE WHEN recommendation_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN mechanism_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN study_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN claim_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN caveat_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_quote_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["caveat_id"], ["caveat.id"], name=op.f("fk_quote_caveat_id_caveat"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_quote_claim_id_claim"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["mechanism_id"],
            ["mechanism.id"],
            name=op.f("fk_quote_mechanism_id_mechanism"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_quote_recommendation_id_recommendation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source_document.id"],
            name=op.f("fk_quote_source_id_source_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["study_id"], ["study.id"], name=op.f("fk_quote_study_id_study"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote")),
    )
    op.create_index(op.f("ix_quote_caveat_id"), "quote", ["caveat_id"], unique=False)
    op.create_index(op.f("ix_quote_claim_id"), "quote", ["claim_id"], unique=False)
    op.create_index(op.f("ix_quote_mechanism_id"), "quote", ["mechanism_id"], unique=False)
    op.create_index(
        op.f("ix_quote_recommendation_id"), "quote", ["recommendation_id"], unique=False
    )
    op.create_index(op.f("ix_quote_source_id"), "quote", ["source_id"], unique=False)
    op.create_index(op.f("ix_quote_study_id"), "quote", ["study_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_quote_study_id"), table_name="quote")
    op.drop_index(op.f("ix_quote_source_id"), table_name="quote")
    op.drop_index(op.f("ix_quote_recommendation_id"), table_name="quote")
    op.drop_index(op.f("ix_quote_mechanism_id"), table_name="quote")
    op.drop_index(op.f("ix_quote_claim_id"), table_name="quote")
    op.drop_index(op.f("ix_quote_caveat_id"), table_name="quote")
    op.drop_table("quote")
    op.drop_index(op.f("ix_claim_study_study_id"), table_name="claim_study")
    op.drop_table("claim_study")
    op.drop_index(op.f("ix_certainty_judgement_claim_id"), table_name="certainty_judgement")
    op.drop_table("certainty_judgement")
    op.drop_index(op.f("ix_caveat_study_id"), table_name="caveat")
    op.drop_index(op.f("ix_caveat_source_id"), table_name="caveat")
    op.drop_index(op.f("ix_caveat_recommendation_id"), table_name="caveat")
    op.drop_index(op.f("ix_caveat_mechanism_id"), table_name="caveat")
    op.drop_index(op.f("ix_caveat_kind"), table_name="caveat")
    op.drop_index(op.f("ix_caveat_claim_id"), table_name="caveat")
    op.drop_table("caveat")
    op.drop_index(op.f("ix_study_source_source_id"), table_name="study_source")
    op.drop_table("study_source")
    op.drop_index(op.f("ix_study_life_stage_life_stage"), table_name="study_life_stage")
    op.drop_table("study_life_stage")
    op.drop_index(
        op.f("ix_recommendation_target_recommendation_id"), table_name="recommendation_target"
    )
    op.drop_table("recommendation_target")
    op.drop_index(op.f("ix_recommendation_study_study_id"), table_name="recommendation_study")
    op.drop_table("recommendation_study")
    op.drop_index(
        op.f("ix_recommendation_mechanism_mechanism_id"), table_name="recommendation_mechanism"
    )
    op.drop_table("recommendation_mechanism")
    op.drop_index(
        op.f("ix_recommendation_life_stage_life_stage"), table_name="recommendation_life_stage"
    )
    op.drop_table("recommendation_life_stage")
    op.drop_index(op.f("ix_mechanism_study_study_id"), table_name="mechanism_study")
    op.drop_table("mechanism_study")
    op.drop_index(op.f("ix_claim_recommendation_id"), table_name="claim")
    op.drop_index(op.f("ix_claim_mechanism_id"), table_name="claim")
    op.drop_table("claim")
    op.drop_index(op.f("ix_study_updated_at"), table_name="study")
    op.drop_index(op.f("ix_study_status"), table_name="study")
    op.drop_index(op.f("ix_study_slug"), table_name="study")
    op.drop_index(op.f("ix_study_design"), table_name="study")
    op.drop_table("study")
    op.drop_index(op.f("ix_source_document_updated_at"), table_name="source_document")
    op.drop_index(op.f("ix_source_document_status"), table_name="source_document")
    op.drop_index(op.f("ix_source_document_source_type"), table_name="source_document")
    op.drop_index(op.f("ix_source_document_slug"), table_name="source_document")
    op.drop_table("source_document")
    op.drop_index(op.f("ix_recommendation_updated_at"), table_name="recommendation")
    op.drop_index(op.f("ix_recommendation_topic"), table_name="recommendation")
    op.drop_index(op.f("ix_recommendation_strength"), table_name="recommendation")
    op.drop_index(op.f("ix_recommendation_status"), table_name="recommendation")
    op.drop_index(op.f("ix_recommendation_slug"), table_name="recommendation")
    op.drop_index(op.f("ix_recommendation_certainty"), table_name="recommendation")
    op.drop_table("recommendation")
    op.drop_index(op.f("ix_mechanism_updated_at"), table_name="mechanism")
    op.drop_index(op.f("ix_mechanism_status"), table_name="mechanism")
    op.drop_index(op.f("ix_mechanism_slug"), table_name="mechanism")
    op.drop_index(op.f("ix_mechanism_pathway"), table_name="mechanism")
    op.drop_index(op.f("ix_mechanism_certainty"), table_name="mechanism")
    op.drop_table("mechanism")
