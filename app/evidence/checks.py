"""Content rules checked against stored items, for the loader, the content report and tests.

Each check takes an item loaded with its evidence and returns the problems it finds, as
sentences an editor can act on; an empty list means the item keeps every rule.
"""

from collections.abc import Iterable

from app.evidence import rules
from app.evidence.public import active
from app.evidence.vocabulary import (
    RECOMMENDATION_ROLES,
    CaveatKind,
    CaveatOrigin,
    Certainty,
    ClaimRole,
    Relation,
    record_kind_fits_design,
)
from app.models import (
    Caveat,
    Claim,
    Mechanism,
    Quote,
    Recommendation,
    RecommendationTarget,
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
        record_kind=study.record_kind,
        evidence_design=study.evidence_design,
    )


def source_facts(source: SourceDocument) -> rules.SourceFacts:
    return rules.SourceFacts(
        source_type=source.source_type, commercial_interest=source.commercial_interest
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


def rule_caveat_problems(
    caveats: list[Caveat], expected: Iterable[rules.DerivedCaveat], what: str
) -> list[str]:
    """Rule caveats are exactly those the rules derive now, less those an editor wrote."""
    written = {caveat.kind for caveat in caveats if caveat.origin is not CaveatOrigin.rule}
    wanted = {d.kind: d for d in expected if d.kind not in written}
    stored = {caveat.kind: caveat for caveat in caveats if caveat.origin is CaveatOrigin.rule}
    problems = [
        f"{what} lacks {kind}, which its data imply" for kind in sorted(wanted.keys() - stored)
    ]
    problems += [
        f"{what} carries {kind}, which its data do not imply"
        for kind in sorted(stored.keys() - wanted)
    ]
    for kind in sorted(wanted.keys() & stored):
        want, have = wanted[kind], stored[kind]
        if (have.severity, have.text) != (want.severity, want.text):
            problems.append(f"{what}: {kind} should be {want.severity}: {want.text!r}")
    return problems


def editorial_caveat_problems(caveats: list[Caveat], what: str) -> list[str]:
    return [
        f"{what}: editorial caveat {caveat.kind} has no reference"
        for caveat in caveats
        if caveat.origin is CaveatOrigin.editorial and not caveat.reference
    ]


def claim_problems(claim: Claim) -> list[str]:
    what = f"claim {claim.slug}"
    problems = _quotes_problems(claim.quotes, claim.caveats, what)
    problems += editorial_caveat_problems(claim.caveats, what)
    studies = [study_facts(study) for study in claim.studies]
    start = rules.starting_level(studies)
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
    problems += [
        f"{what}: {problem}" for problem in rules.wording_problems(claim.certainty, claim.wording)
    ]
    source_types = {quote.source.source_type for quote in claim.quotes}
    if rules.rests_on_secondary_sources_only(studies, source_types):
        if claim.certainty != Certainty.very_low:
            problems.append(
                f"{what}: rests on secondary sources only, so it cannot be above very_low"
            )
        if CaveatKind.unsupported_claim not in _active_kinds(claim.caveats):
            problems.append(f"{what}: rests on secondary sources only but lacks unsupported_claim")
    overstated = any(quote.relation is Relation.overstates for quote in claim.quotes)
    expected = rules.claim_caveats(
        studies, (source_facts(quote.source) for quote in claim.quotes), overstated
    )
    problems += rule_caveat_problems(claim.caveats, expected, what)
    if CaveatKind.overstated_in_source in _active_kinds(claim.caveats):
        problems += [
            f"{what} is marked overstated, yet a quote {quote.exact[:40]!r} supports it"
            for quote in claim.quotes
            if quote.relation is Relation.supports
        ]
    return problems


def _claims_problems(claims: list[Claim], what: str) -> list[str]:
    return [p for claim in claims for p in claim_problems(claim)]


def _rating_problems(
    claims: list[Claim], stored: Certainty, role: ClaimRole | None, rating: str, what: str
) -> list[str]:
    """A rating is the lowest certainty of the critical claims of its role."""
    counted = [c.certainty for c in claims if c.critical and role in (None, c.role)]
    if not counted:
        return [f"{what} has no critical claim for its {rating}"]
    if rules.lowest_certainty(counted) != stored:
        return [f"{what}: {rating} {stored} is not the lowest of its critical claims"]
    return []


def _item_commercial_problems(
    item: Recommendation | Mechanism, quotes: list[Quote], what: str
) -> list[str]:
    studies = [study_facts(study) for claim in item.claims for study in claim.studies]
    expected = rules.item_caveats(studies, (source_facts(quote.source) for quote in quotes))
    return rule_caveat_problems(
        [c for c in item.caveats if c.kind is CaveatKind.commercial_interest], expected, what
    )


def target_problems(target: RecommendationTarget, what: str) -> list[str]:
    where = f"{what}: target {target.label!r}"
    problems = []
    if not (target.study.traceable and (target.study.doi or target.study.pmid)):
        problems.append(f"{where} rests on {target.study.slug}, which is not a verified record")
    for quote in target.quotes:
        problems += quote_problems(quote)
        if quote.relation is Relation.overstates:
            problems.append(f"{where} is taken from a quote marked overstates")
    return problems


def recommendation_problems(item: Recommendation) -> list[str]:
    what = f"recommendation {item.slug}"
    problems = _quotes_problems(item.quotes, item.caveats, what)
    problems += editorial_caveat_problems(item.caveats, what)
    problems += _claims_problems(item.claims, what)
    if not item.claims:
        problems.append(f"{what} rests on no claim")
    problems += _rating_problems(item.claims, item.certainty, ClaimRole.advice, "certainty", what)
    problems += _rating_problems(
        item.claims,
        item.rationale_certainty,
        ClaimRole.gut_rationale,
        "gut-rationale certainty",
        what,
    )
    problems += [
        f"{what}: {problem}"
        for problem in rules.strength_problems(
            item.strength,
            item.certainty,
            [c.outcome_kind for c in item.claims if c.critical and c.role is ClaimRole.advice],
        )
    ]
    stages = [row.life_stage for row in item.life_stage_rows]
    problems += rule_caveat_problems(
        [c for c in item.caveats if c.kind is CaveatKind.consult_professional],
        rules.audience_caveats(stages, item.topic),
        what,
    )
    quotes = [*item.quotes, *(q for claim in item.claims for q in claim.quotes)]
    problems += _item_commercial_problems(item, quotes, what)
    for target in item.targets:
        problems += target_problems(target, what)
    if len(item.tip) > 160:
        problems.append(f"{what}: tip is longer than 160 characters")
    return problems


def mechanism_problems(item: Mechanism) -> list[str]:
    what = f"mechanism {item.slug}"
    problems = _quotes_problems(item.quotes, item.caveats, what)
    problems += editorial_caveat_problems(item.caveats, what)
    problems += _claims_problems(item.claims, what)
    problems += [
        f"{what}: claim {claim.slug} has the role {claim.role}, which only recommendations have"
        for claim in item.claims
        if claim.role in RECOMMENDATION_ROLES
    ]
    problems += _rating_problems(item.claims, item.certainty, None, "certainty", what)
    quotes = [*item.quotes, *(q for claim in item.claims for q in claim.quotes)]
    return problems + _item_commercial_problems(item, quotes, what)


def study_problems(item: Study) -> list[str]:
    what = f"study {item.slug}"
    problems = []
    if item.sources:
        problems += _quotes_problems(item.quotes, item.caveats, what)
    elif not (item.doi or item.pmid):
        problems.append(f"{what} is reported by no source document and has no verified identifier")
    problems += editorial_caveat_problems(item.caveats, what)
    if not record_kind_fits_design(item.record_kind, item.design):
        problems.append(f"{what}: a {item.record_kind} cannot have the design {item.design}")
    for name, identifier in (("DOI", item.doi), ("PMID", item.pmid)):
        if identifier and identifier not in item.identification_note:
            problems.append(
                f"{what}: its {name} {identifier} is not named in the note on how it was verified"
            )
    return problems + rule_caveat_problems(
        item.caveats, rules.study_caveats(study_facts(item)), what
    )


def source_problems(item: SourceDocument) -> list[str]:
    """People are named as the document names them, and quoted from it."""
    what = f"source {item.slug}"
    problems = rule_caveat_problems(item.caveats, rules.source_caveats(source_facts(item)), what)
    problems += editorial_caveat_problems(item.caveats, what)
    for person in item.people:
        who = f"{what}: person {person.name}"
        stated = (person.name, person.role_as_stated, person.affiliation_as_stated)
        for words in filter(None, stated):
            if words not in item.text:
                problems.append(f"{who}: {words!r} is not as the document states it")
        problems += _quotes_problems(person.quotes, [], who)
        if any(quote.source_id != item.id for quote in person.quotes):
            problems.append(f"{who}: quoted from another document")
    return problems
