"""ContentWriter writing a batch of items in one transaction, as the scale dataset does."""

import copy
from typing import Any

import jsonpatch
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from app.evidence.vocabulary import ItemKind, Status
from app.models import Claim, ContentChange, Quote, Recommendation, Revision
from app.seeding.loader import load_seed
from app.writing.errors import ContentInvalid
from app.writing.kinds import BY_KIND
from app.writing.writer import ContentWriter
from tests.conftest import SEED_DIR

SPEC = BY_KIND[ItemKind.recommendation]


def _copies(engine: Engine, slug: str, count: int) -> list[dict[str, Any]]:
    """The seeded item under new slugs, its claims renamed."""
    with Session(engine) as session:
        load_seed(session, SEED_DIR)
        session.commit()
        row = session.exec(select(Recommendation).where(Recommendation.slug == slug)).one()
        original = row.document or {}
    documents = []
    for number in range(count):
        document = copy.deepcopy(original)
        document["slug"] = f"{slug}-copy-{number}"
        for claim in document["claims"]:
            claim["slug"] = f"{claim['slug']}-copy-{number}"
        documents.append(document)
    return documents


def _write(engine: Engine, documents: list[dict[str, Any]]) -> None:
    with Session(engine) as session:
        writer = ContentWriter(session, "batch-test")
        writer.read_ahead(SPEC, documents)
        for document in documents:
            writer.write(SPEC, document, Status.published, None)
        writer.finish()
        session.commit()


def _quotes_of(session: Session, slug: str) -> int:
    rec_id = select(Recommendation.id).where(Recommendation.slug == slug).scalar_subquery()
    claims = select(Claim.id).where(Claim.recommendation_id == rec_id)
    query = select(func.count()).where(
        (Quote.recommendation_id == rec_id) | col(Quote.claim_id).in_(claims)
    )
    return session.exec(query).one()


def test_a_batch_stores_what_single_writes_store(scratch_engine: Engine) -> None:
    documents = _copies(scratch_engine, "manage-stress", 4)
    _write(scratch_engine, documents[:1])
    _write(scratch_engine, documents[1:])
    with Session(scratch_engine) as session:
        single = _quotes_of(session, documents[0]["slug"])
        assert single == _quotes_of(session, "manage-stress")
        for document in documents[1:]:
            assert _quotes_of(session, document["slug"]) == single
            revision = session.exec(select(Revision).where(Revision.slug == document["slug"])).one()
            assert revision.diff == jsonpatch.make_patch({}, revision.document).patch
        changes = session.exec(
            select(ContentChange.slug).order_by(col(ContentChange.id).desc()).limit(4)
        ).all()
        assert sorted(changes) == sorted(document["slug"] for document in documents)


def test_a_claim_slug_taken_earlier_in_the_batch_is_refused_by_name(
    scratch_engine: Engine,
) -> None:
    documents = _copies(scratch_engine, "manage-stress", 2)
    documents[1]["claims"][0]["slug"] = documents[0]["claims"][0]["slug"]
    with pytest.raises(ContentInvalid) as refused:
        _write(scratch_engine, documents)
    assert refused.value.slug == documents[1]["slug"]
    assert refused.value.violations[0].path == ("claims", 0, "slug")
