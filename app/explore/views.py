"""What the explorer page shows: the filter form's choices, the three lists and the two pictures,
built from the same summaries the JSON lists serve."""

from dataclasses import dataclass

from app.core.urls import Urls
from app.evidence.vocabulary import CERTAINTY_TERMS, LIFE_STAGE_TERMS, TOPIC_TERMS, Certainty
from app.explore.items import (
    Section,
    mechanism_entry,
    recommendation_entry,
    study_entry,
)
from app.explore.kinds import EVIDENCE_KIND_LABELS, advice_evidence
from app.explore.pictures import (
    LEVELS,
    EvidenceGraph,
    EvidenceMap,
    Placed,
    evidence_graph,
    evidence_map,
)
from app.explore.schemas import ExploreFilters
from app.explore.service import Explored
from app.mechanisms.schemas import summary_of as mechanism_summary
from app.recommendations.schemas import summary_of as recommendation_summary
from app.studies.schemas import summary_of as study_summary


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


def _and(parts: list[str]) -> str:
    return f"{', '.join(parts[:-1])} and {parts[-1]}" if len(parts) > 1 else "".join(parts)


@dataclass(frozen=True)
class ExplorerPage:
    sections: list[Section]
    evidence_map: EvidenceMap
    graph: EvidenceGraph
    life_stages: list[Option]
    topics: list[Option]
    certainties: list[Option]
    search_text: str
    terms: list[str] | None
    filtered: bool

    @property
    def counts(self) -> str:
        """How many of each are shown: "17 recommendations, 11 mechanisms and 44 studies"."""
        return _and([f"{len(s.entries)} {s.noun(len(s.entries))}" for s in self.sections])

    @property
    def counts_of_totals(self) -> str:
        """How many of each are shown, of all published: "3 of 17 recommendations, ..."."""
        return _and([f"{len(s.entries)} of {s.total} {s.noun(s.total)}" for s in self.sections])

    @property
    def shown(self) -> int:
        return sum(len(section.entries) for section in self.sections)

    def surrogate_body(self) -> list[dict[str, str]]:
        """`slug` and `url` of every item shown, which name its Surrogate-Key."""
        return [
            {"slug": entry.slug, "url": entry.json_url}
            for section in self.sections
            for entry in section.entries
        ]


def _options(terms: dict[str, str], selected: str | None) -> list[Option]:
    return [Option(code, label, code == selected) for code, label in terms.items()]


def explorer_page(explored: Explored, filters: ExploreFilters, urls: Urls) -> ExplorerPage:
    placed = []
    for row in explored.recommendations:
        summary = recommendation_summary(row, urls)
        evidence = advice_evidence(row, urls)
        placed.append(
            Placed(
                recommendation_entry(summary, EVIDENCE_KIND_LABELS[evidence], urls),
                summary.certainty,
                summary.gut_rationale_certainty,
                evidence,
            )
        )
    totals = explored.totals
    sections = [
        Section(
            "recommendations",
            "recommendation",
            "Recommendations",
            [item.entry for item in placed],
            totals.recommendations,
            "life stage, topic, certainty and search words",
        ),
        Section(
            "mechanisms",
            "mechanism",
            "Mechanisms",
            [mechanism_entry(mechanism_summary(row, urls), urls) for row in explored.mechanisms],
            totals.mechanisms,
            "certainty and search words",
        ),
        Section(
            "studies",
            "study",
            "Studies",
            [study_entry(study_summary(row, urls), urls) for row in explored.studies],
            totals.studies,
            "life stage and search words",
        ),
    ]
    return ExplorerPage(
        sections=sections,
        evidence_map=evidence_map(placed),
        graph=evidence_graph(sections, explored),
        life_stages=_options(
            {stage: term.label for stage, term in LIFE_STAGE_TERMS.items()}, filters.life_stage
        ),
        topics=_options({topic: term.label for topic, term in TOPIC_TERMS.items()}, filters.topic),
        certainties=_options(
            {
                level: CERTAINTY_TERMS[level].label
                + ("" if level is Certainty.high else " or higher")
                for level in LEVELS
            },
            filters.min_certainty,
        ),
        search_text=filters.q or "",
        terms=explored.terms,
        filtered=filters.active,
    )
