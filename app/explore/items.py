"""The items the explorer lists, one entry each, built from the summaries the JSON lists serve."""

from dataclasses import dataclass

from app.core.urls import Urls
from app.evidence.public import CaveatOut, CertaintyOut
from app.mechanisms.schemas import MechanismSummary
from app.recommendations.schemas import RecommendationSummary
from app.studies.schemas import StudySummary


@dataclass(frozen=True)
class Entry:
    """One item in a list: what it is, how sure we are of it, and where to read more."""

    kind: str
    slug: str
    title: str
    card_url: str
    json_url: str
    certainty: CertaintyOut | None
    design: str | None
    top_caveat: CaveatOut | None
    life_stages: list[str]
    rationale: CertaintyOut | None = None
    evidence_label: str | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.slug}"


@dataclass(frozen=True)
class Section:
    kind: str
    singular: str
    heading: str
    entries: list[Entry]
    total: int
    filtered_by: str

    def noun(self, count: int) -> str:
        return self.singular if count == 1 else self.kind


def recommendation_entry(item: RecommendationSummary, evidence_label: str, urls: Urls) -> Entry:
    return Entry(
        kind="recommendations",
        slug=item.slug,
        title=item.title,
        card_url=urls.card("recommendations", item.slug),
        json_url=item.url,
        certainty=item.certainty,
        design=None,
        top_caveat=item.top_caveat,
        life_stages=[stage.label for stage in item.life_stages],
        rationale=item.gut_rationale_certainty,
        evidence_label=evidence_label,
    )


def mechanism_entry(item: MechanismSummary, urls: Urls) -> Entry:
    return Entry(
        kind="mechanisms",
        slug=item.slug,
        title=item.title,
        card_url=urls.card("mechanisms", item.slug),
        json_url=item.url,
        certainty=item.certainty,
        design=None,
        top_caveat=item.top_caveat,
        life_stages=[],
    )


def study_entry(item: StudySummary, urls: Urls) -> Entry:
    """A study is not rated on its own (the claims it supports are): its kind of evidence
    stands where a rating would."""
    return Entry(
        kind="studies",
        slug=item.slug,
        title=item.title,
        card_url=urls.card("studies", item.slug),
        json_url=item.url,
        certainty=None,
        design=item.evidence_level.label,
        top_caveat=item.top_caveat,
        life_stages=[stage.label for stage in item.life_stages],
    )
