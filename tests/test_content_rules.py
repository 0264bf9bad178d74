"""The content rules hold for the seeded content, and each rule catches the defect it names.

Each tampering test breaks one rule directly in a loaded database and expects the content
report (the same checks the loader applies) to name the defect.
"""

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app.cli import cli
from app.evidence.report import content_report
from app.evidence.vocabulary import (
    CHILDHOOD_AND_PREGNANCY,
    SECONDARY_SOURCE_TYPES,
    CaveatKind,
    CaveatOrigin,
    Certainty,
    ClaimRole,
    OutcomeKind,
    RecordKind,
    Relation,
    Severity,
    Strength,
)
from app.models import (
    Caveat,
    Claim,
    ClaimStudy,
    PersonQuoted,
    Quote,
    Recommendation,
    RecommendationLifeStage,
    SourceDocument,
    Study,
)
from app.seeding.loader import load_seed
from tests.conftest import SEED_DIR


def test_seeded_content_keeps_every_rule(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session:
        report = content_report(session)
    assert report.problems == []
    assert report.items["recommendations"] > 0
    assert report.items["claims"] > 0


def test_report_flags_very_low_claims_a_verified_review_addresses(loaded: Session) -> None:
    addressed = (
        select(ClaimStudy.claim_id)
        .join(Study, col(Study.id) == ClaimStudy.study_id)
        .where(col(Study.record_kind).in_([RecordKind.systematic_review, RecordKind.guideline]))
    )
    claim_id = _first(
        loaded,
        addressed.where(
            col(ClaimStudy.claim_id).in_(
                select(Claim.id).where(Claim.certainty != Certainty.very_low)
            )
        ),
    )
    claim = loaded.get(Claim, claim_id)
    assert claim is not None
    assert not any(line.startswith(f"{claim.slug}:") for line in content_report(loaded).underrated)
    loaded.execute(
        sa.update(Claim).where(col(Claim.id) == claim_id).values(certainty=Certainty.very_low)
    )
    loaded.commit()
    assert any(line.startswith(f"{claim.slug}:") for line in content_report(loaded).underrated)


def test_report_command_prints_counts(
    monkeypatch: pytest.MonkeyPatch, seeded_engine: Engine
) -> None:
    monkeypatch.setattr("app.cli.get_engine", lambda: seeded_engine)
    result = CliRunner().invoke(cli, ["report"])
    assert result.exit_code == 0, result.output
    for heading in ("items", "claims by certainty", "active caveats by kind", "content rule"):
        assert heading in result.output
    assert "regular-exercise: moderate / very_low" in result.output


@pytest.fixture
def loaded(scratch_engine: Engine) -> Iterator[Session]:
    with Session(scratch_engine) as session:
        load_seed(session, SEED_DIR)
        session.commit()
        yield session


def _problems(session: Session) -> list[str]:
    session.commit()
    return content_report(session).problems


def _first(session: Session, query: sa.Select) -> int:
    found = session.exec(query).first()
    assert found is not None, "the seed lacks an item this rule test needs"
    return found


def _secondary_only_claim(session: Session) -> int:
    with_study = select(ClaimStudy.claim_id)
    secondary = (
        select(Quote.claim_id)
        .join(SourceDocument)
        .where(col(SourceDocument.source_type).in_(list(SECONDARY_SOURCE_TYPES)))
    )
    return _first(
        session,
        select(Claim.id).where(col(Claim.id).not_in(with_study), col(Claim.id).in_(secondary)),
    )


def shift_a_quote(session: Session) -> str:
    quote_id = _first(session, select(Quote.id))
    session.execute(sa.update(Quote).where(col(Quote.id) == quote_id).values(start=Quote.start + 1))
    return "is not verbatim"


def overrate_a_claim(session: Session) -> str:
    claim_id = _first(session, select(Claim.id).where(col(Claim.override_reason).is_(None)))
    claim = session.get(Claim, claim_id)
    assert claim is not None
    higher = Certainty.high if claim.certainty != Certainty.high else Certainty.low
    session.execute(sa.update(Claim).where(col(Claim.id) == claim_id).values(certainty=higher))
    return "does not follow from its judgements"


def make_weak_evidence_strong(session: Session) -> str:
    rec_id = _first(
        session,
        select(Recommendation.id).where(
            col(Recommendation.certainty).in_([Certainty.low, Certainty.very_low])
        ),
    )
    session.execute(
        sa.update(Recommendation)
        .where(col(Recommendation.id) == rec_id)
        .values(strength=Strength.strong)
    )
    return "needs at least moderate certainty"


def make_surrogate_advice_strong(session: Session) -> str:
    rec_id = _first(session, select(Recommendation.id))
    session.execute(
        sa.update(Claim)
        .where(col(Claim.recommendation_id) == rec_id)
        .values(
            outcome_kind=OutcomeKind.surrogate,
            certainty=Certainty.moderate,
            override_reason="raised to test the strength rule",
        )
    )
    session.execute(
        sa.update(Recommendation)
        .where(col(Recommendation.id) == rec_id)
        .values(strength=Strength.strong, certainty=Certainty.moderate)
    )
    return "cannot rest on mechanisms or surrogate outcomes alone"


def drop_consult_professional(session: Session) -> str:
    rec_id = _first(
        session,
        select(RecommendationLifeStage.recommendation_id).where(
            col(RecommendationLifeStage.life_stage).in_(list(CHILDHOOD_AND_PREGNANCY))
        ),
    )
    session.execute(
        sa.delete(Caveat).where(
            col(Caveat.recommendation_id) == rec_id,
            col(Caveat.kind) == CaveatKind.consult_professional,
        )
    )
    return "lacks consult_professional"


def rate_secondary_claim_low(session: Session) -> str:
    claim_id = _secondary_only_claim(session)
    session.execute(
        sa.update(Claim)
        .where(col(Claim.id) == claim_id)
        .values(certainty=Certainty.low, override_reason="an editor insisted")
    )
    return "cannot be above very_low"


def drop_unsupported_claim(session: Session) -> str:
    claim_id = _secondary_only_claim(session)
    session.execute(
        sa.delete(Caveat).where(
            col(Caveat.claim_id) == claim_id, col(Caveat.kind) == CaveatKind.unsupported_claim
        )
    )
    return "lacks unsupported_claim"


def unquote_an_item(session: Session) -> str:
    rec_id = _first(session, select(Recommendation.id))
    session.execute(sa.delete(Quote).where(col(Quote.recommendation_id) == rec_id))
    return "has no quote"


def unquote_a_claim(session: Session) -> str:
    claim_id = _first(session, select(Claim.id))
    session.execute(sa.delete(Quote).where(col(Quote.claim_id) == claim_id))
    return "has no quote"


def misstate_an_affiliation(session: Session) -> str:
    person_id = _first(session, select(PersonQuoted.id))
    session.execute(
        sa.update(PersonQuoted)
        .where(col(PersonQuoted.id) == person_id)
        .values(affiliation_as_stated="Harvard Medical School")
    )
    return "is not as the document states it"


def _add_rule_caveat(session: Session, claim_id: int, kind: CaveatKind) -> None:
    session.add(
        Caveat(
            claim_id=claim_id,
            kind=kind,
            origin=CaveatOrigin.rule,
            severity=Severity.caution,
            text="tampered",
            position=99,
        )
    )


def single_study_caveat_on_a_synthesis(session: Session) -> str:
    synthesis = (
        select(ClaimStudy.claim_id)
        .join(Study, col(Study.id) == ClaimStudy.study_id)
        .where(col(Study.record_kind) != RecordKind.single_study)
    )
    _add_rule_caveat(session, _first(session, synthesis), CaveatKind.single_study_unreplicated)
    return "carries single_study_unreplicated, which its data do not imply"


def surrogate_caveat_without_a_study(session: Session) -> str:
    no_study = select(Claim.id).where(col(Claim.id).not_in(select(ClaimStudy.claim_id)))
    _add_rule_caveat(session, _first(session, no_study), CaveatKind.surrogate_outcome)
    return "carries surrogate_outcome, which its data do not imply"


def overstate_a_wording(session: Session) -> str:
    claim_id = _first(session, select(Claim.id).where(Claim.certainty == Certainty.very_low))
    session.execute(
        sa.update(Claim)
        .where(col(Claim.id) == claim_id)
        .values(wording="Regular exercise improves mood.")
    )
    return "wording at very_low certainty must say"


def drop_the_gut_rationale(session: Session) -> str:
    rec_id = _first(session, select(Recommendation.id))
    session.execute(
        sa.update(Claim)
        .where(col(Claim.recommendation_id) == rec_id, Claim.role == ClaimRole.gut_rationale)
        .values(role=ClaimRole.supporting)
    )
    return "has no critical claim for its gut-rationale certainty"


def drop_the_advice(session: Session) -> str:
    rec_id = _first(session, select(Recommendation.id))
    session.execute(
        sa.update(Claim)
        .where(col(Claim.recommendation_id) == rec_id, Claim.role == ClaimRole.advice)
        .values(critical=False)
    )
    return "has no critical claim for its certainty"


def support_an_overstated_claim(session: Session) -> str:
    overstated = select(Caveat.claim_id).where(
        Caveat.kind == CaveatKind.overstated_in_source, col(Caveat.claim_id).is_not(None)
    )
    claim_id = _first(session, overstated)
    quote_id = _first(session, select(Quote.id).where(Quote.claim_id == claim_id))
    session.execute(
        sa.update(Quote).where(col(Quote.id) == quote_id).values(relation=Relation.supports)
    )
    return "is marked overstated, yet a quote"


def take_a_target_from_an_overstatement(session: Session) -> str:
    quote_id = _first(session, select(Quote.id).where(col(Quote.target_id).is_not(None)))
    session.execute(
        sa.update(Quote).where(col(Quote.id) == quote_id).values(relation=Relation.overstates)
    )
    return "is taken from a quote marked overstates"


def unverify_an_identifier(session: Session) -> str:
    study_id = _first(session, select(Study.id).where(col(Study.pmid).is_not(None)))
    session.execute(
        sa.update(Study).where(col(Study.id) == study_id).values(identification_note="checked")
    )
    return "is not named in the note on how it was verified"


def drop_commercial_interest(session: Session) -> str:
    caveat_id = _first(
        session,
        select(Caveat.id).where(
            Caveat.kind == CaveatKind.commercial_interest, col(Caveat.claim_id).is_not(None)
        ),
    )
    session.execute(sa.delete(Caveat).where(col(Caveat.id) == caveat_id))
    return "lacks commercial_interest"


def mislabel_a_guideline(session: Session) -> str:
    study_id = _first(session, select(Study.id).where(Study.record_kind == RecordKind.guideline))
    session.execute(
        sa.update(Study)
        .where(col(Study.id) == study_id)
        .values(record_kind=RecordKind.single_study)
    )
    return "cannot have the design guideline"


TAMPERING: list[Callable[[Session], str]] = [
    shift_a_quote,
    overrate_a_claim,
    make_weak_evidence_strong,
    make_surrogate_advice_strong,
    drop_consult_professional,
    rate_secondary_claim_low,
    drop_unsupported_claim,
    unquote_an_item,
    unquote_a_claim,
    misstate_an_affiliation,
    single_study_caveat_on_a_synthesis,
    surrogate_caveat_without_a_study,
    overstate_a_wording,
    drop_the_gut_rationale,
    drop_the_advice,
    support_an_overstated_claim,
    take_a_target_from_an_overstatement,
    unverify_an_identifier,
    mislabel_a_guideline,
    drop_commercial_interest,
]


@pytest.mark.parametrize("tamper", TAMPERING, ids=lambda tamper: tamper.__name__)
def test_rule_catches_defect(loaded: Session, tamper: Callable[[Session], str]) -> None:
    assert _problems(loaded) == []
    expected = tamper(loaded)
    problems = _problems(loaded)
    assert any(expected in problem for problem in problems), problems
