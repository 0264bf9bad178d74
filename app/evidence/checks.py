"""Content rules checked against stored items, for the write service, the content report and
tests.

Each check takes an item loaded with its evidence and returns the problems it finds, as
sentences an editor can act on, each at the path of the input field to change; an empty list
means the item keeps every rule.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from app.evidence import renditions, rules
from app.evidence.public import active
from app.evidence.vocabulary import (
    PUBLIC_STATUSES,
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
    ContentFields,
    Mechanism,
    Quote,
    Recommendation,
    RecommendationTarget,
    SourceDocument,
    Study,
)

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Violation:
    """A broken rule, at the path of the item's input field that breaks it."""

    path: Path
    message: str

    def __str__(self) -> str:
        return self.message

    @property
    def pointer(self) -> str:
        """The path as a JSON Pointer (RFC 6901) in URI-fragment form, as validation errors."""
        parts = (str(part).replace("~", "~0").replace("/", "~1") for part in self.path)
        return "#/" + "/".join(parts)


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


def quote_problems(quote: Quote, path: Path) -> list[Violation]:
    if quote.source.text[quote.start : quote.end] != quote.exact:
        message = (
            f"quote {quote.exact[:40]!r} is not verbatim at {quote.start}-{quote.end}"
            f" of {quote.source.slug}"
        )
        return [Violation(path, message)]
    return []


def _active_kinds(caveats: list[Caveat]) -> set[CaveatKind]:
    return {caveat.kind for caveat in active(caveats)}


def _quoted(quotes: list[Quote], caveats: list[Caveat], path: Path) -> list[tuple[Path, Quote]]:
    """The quotes of a part and of its caveats, at their paths."""
    found = [((*path, "quotes", index), quote) for index, quote in enumerate(quotes)]
    for caveat in caveats:
        where: Path = (*path, "caveats", caveat.position, "quotes")
        found += [((*where, index), quote) for index, quote in enumerate(caveat.quotes)]
    return found


def _quotes_problems(
    quotes: list[Quote], caveats: list[Caveat], what: str, path: Path = ()
) -> list[Violation]:
    problems = [] if quotes else [Violation((*path, "quotes"), f"{what} has no quote")]
    for where, quote in _quoted(quotes, caveats, path):
        problems += quote_problems(quote, where)
    return problems


def rule_caveat_problems(
    caveats: list[Caveat], expected: Iterable[rules.DerivedCaveat], what: str, path: Path = ()
) -> list[Violation]:
    """Rule caveats are exactly those the rules derive now, less those an editor wrote."""
    written = {caveat.kind for caveat in caveats if caveat.origin is not CaveatOrigin.rule}
    wanted = {d.kind: d for d in expected if d.kind not in written}
    stored = {caveat.kind: caveat for caveat in caveats if caveat.origin is CaveatOrigin.rule}
    where = (*path, "caveats")
    problems = [
        Violation(where, f"{what} lacks {kind}, which its data imply")
        for kind in sorted(wanted.keys() - stored)
    ]
    problems += [
        Violation(where, f"{what} carries {kind}, which its data do not imply")
        for kind in sorted(stored.keys() - wanted)
    ]
    for kind in sorted(wanted.keys() & stored):
        want, have = wanted[kind], stored[kind]
        if (have.severity, have.text) != (want.severity, want.text):
            message = f"{what}: {kind} should be {want.severity}: {want.text!r}"
            problems.append(Violation(where, message))
    return problems


def editorial_caveat_problems(caveats: list[Caveat], what: str, path: Path = ()) -> list[Violation]:
    return [
        Violation(
            (*path, "caveats", caveat.position, "reference"),
            f"{what}: editorial caveat {caveat.kind} has no reference",
        )
        for caveat in caveats
        if caveat.origin is CaveatOrigin.editorial and not caveat.reference
    ]


def claim_problems(claim: Claim) -> list[Violation]:
    what = f"claim {claim.slug}"
    path: Path = ("claims", claim.position)
    problems = _quotes_problems(claim.quotes, claim.caveats, what, path)
    problems += editorial_caveat_problems(claim.caveats, what, path)
    studies = [study_facts(study) for study in claim.studies]
    start = rules.starting_level(studies)
    if claim.starting_level != start:
        message = f"{what}: starting level {claim.starting_level} should be {start}"
        problems.append(Violation((*path, "studies"), message))
    computed = rules.compute_certainty(
        claim.starting_level, ((j.domain, j.judgement) for j in claim.judgements)
    )
    if claim.certainty != computed and not claim.override_reason:
        message = (
            f"{what}: certainty {claim.certainty} does not follow from its judgements"
            f" ({computed}) and gives no override reason"
        )
        problems.append(Violation((*path, "certainty"), message))
    problems += [
        Violation((*path, "wording"), f"{what}: {problem}")
        for problem in rules.wording_problems(claim.certainty, claim.wording)
    ]
    source_types = {quote.source.source_type for quote in claim.quotes}
    if rules.rests_on_secondary_sources_only(studies, source_types):
        if claim.certainty != Certainty.very_low:
            message = f"{what}: rests on secondary sources only, so it cannot be above very_low"
            problems.append(Violation((*path, "certainty"), message))
        if CaveatKind.unsupported_claim not in _active_kinds(claim.caveats):
            message = f"{what}: rests on secondary sources only but lacks unsupported_claim"
            problems.append(Violation((*path, "dismissed_caveats"), message))
    overstated = any(quote.relation is Relation.overstates for quote in claim.quotes)
    expected = rules.claim_caveats(
        studies, (source_facts(quote.source) for quote in claim.quotes), overstated
    )
    problems += rule_caveat_problems(claim.caveats, expected, what, path)
    if CaveatKind.overstated_in_source in _active_kinds(claim.caveats):
        problems += [
            Violation(
                (*path, "quotes", index, "relation"),
                f"{what} is marked overstated, yet a quote {quote.exact[:40]!r} supports it",
            )
            for index, quote in enumerate(claim.quotes)
            if quote.relation is Relation.supports
        ]
    return problems


def citation_problems(item: Recommendation | Mechanism | Study, what: str) -> list[Violation]:
    """A public item cites only public items: the studies its claims and targets rest on and the
    documents it quotes. Otherwise a reader finds its rating resting on evidence it no longer
    shows, or follows a link to a 404 or 410."""
    if item.status not in PUBLIC_STATUSES:
        return []
    cited: list[tuple[Path, str, ContentFields]] = []
    quotes = _quoted(item.quotes, item.caveats, ())
    # A study's `claims` are those citing it, not its own.
    for claim in [] if isinstance(item, Study) else item.claims:
        path: Path = ("claims", claim.position)
        cited += [((*path, "studies"), "study", study) for study in claim.studies]
        quotes += _quoted(claim.quotes, claim.caveats, path)
    for target in item.targets if isinstance(item, Recommendation) else []:
        path = ("targets", target.position)
        cited.append(((*path, "study"), "study", target.study))
        quotes += _quoted(target.quotes, [], path)
    cited += [(path, "source", quote.source) for path, quote in quotes]
    problems: dict[tuple[str, str], Violation] = {}
    for path, kind, other in cited:
        if other.status not in PUBLIC_STATUSES and (kind, other.slug) not in problems:
            message = (
                f"{what} is {item.status} but cites {kind} {other.slug}, which is {other.status}"
            )
            problems[(kind, other.slug)] = Violation(path, message)
    return list(problems.values())


def _claims_problems(claims: list[Claim]) -> list[Violation]:
    return [p for claim in claims for p in claim_problems(claim)]


def _rating_problems(
    claims: list[Claim], stored: Certainty, role: ClaimRole | None, rating: str, what: str
) -> list[Violation]:
    """A rating is the lowest certainty of the critical claims of its role."""
    counted = [c.certainty for c in claims if c.critical and role in (None, c.role)]
    if not counted:
        return [Violation(("claims",), f"{what} has no critical claim for its {rating}")]
    if rules.lowest_certainty(counted) != stored:
        message = f"{what}: {rating} {stored} is not the lowest of its critical claims"
        return [Violation(("claims",), message)]
    return []


def _item_commercial_problems(
    item: Recommendation | Mechanism, quotes: list[Quote], what: str
) -> list[Violation]:
    studies = [study_facts(study) for claim in item.claims for study in claim.studies]
    expected = rules.item_caveats(studies, (source_facts(quote.source) for quote in quotes))
    return rule_caveat_problems(
        [c for c in item.caveats if c.kind is CaveatKind.commercial_interest], expected, what
    )


def target_problems(target: RecommendationTarget, what: str) -> list[Violation]:
    where = f"{what}: target {target.label!r}"
    path: Path = ("targets", target.position)
    problems = []
    if not (target.study.traceable and (target.study.doi or target.study.pmid)):
        message = f"{where} rests on {target.study.slug}, which is not a verified record"
        problems.append(Violation((*path, "study"), message))
    for quote in target.quotes:
        problems += quote_problems(quote, (*path, "quote"))
        if quote.relation is Relation.overstates:
            message = f"{where} is taken from a quote marked overstates"
            problems.append(Violation((*path, "quote", "relation"), message))
    return problems


def recommendation_problems(item: Recommendation) -> list[Violation]:
    what = f"recommendation {item.slug}"
    problems = _quotes_problems(item.quotes, item.caveats, what)
    problems += editorial_caveat_problems(item.caveats, what)
    problems += _claims_problems(item.claims)
    if not item.claims:
        problems.append(Violation(("claims",), f"{what} rests on no claim"))
    problems += _rating_problems(item.claims, item.certainty, ClaimRole.advice, "certainty", what)
    problems += _rating_problems(
        item.claims,
        item.rationale_certainty,
        ClaimRole.gut_rationale,
        "gut-rationale certainty",
        what,
    )
    problems += [
        Violation(("strength",), f"{what}: {problem}")
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
    problems += [
        Violation(("see_a_professional_if", *([index] if index >= 0 else [])), f"{what}: {message}")
        for index, message in rules.see_a_professional_problems(
            item.topic, item.see_a_professional_if
        )
    ]
    if len(item.tip) > 160:
        problems.append(Violation(("tip",), f"{what}: tip is longer than 160 characters"))
    return problems + rendition_problems(item) + citation_problems(item, what)


def rendition_problems(item: Recommendation) -> list[Violation]:
    """Each rendition within its length, shorter than the next, worded at the item's ratings."""
    texts = [getattr(item, rendition.field) for rendition in renditions.RENDITIONS]
    longer = [*(len(text) for text in texts[1:]), None]
    return [
        Violation((rendition.field,), f"recommendation {item.slug}: {problem}")
        for rendition, text, limit in zip(renditions.RENDITIONS, texts, longer, strict=True)
        for problem in renditions.rendition_problems(
            rendition, text, item.certainty, item.rationale_certainty, limit
        )
    ]


def mechanism_problems(item: Mechanism) -> list[Violation]:
    what = f"mechanism {item.slug}"
    problems = _quotes_problems(item.quotes, item.caveats, what)
    problems += editorial_caveat_problems(item.caveats, what)
    problems += _claims_problems(item.claims)
    problems += [
        Violation(
            ("claims", claim.position, "role"),
            f"{what}: claim {claim.slug} has the role {claim.role}, which only recommendations"
            " have",
        )
        for claim in item.claims
        if claim.role in RECOMMENDATION_ROLES
    ]
    problems += _rating_problems(item.claims, item.certainty, None, "certainty", what)
    quotes = [*item.quotes, *(q for claim in item.claims for q in claim.quotes)]
    return problems + _item_commercial_problems(item, quotes, what) + citation_problems(item, what)


def study_problems(item: Study) -> list[Violation]:
    what = f"study {item.slug}"
    problems = []
    if item.sources:
        problems += _quotes_problems(item.quotes, item.caveats, what)
    elif not (item.doi or item.pmid):
        message = f"{what} is reported by no source document and has no verified identifier"
        problems.append(Violation(("sources",), message))
    problems += editorial_caveat_problems(item.caveats, what)
    if not record_kind_fits_design(item.record_kind, item.design):
        message = f"{what}: a {item.record_kind} cannot have the design {item.design}"
        problems.append(Violation(("design",), message))
    for name, identifier in (("DOI", item.doi), ("PMID", item.pmid)):
        if identifier and identifier not in item.identification_note:
            message = (
                f"{what}: its {name} {identifier} is not named in the note on how it was verified"
            )
            problems.append(Violation(("identification_note",), message))
    problems += citation_problems(item, what)
    return problems + rule_caveat_problems(
        item.caveats, rules.study_caveats(study_facts(item)), what
    )


def source_problems(item: SourceDocument) -> list[Violation]:
    """People are named as the document names them, and quoted from it."""
    what = f"source {item.slug}"
    problems = rule_caveat_problems(item.caveats, rules.source_caveats(source_facts(item)), what)
    problems += editorial_caveat_problems(item.caveats, what)
    for person in item.people:
        who = f"{what}: person {person.name}"
        path: Path = ("people", person.position)
        stated = {
            "name": person.name,
            "role_as_stated": person.role_as_stated,
            "affiliation_as_stated": person.affiliation_as_stated,
        }
        for field_name, words in stated.items():
            if words and words not in item.text:
                message = f"{who}: {words!r} is not as the document states it"
                problems.append(Violation((*path, field_name), message))
        problems += _quotes_problems(person.quotes, [], who, path)
        if any(quote.source_id != item.id for quote in person.quotes):
            message = f"{who}: quoted from another document"
            problems.append(Violation((*path, "quotes"), message))
    return problems
