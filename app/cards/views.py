"""What a card shows, built from the detail the JSON API serves, so both say the same thing.

Every card carries the title, the headline rating in words with its badge, the gut-rationale
rating where there is one, the most important caveat, the last-reviewed date and a link to the
sources and quotes. The page renders all of them; nothing an embedding site sends can hide them.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.evidence.public import CaveatOut, CertaintyOut, LifeStageOut, QuoteOut
from app.evidence.vocabulary import SUPPORT_LEVEL_TERMS
from app.mechanisms.schemas import Mechanism
from app.recommendations.schemas import Recommendation
from app.studies.schemas import Study


class CardKind(StrEnum):
    recommendations = "recommendations"
    mechanisms = "mechanisms"
    studies = "studies"


@dataclass(frozen=True)
class Rating:
    question: str
    certainty: CertaintyOut
    testid: str


@dataclass(frozen=True)
class Card:
    kind: CardKind
    kind_label: str
    title: str
    ratings: list[Rating]
    design: str | None
    top_caveat: CaveatOut | None
    lead: str
    in_full_label: str
    in_full: str
    life_stages: list[str]
    last_reviewed_at: datetime | None
    quote_count: int
    source_count: int
    json_url: str


def _stages(stages: list[LifeStageOut]) -> list[str]:
    return [stage.label for stage in stages]


def _source_count(quotes: list[QuoteOut]) -> int:
    return len({quote.source for quote in quotes})


def _quotes(item: Recommendation | Mechanism) -> list[QuoteOut]:
    """The item's own quotes and those of its claims."""
    return [*item.quotes, *(quote for claim in item.claims for quote in claim.quotes)]


def recommendation_card(item: Recommendation) -> Card:
    quotes = _quotes(item)
    return Card(
        kind=CardKind.recommendations,
        kind_label="Guidance",
        title=item.title,
        ratings=[
            Rating("Does the advice help?", item.certainty, "certainty-badge"),
            Rating(
                "Is the gut-brain reason given for it right?",
                item.gut_rationale_certainty,
                "rationale-badge",
            ),
        ],
        design=None,
        top_caveat=item.top_caveat,
        lead=item.renditions.card_summary,
        in_full_label="The advice in full",
        in_full=item.statement,
        life_stages=_stages(item.life_stages),
        last_reviewed_at=item.review.last_reviewed_at,
        quote_count=len(quotes),
        source_count=len(item.sources),
        json_url=item.url,
    )


def mechanism_card(item: Mechanism) -> Card:
    quotes = _quotes(item)
    support = SUPPORT_LEVEL_TERMS[item.support_level]
    return Card(
        kind=CardKind.mechanisms,
        kind_label="How it may work",
        title=item.title,
        ratings=[Rating("Does this happen in people?", item.certainty, "certainty-badge")],
        design=None,
        top_caveat=item.top_caveat,
        lead=f"What supports it: {support.label.lower()}. {support.definition}",
        in_full_label="How it is thought to work",
        in_full=item.description,
        life_stages=[],
        last_reviewed_at=item.review.last_reviewed_at,
        quote_count=len(quotes),
        source_count=_source_count(quotes),
        json_url=item.url,
    )


def study_card(item: Study) -> Card:
    level = item.evidence_level
    return Card(
        kind=CardKind.studies,
        kind_label="Evidence",
        title=item.title,
        ratings=[],
        design=level.label,
        top_caveat=item.top_caveat,
        lead=level.summary.removeprefix(f"{level.label}. "),
        in_full_label="What it found",
        in_full=item.findings,
        life_stages=_stages(item.life_stages),
        last_reviewed_at=item.review.last_reviewed_at,
        quote_count=len(item.quotes),
        source_count=len(item.sources),
        json_url=item.url,
    )
