from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from app.attribution.schemas import Attributed
from app.attribution.service import attribution
from app.core.http_cache import CACHE_HEADERS, NOT_MODIFIED, RepresentationDep
from app.core.negotiation import JSON, AcceptHeader, choose
from app.core.runtime import ThreadedRoute
from app.evidence import vocabulary as v

router = APIRouter(route_class=ThreadedRoute, tags=["vocabulary"])


class TermOut(BaseModel):
    code: str
    label: str
    definition: str
    consumer_wording: str | None = Field(description="What consumers read, where it differs.")


class LifeStageTerm(TermOut):
    min_age_months: int | None
    max_age_months: int | None


class StudyDesignTerm(TermOut):
    starting_level: int = Field(description="Where certainty starts for evidence of this design.")
    can_show: str = Field(description="What evidence of this design can show, for readers.")
    cannot_show: str = Field(description="What it cannot show.")


class Vocabulary(Attributed):
    certainty_levels: list[TermOut]
    strengths: list[TermOut]
    directions: list[TermOut]
    study_designs: list[StudyDesignTerm]
    certainty_domains: list[TermOut]
    judgements: list[TermOut]
    outcome_kinds: list[TermOut]
    claim_kinds: list[TermOut]
    claim_roles: list[TermOut]
    record_kinds: list[TermOut]
    item_kinds: list[TermOut]
    change_kinds: list[TermOut]
    caveat_kinds: list[TermOut]
    caveat_origins: list[TermOut]
    severities: list[TermOut]
    life_stages: list[LifeStageTerm]
    audiences: list[TermOut]
    source_types: list[TermOut]
    relations: list[TermOut]
    involvements: list[TermOut]
    statuses: list[TermOut]
    topics: list[TermOut]
    pathways: list[TermOut]
    support_levels: list[TermOut]
    species: list[TermOut]


def _terms(terms: Mapping[Any, v.Term]) -> list[TermOut]:
    return [
        TermOut(
            code=code,
            label=term.label,
            definition=term.definition,
            consumer_wording=term.consumer_wording,
        )
        for code, term in terms.items()
    ]


@router.get(
    "/vocabulary",
    summary="Every coded value with its definition and wording",
    responses={200: {"headers": CACHE_HEADERS}, **NOT_MODIFIED, 406: {}},
)
def get_vocabulary(
    response: Response, representation: RepresentationDep, accept: AcceptHeader
) -> Vocabulary:
    # The vocabulary changes only with a release; the content version is validator enough.
    representation.check(choose(accept, [JSON]))
    representation.send(response, {})
    return Vocabulary(
        attribution=attribution(),
        certainty_levels=_terms(v.CERTAINTY_TERMS),
        strengths=_terms(v.STRENGTH_TERMS),
        directions=_terms(v.DIRECTION_TERMS),
        study_designs=[
            StudyDesignTerm(
                **term.model_dump(),
                starting_level=v.starting_level_of(v.StudyDesign(term.code)),
                can_show=v.EVIDENCE_LEVELS[v.StudyDesign(term.code)].can_show,
                cannot_show=v.EVIDENCE_LEVELS[v.StudyDesign(term.code)].cannot_show,
            )
            for term in _terms(v.STUDY_DESIGN_TERMS)
        ],
        certainty_domains=_terms(v.CERTAINTY_DOMAIN_TERMS),
        judgements=_terms(v.JUDGEMENT_TERMS),
        outcome_kinds=_terms(v.OUTCOME_KIND_TERMS),
        claim_kinds=_terms(v.CLAIM_KIND_TERMS),
        claim_roles=_terms(v.CLAIM_ROLE_TERMS),
        record_kinds=_terms(v.RECORD_KIND_TERMS),
        item_kinds=_terms(v.ITEM_KIND_TERMS),
        change_kinds=_terms(v.CHANGE_KIND_TERMS),
        caveat_kinds=_terms(v.CAVEAT_KIND_TERMS),
        caveat_origins=_terms(v.CAVEAT_ORIGIN_TERMS),
        severities=_terms(v.SEVERITY_TERMS),
        life_stages=[
            LifeStageTerm(
                **term.model_dump(),
                min_age_months=v.LIFE_STAGE_AGES[v.LifeStage(term.code)].min_months,
                max_age_months=v.LIFE_STAGE_AGES[v.LifeStage(term.code)].max_months,
            )
            for term in _terms(v.LIFE_STAGE_TERMS)
        ],
        audiences=_terms(v.AUDIENCE_TERMS),
        source_types=_terms(v.SOURCE_TYPE_TERMS),
        relations=_terms(v.RELATION_TERMS),
        involvements=_terms(v.INVOLVEMENT_TERMS),
        statuses=_terms(v.STATUS_TERMS),
        topics=_terms(v.TOPIC_TERMS),
        pathways=_terms(v.PATHWAY_TERMS),
        support_levels=_terms(v.SUPPORT_LEVEL_TERMS),
        species=_terms(v.SPECIES_TERMS),
    )
