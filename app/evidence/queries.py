"""Query pieces every content kind uses: visibility, caveat filters, eager loading."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad
from sqlmodel import col

from app.evidence.vocabulary import CERTAINTY_RANK, PUBLIC_STATUSES, CaveatKind, Certainty
from app.models import Caveat, Claim, Quote


def is_public(model: Any) -> sa.ColumnElement[bool]:
    return model.status.in_(list(PUBLIC_STATUSES))


def certainty_at_least(column: Any, floor: Certainty) -> sa.ColumnElement[bool]:
    allowed = [level for level, rank in CERTAINTY_RANK.items() if rank >= CERTAINTY_RANK[floor]]
    return column.in_(allowed)


def has_caveat(model: Any, owner_column: str, kind: CaveatKind) -> sa.ColumnElement[bool]:
    """The item, or one of its claims, carries an active caveat of this kind."""
    claim_ids = (
        sa.select(col(Claim.id)).where(getattr(Claim, owner_column) == model.id).correlate(model)
    )
    return sa.exists().where(
        Caveat.kind == kind,
        Caveat.dismissed_reason.is_(None),
        sa.or_(getattr(Caveat, owner_column) == model.id, Caveat.claim_id.in_(claim_ids)),
    )


def with_quotes(relationship: Any) -> _AbstractLoad:
    return selectinload(relationship).selectinload(Quote.source)


def with_caveats(relationship: Any) -> _AbstractLoad:
    return selectinload(relationship).selectinload(Caveat.quotes).selectinload(Quote.source)


def with_claim_caveats(relationship: Any) -> _AbstractLoad:
    """Claims with their caveats, as a summary's top caveat needs them."""
    return (
        selectinload(relationship)
        .selectinload(Claim.caveats)
        .selectinload(Caveat.quotes)
        .selectinload(Quote.source)
    )


def claim_loading(relationship: Any) -> list[_AbstractLoad]:
    claims = selectinload(relationship)
    return [
        claims.selectinload(Claim.judgements),
        claims.selectinload(Claim.studies),
        claims.selectinload(Claim.quotes).selectinload(Quote.source),
        claims.selectinload(Claim.caveats).selectinload(Caveat.quotes).selectinload(Quote.source),
    ]
