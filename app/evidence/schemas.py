"""Evidence parts shared by every content kind: quotes, caveats, claims and their ratings."""

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from app.evidence.vocabulary import (
    DEFAULT_LANGUAGE,
    CaveatKind,
    CaveatOrigin,
    Certainty,
    CertaintyDomain,
    ClaimKind,
    ClaimRole,
    Judgement,
    OutcomeKind,
    Relation,
    Severity,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _rfc3339_only(value: object) -> object:
    """Refuse what pydantic would otherwise read as a timestamp: numbers, dates, no offset."""
    if isinstance(value, str) and not _RFC3339.match(value):
        raise ValueError("expected an RFC 3339 date-time with offset, e.g. 2026-01-01T00:00:00Z")
    return value


def _in_utc(value: datetime) -> datetime:
    """UTC, with instants beyond the calendar's ends (0001-01-01+01:00) held at those ends."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        edge = datetime.min if value.year == datetime.min.year else datetime.max
        return edge.replace(tzinfo=UTC)


Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(_rfc3339_only),
    AfterValidator(_in_utc),
    Field(description="RFC 3339 date-time with its offset.", examples=["2026-01-01T00:00:00Z"]),
]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=100, examples=["breastfeed"])]


class InputModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def no_nul_characters(cls, value: object) -> object:
        """Text is stored as text: PostgreSQL cannot hold a NUL character, so none is taken."""
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain the NUL character")
        return value


class QuoteIn(InputModel):
    source: Slug
    exact: str = Field(min_length=3, max_length=400)
    start: int | None = Field(
        default=None, ge=0, description="Needed only where the passage occurs more than once."
    )
    relation: Relation = Relation.supports


class CaveatIn(InputModel):
    kind: CaveatKind
    origin: CaveatOrigin = Field(description="`source` needs quotes; `editorial` a reference.")
    text: str | None = Field(default=None, max_length=600)
    severity: Severity | None = None
    reference: str | None = Field(default=None, max_length=600)
    quotes: list[QuoteIn] = []

    @model_validator(mode="after")
    def origin_has_support(self) -> "CaveatIn":
        if self.origin is CaveatOrigin.source and not self.quotes:
            raise ValueError("a caveat stated in a source needs at least one quote")
        if self.origin is CaveatOrigin.editorial and not self.reference:
            raise ValueError("an editorial caveat needs a reference")
        if self.origin is CaveatOrigin.rule:
            raise ValueError("rule caveats are derived from the data, not written by hand")
        return self


class DismissalIn(InputModel):
    kind: CaveatKind
    reason: str = Field(min_length=10, max_length=600)


class JudgementIn(InputModel):
    domain: CertaintyDomain
    judgement: Judgement
    note: str = Field(min_length=3, max_length=600)


class ClaimIn(InputModel):
    slug: Slug
    text: str = Field(min_length=5, max_length=600)
    wording: str = Field(
        min_length=5,
        max_length=300,
        description="Plain consumer sentence worded at the claim's certainty: high states it;"
        ' moderate says "probably" or "likely"; low "may"; very low "very uncertain" or'
        ' "not known".',
    )
    role: ClaimRole = ClaimRole.supporting
    kind: ClaimKind
    outcome_kind: OutcomeKind
    critical: bool = True
    studies: list[Slug] = []
    judgements: list[JudgementIn] = []
    certainty: Certainty
    override_reason: str | None = Field(default=None, max_length=600)
    effect_summary: str | None = Field(default=None, max_length=600)
    quotes: list[QuoteIn] = Field(min_length=1)
    caveats: list[CaveatIn] = []
    dismissed_caveats: list[DismissalIn] = []

    @model_validator(mode="after")
    def one_judgement_per_domain(self) -> "ClaimIn":
        domains = [judgement.domain for judgement in self.judgements]
        if len(domains) != len(set(domains)):
            raise ValueError("each certainty domain may be judged once per claim")
        return self


class ContentIn(InputModel):
    """Fields every content item takes, whatever its kind."""

    slug: Slug
    language: str = Field(
        default=DEFAULT_LANGUAGE,
        pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        max_length=16,
        description="BCP 47 tag of the language the item is written in.",
    )
    last_reviewed_on: date
    next_review_due: date | None = Field(
        default=None, description="Defaults to 12 months after the last review."
    )
    caveats: list[CaveatIn] = []
    dismissed_caveats: list[DismissalIn] = []


class QuotedContentIn(ContentIn):
    """Content whose every statement is traced to passages of the source documents."""

    quotes: list[QuoteIn] = Field(min_length=1)
