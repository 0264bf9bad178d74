"""Content rules checked against stored items, for the loader, the content report and tests.

Each check takes an item loaded with its evidence and returns the problems it finds, as
sentences an editor can act on; an empty list means the item keeps every rule.
"""

from app.evidence import rules
from app.evidence.public import active
from app.evidence.vocabulary import (
    CHILDHOOD_AND_PREGNANCY,
    CaveatKind,
    Certainty,
)
from app.models import (
    Caveat,
    Claim,
    Mechanism,
    Quote,
    Recommendation,
    SourceDocument,
    Study,
)


def study_facts(study: Study) -> rules.StudyFacts:
    return rules.StudyFacts(
        design=study.design,
        species=study.species,
        n_participants=study.n_participants,
        outcome_kind=study.outcome_kind,
        traceable=study.traceable,
    )


def quote_problems(quote: Quote) -> list[str]:
    if quote.source.text[quote.start : quote.end] != quote.exact:
        return [
            f"quote {quote.exact[:40]!r} is not verbatim at {quote.start}-{quote.end}"
            f" of {quote.source.slug}"
        ]
    return []


def _active_kinds(caveats: list[Caveat]) -> set[CaveatKind]:
    return {caveat.kind for caveat in active(caveats)}


def _quotes_problems(quotes: list[Quote], caveats: list[Caveat], what: str) -> list[str]:
    problems = [] if quotes else [f"{what} has no quote"]
    for quote in [*quotes, *(q for caveat in caveats for q in caveat.quotes)]:
        problems += quote_problems(quote)
    return problems


def claim_problems(claim: Claim) -> list[str]:
    what = f"claim {claim.slug}"
    problems = _quotes_problems(claim.quotes, claim.caveats, what)
    studies = [study_facts(study) for study in claim.studies]
    start = rules.starting_level(study.design for study in studies)
    if claim.starting_level != start:
        problems.append(f"{what}: starting level {claim.starting_level} should be {start}")
    computed = rules.compute_certainty(
        claim.starting_level, ((j.domain, j.judgement) for j in claim.judgements)
    )
    if claim.certainty != computed and not claim.override_reason:
        problems.append(
            f"{what}: certainty {claim.certainty} does not follow from its judgements"
            f" ({computed}) and gives no override reason"
        )
    source_types = {quote.source.source_type for quote in claim.quotes}
    if rules.rests_on_secondary_sources_only(studies, source_types):
        if claim.certainty != Certainty.very_low:
            problems.append(
                f"{what}: rests on secondary sources only, so it cannot be above very_low"
            )
        if CaveatKind.unsupported_claim not in _active_kinds(claim.caveats):
            problems.append(f"{what}: rests on secondary sources only but lacks unsupported_claim")
    return problems


def _claims_problems(claims: list[Claim], overall: Certainty, what: str) -> list[str]:
    problems = [p for claim in claims for p in claim_problems(claim)]
    critical = [claim.certainty for claim in claims if claim.critical]
    if critical and rules.lowest_certainty(critical) != overall:
        problems.append(f"{what}: certainty {overall} is not the lowest of its critical claims")
    return problems


def recommendation_problems(item: Recommendation) -> list[str]:
    what = f"recommendation {item.slug}"
    problems = _quotes_problems(item.quotes, item.caveats, what)
    problems += _claims_problems(item.claims, item.certainty, what)
    if not item.claims:
        problems.append(f"{what} rests on no claim")
    problems += [
        f"{what}: {problem}"
        for problem in rules.strength_problems(
            item.strength,
            item.certainty,
            [claim.outcome_kind for claim in item.claims if claim.critical],
        )
    ]
    stages = {row.life_stage for row in item.life_stage_rows}
    if stages & CHILDHOOD_AND_PREGNANCY and (
        CaveatKind.consult_professional not in _active_kinds(item.caveats)
    ):
        problems.append(
            f"{what}: applies to pregnancy or young children but lacks consult_professional"
        )
    if len(item.tip) > 160:
        problems.append(f"{what}: tip is longer than 160 characters")
    return problems


def mechanism_problems(item: Mechanism) -> list[str]:
    what = f"mechanism {item.slug}"
    problems = _quotes_problems(item.quotes, item.caveats, what)
    return problems + _claims_problems(item.claims, item.certainty, what)


def study_problems(item: Study) -> list[str]:
    return _quotes_problems(item.quotes, item.caveats, f"study {item.slug}")


def source_problems(item: SourceDocument) -> list[str]:
    """People are named as the document names them, and quoted from it."""
    problems = []
    for person in item.people:
        what = f"source {item.slug}: person {person.name}"
        stated = (person.name, person.role_as_stated, person.affiliation_as_stated)
        for words in filter(None, stated):
            if words not in item.text:
                problems.append(f"{what}: {words!r} is not as the document states it")
        problems += _quotes_problems(person.quotes, [], what)
        if any(quote.source_id != item.id for quote in person.quotes):
            problems.append(f"{what}: quoted from another document")
    return problems
