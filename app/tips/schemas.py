import datetime
import re
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field

from app.attribution.schemas import Attributed, Attribution, Citation
from app.attribution.service import attribution
from app.core.pagination import Page
from app.core.urls import Link, Urls
from app.evidence.public import CaveatOut, CertaintyOut, Language, LifeStageOut
from app.evidence.renditions import PUSH_TIP
from app.evidence.vocabulary import Certainty, LifeStage, Topic
from app.models import Recommendation
from app.recommendations.schemas import RecommendationFilters, summary_of

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date_only(value: object) -> object:
    """Refuse what pydantic would otherwise read as a date: timestamps, date-times."""
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("expected a date as YYYY-MM-DD, e.g. 2026-01-31")
    return value


CalendarDate = Annotated[datetime.date, BeforeValidator(_iso_date_only)]


class TipFilters(BaseModel):
    """The filters of `/v1/recommendations` a tip can be chosen by, with the same meaning."""

    life_stage: LifeStage | None = Field(default=None, description="Applies to this life stage.")
    topic: Topic | None = None
    min_certainty: Certainty | None = Field(
        default=None, description="Headline certainty at least this level."
    )

    def as_recommendation_filters(self) -> RecommendationFilters:
        return RecommendationFilters(**self.model_dump())


class Tip(BaseModel):
    """A recommendation as a mobile card: its tip, both ratings and the caveat to show."""

    slug: str = Field(description="The recommendation's slug.", examples=["breastfeed"])
    tip: str = Field(description="At most 160 characters, for mobile cards.")
    push_tip: str = Field(
        description="At most 140 characters, for a push notification: the recommendation's"
        " push-tip rendition.",
        max_length=PUSH_TIP.max_chars,
    )
    title: str
    certainty: CertaintyOut = Field(
        description="Headline certainty: how sure we are that the advice itself helps."
    )
    gut_rationale_certainty: CertaintyOut = Field(
        description="How sure we are of the gut-brain reason given for the advice."
    )
    top_caveat: CaveatOut | None = Field(description="The caveat a card must always show.")
    life_stages: list[LifeStageOut]
    topic: Topic
    recommendation_url: Link = Field(description="Absolute URL of the full recommendation.")
    language: Language
    citation: Citation
    disclaimer: str = Field(
        description="General information, not medical advice: shown with the tip wherever it"
        " is shown."
    )


class TipPage(Page[Tip], Attributed):
    pass


class DailyTip(Tip):
    date: datetime.date = Field(
        description="The day (UTC) this tip is served for.", examples=["2026-01-31"]
    )
    attribution: Attribution


def tip_of(item: Recommendation, urls: Urls) -> Tip:
    """A projection of the recommendation's summary, so a tip never says other than its card."""
    summary = summary_of(item, urls)
    return Tip(
        slug=summary.slug,
        tip=summary.tip,
        push_tip=summary.renditions.push_tip,
        title=summary.title,
        certainty=summary.certainty,
        gut_rationale_certainty=summary.gut_rationale_certainty,
        top_caveat=summary.top_caveat,
        life_stages=summary.life_stages,
        topic=summary.topic,
        recommendation_url=summary.url,
        language=summary.language,
        citation=summary.citation,
        disclaimer=summary.disclaimer,
    )


def daily_tip_of(item: Recommendation, urls: Urls, day: datetime.date) -> DailyTip:
    return DailyTip(**dict(tip_of(item, urls)), date=day, attribution=attribution())
