"""The seed loader: validated, idempotent by slug, versioned on change, all or nothing."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select
from typer.testing import CliRunner

from app.cli import cli
from app.models import Quote, Recommendation, SourceDocument
from app.seeding.loader import SeedError, load_seed
from tests.conftest import SEED_DIR


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, so that 'nothing changed' can be asserted exactly."""
    with engine.connect() as connection:
        return {
            name: sorted(map(tuple, connection.execute(sa.select(table)).all()), key=repr)
            for name, table in SQLModel.metadata.tables.items()
        }


def _load(engine: Engine, directory: Path) -> Any:
    with Session(engine) as session:
        report = load_seed(session, directory)
        session.commit()
    return report


def edit_seed(directory: Path, kind: str, change: Callable[[list[dict[str, Any]]], None]) -> None:
    path = directory / "content" / f"{kind}.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(items)
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_second_run_changes_nothing(scratch_engine: Engine) -> None:
    first = _load(scratch_engine, SEED_DIR)
    assert sum(first.created.values()) > 0
    before = _snapshot(scratch_engine)
    second = _load(scratch_engine, SEED_DIR)
    assert sum(second.created.values()) == sum(second.updated.values()) == 0
    assert sum(second.unchanged.values()) == sum(first.created.values())
    assert _snapshot(scratch_engine) == before


def test_sources_are_stored_byte_for_byte(scratch_engine: Engine) -> None:
    _load(scratch_engine, SEED_DIR)
    with Session(scratch_engine) as session:
        for source in session.exec(select(SourceDocument)):
            raw = (SEED_DIR / "sources" / source.filename).read_bytes()
            assert source.text.encode("utf-8") == raw
            assert len(source.sha256) == 64
            assert source.sha256 == __import__("hashlib").sha256(raw).hexdigest()


def test_quotes_are_verbatim_at_their_offsets(scratch_engine: Engine) -> None:
    _load(scratch_engine, SEED_DIR)
    with Session(scratch_engine) as session:
        texts = {s.id: s.text for s in session.exec(select(SourceDocument))}
        quotes = list(session.exec(select(Quote)))
    assert quotes
    for quote in quotes:
        assert texts[quote.source_id][quote.start : quote.end] == quote.exact


def test_edit_updates_item_and_bumps_version(scratch_engine: Engine, seed_copy: Path) -> None:
    _load(scratch_engine, seed_copy)
    with Session(scratch_engine) as session:
        first = session.exec(select(Recommendation).order_by(Recommendation.slug)).first()
        assert first is not None
        slug, version = first.slug, first.version

    def retitle(items: list[dict[str, Any]]) -> None:
        next(item for item in items if item["slug"] == slug)["title"] = "A new title"

    edit_seed(seed_copy, "recommendations", retitle)
    report = _load(scratch_engine, seed_copy)
    assert report.updated["recommendations"] == 1
    assert report.created["recommendations"] == 0
    with Session(scratch_engine) as session:
        edited = session.exec(select(Recommendation).where(Recommendation.slug == slug)).one()
        assert edited.title == "A new title"
        assert edited.version == version + 1
    again = _load(scratch_engine, seed_copy)
    assert again.updated["recommendations"] == 0


def _first_claim_quote(items: list[dict[str, Any]]) -> dict[str, Any]:
    return items[0]["claims"][0]["quotes"][0]


MALFORMED: dict[str, tuple[str, Callable[[list[dict[str, Any]]], None], str]] = {
    "missing field": ("recommendations", lambda items: items[0].pop("tip"), "tip"),
    "bad enum": (
        "recommendations",
        lambda items: items[0].update(topic="astrology"),
        "topic",
    ),
    "tip too long": ("recommendations", lambda items: items[0].update(tip="x" * 161), "tip"),
    "quote not in document": (
        "recommendations",
        lambda items: _first_claim_quote(items).update(exact="words nobody wrote"),
        "claims.0.quotes.0",
    ),
    "quote at wrong offset": (
        "recommendations",
        lambda items: _first_claim_quote(items).update(start=0),
        "claims.0.quotes.0",
    ),
    "unknown study": (
        "recommendations",
        lambda items: items[0]["claims"][0].update(studies=["no-such-study"]),
        "claims.0.studies",
    ),
    "no gut-rationale claim": (
        "recommendations",
        lambda items: [claim.update(role="supporting") for claim in items[0]["claims"][1:]],
        "-",
    ),
    "wording above its certainty": (
        "recommendations",
        lambda items: items[0]["claims"][0].update(wording="Breastfeeding protects babies."),
        "claims.0.wording",
    ),
    "target taken from an overstatement": (
        "recommendations",
        lambda items: items[0]["targets"][0]["quote"].update(relation="overstates"),
        "targets.0.quote",
    ),
    "unreported study without an identifier": (
        "studies",
        lambda items: [item.update(doi=None, pmid=None) for item in items if not item["sources"]],
        "-",
    ),
    "symptom advice that does not say when to see a professional": (
        "recommendations",
        lambda items: items[0].pop("see_a_professional_if"),
        "see_a_professional_if",
    ),
    "a country-specific service": (
        "recommendations",
        lambda items: items[0]["see_a_professional_if"].__setitem__(
            0, "your baby is unwell and you cannot reach your GP"
        ),
        "see_a_professional_if.0",
    ),
    "an empty condition": (
        "recommendations",
        lambda items: items[0]["see_a_professional_if"].append(""),
        "see_a_professional_if.3",
    ),
    "certainty not following judgements": (
        "recommendations",
        lambda items: items[0]["claims"][0].update(
            certainty="high", override_reason=None, studies=[]
        ),
        "claims.0.",
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_seed_is_refused_whole(
    scratch_engine: Engine, seed_copy: Path, case: str
) -> None:
    kind, change, field = MALFORMED[case]
    edit_seed(seed_copy, kind, change)
    before = _snapshot(scratch_engine)
    with Session(scratch_engine) as session, pytest.raises(SeedError) as refused:
        load_seed(session, seed_copy)
    assert refused.value.file == f"content/{kind}.yaml"
    assert refused.value.item != "-"
    assert refused.value.field.startswith(field)
    assert _snapshot(scratch_engine) == before


def test_cli_reports_refusal(scratch_engine: Engine, seed_copy: Path, monkeypatch: Any) -> None:
    edit_seed(seed_copy, "studies", lambda items: items[0].update(design="hunch"))
    monkeypatch.setattr("app.cli.get_engine", lambda: scratch_engine)
    monkeypatch.setenv("SEED_DIR", str(seed_copy))
    monkeypatch.setattr(
        "app.cli.get_settings", lambda: __import__("app.core.config").core.config.Settings()
    )
    result = CliRunner().invoke(cli, ["seed"])
    assert result.exit_code == 1
    assert "content/studies.yaml" in result.output
    assert "design" in result.output
