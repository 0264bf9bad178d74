"""A content report: what the database holds, how certain it is, and what breaks the rules."""

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.evidence.loading import load
from app.evidence.vocabulary import Certainty, RecordKind
from app.models import Caveat, Claim, ClaimStudy, Mechanism, Recommendation, SourceDocument, Study
from app.writing.kinds import CONTENT_KINDS


@dataclass
class ContentReport:
    items: Counter[str] = field(default_factory=Counter)
    claim_certainty: Counter[str] = field(default_factory=Counter)
    recommendation_certainty: Counter[str] = field(default_factory=Counter)
    strength: Counter[str] = field(default_factory=Counter)
    caveat_kinds: Counter[str] = field(default_factory=Counter)
    ratings: list[str] = field(default_factory=list)
    underrated: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        def section(title: str, counts: Counter[str]) -> list[str]:
            return [title, *(f"  {key}: {n}" for key, n in sorted(counts.items()))]

        def listing(title: str, lines: list[str]) -> list[str]:
            return [title, *(f"  {line}" for line in lines or ["none"])]

        return [
            *section("items", self.items),
            *section("recommendations by certainty", self.recommendation_certainty),
            *section("recommendations by strength", self.strength),
            *section("claims by certainty", self.claim_certainty),
            *section("active caveats by kind", self.caveat_kinds),
            *listing("recommendations: advice certainty / gut-rationale certainty", self.ratings),
            *listing(
                "very low claims that a verified guideline or systematic review addresses",
                self.underrated,
            ),
            *listing("content rule problems", self.problems),
        ]


VERIFIED_SYNTHESES = [RecordKind.guideline, RecordKind.systematic_review]


def underrated_claims(session: Session) -> list[str]:
    """Claims rated very low although a verified guideline or systematic review in the store
    addresses them: a prompt to an editor to check the rating, not a breach."""
    verified = (
        select(ClaimStudy.claim_id, Study.slug)
        .join(Study, col(Study.id) == ClaimStudy.study_id)
        .where(
            col(Study.record_kind).in_(VERIFIED_SYNTHESES),
            col(Study.traceable).is_(True),
            sa.or_(col(Study.doi).is_not(None), col(Study.pmid).is_not(None)),
        )
        .subquery()
    )
    rows = session.exec(
        select(Claim.slug, verified.c.slug)
        .join(verified, verified.c.claim_id == Claim.id)
        .where(Claim.certainty == Certainty.very_low)
        .order_by(Claim.slug, verified.c.slug)
    )
    return [f"{claim}: addressed by {study}" for claim, study in rows]


def content_report(session: Session) -> ContentReport:
    report = ContentReport()
    for name, model in (
        ("recommendations", Recommendation),
        ("mechanisms", Mechanism),
        ("studies", Study),
        ("sources", SourceDocument),
        ("claims", Claim),
    ):
        report.items[name] = session.exec(select(sa.func.count()).select_from(model)).one()
    for level, count in session.exec(
        select(Claim.certainty, sa.func.count()).group_by(Claim.certainty)
    ):
        report.claim_certainty[level] = count
    rows = session.exec(
        select(
            Recommendation.slug,
            Recommendation.certainty,
            Recommendation.rationale_certainty,
            Recommendation.strength,
        ).order_by(Recommendation.slug)
    )
    for slug, level, rationale, strength in rows:
        report.recommendation_certainty[level] += 1
        report.strength[strength] += 1
        report.ratings.append(f"{slug}: {level} / {rationale}")
    report.underrated = underrated_claims(session)
    active = select(Caveat.kind, sa.func.count()).where(col(Caveat.dismissed_reason).is_(None))
    for kind, count in session.exec(active.group_by(Caveat.kind)):
        report.caveat_kinds[kind] = count
    for spec in CONTENT_KINDS:
        items = list(session.exec(select(spec.model)))
        load(session, items, spec.loading)
        for item in items:
            report.problems += [str(problem) for problem in spec.check(item)]
    return report
