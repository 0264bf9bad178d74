"""Query pieces every content kind uses: visibility, caveat filters, eager loading."""

from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.core.errors import Gone, NotFound
from app.core.types import utcnow
from app.evidence.loading import Eager, plain_select, read
from app.evidence.vocabulary import (
    CERTAINTY_RANK,
    PUBLIC_STATUSES,
    CaveatKind,
    Certainty,
    Status,
)
from app.models import Caveat, Claim, PersonQuoted, Quote


def is_public(model: Any) -> sa.ColumnElement[bool]:
    return model.status.in_(list(PUBLIC_STATUSES))


def certainty_at_least(column: Any, floor: Certainty) -> sa.ColumnElement[bool]:
    allowed = [level for level, rank in CERTAINTY_RANK.items() if rank >= CERTAINTY_RANK[floor]]
    return column.in_(allowed)


def has_caveat(
    model: Any, owner_column: str, kind: CaveatKind, *, via_claims: bool = True
) -> sa.ColumnElement[bool]:
    """The item, or one of its claims, carries an active caveat of this kind."""
    if kind is CaveatKind.evidence_may_be_outdated:
        return model.next_review_due < utcnow().date()
    owners = [getattr(Caveat, owner_column) == model.id]
    if via_claims:
        claim_ids = (
            sa.select(col(Claim.id))
            .where(getattr(Claim, owner_column) == model.id)
            .correlate(model)
        )
        owners.append(Caveat.claim_id.in_(claim_ids))
    return sa.exists().where(
        Caveat.kind == kind, Caveat.dismissed_reason.is_(None), sa.or_(*owners)
    )


def with_quotes(relationship: Any) -> Eager:
    """The quotes of a relationship, with their source documents."""
    return Eager(relationship, Eager(Quote.source))


def with_caveats(relationship: Any) -> Eager:
    return Eager(relationship, with_quotes(Caveat.quotes))


def with_people_quotes(relationship: Any) -> Eager:
    return Eager(relationship, with_quotes(PersonQuoted.quotes))


def with_claim_caveats(relationship: Any) -> Eager:
    """Claims with their caveats, as a summary's top caveat needs them."""
    return Eager(relationship, with_caveats(Claim.caveats))


def with_claims(relationship: Any) -> Eager:
    """Claims with everything a detail shows of them."""
    return Eager(
        relationship,
        Eager(Claim.judgements),
        Eager(Claim.studies),
        with_quotes(Claim.quotes),
        with_caveats(Claim.caveats),
    )


def linked_to(own_key: Any, other_key: Any, other: Any, slug: str) -> sa.ColumnElement[bool]:
    """The row is linked, through an association table, to the item of `other` with this slug."""
    return sa.exists().where(own_key, other_key == other.id, other.slug == slug)


def _after(query: Any, model: Any, after: str | None, limit: int) -> Any:
    """`query` narrowed to `limit + 1` rows after the slug `after`, in slug order, so the caller
    sees if more follow."""
    if after is not None:
        query = query.where(model.slug > after)
    return query.order_by(model.slug).limit(limit + 1)


def keyset_page(
    session: Session,
    model: Any,
    clauses: list[sa.ColumnElement[bool]],
    loading: Sequence[Eager],
    after: str | None,
    limit: int,
) -> list[Any]:
    """Up to `limit + 1` plain rows (see app/evidence/loading.py) after the slug `after`."""
    query = _after(plain_select(model).where(*clauses), model, after, limit)
    return read(session, model, query, loading)


def _key_select(model: Any) -> Any:
    """What a key row holds: all a representation kept in app/core/item_cache.py needs."""
    return sa.select(model.id, model.slug, model.version, model.language)


@lru_cache(maxsize=512)
def _keys_page(
    model: Any,
    filter_clauses: Callable[[Any], list[sa.ColumnElement[bool]]],
    filters_type: type[BaseModel],
    filters: tuple[tuple[str, Any], ...],
    paged: bool,
) -> Any:
    """The statement of a page of key rows, for one model, set of filter values and whether it
    follows a cursor; the cursor's slug and the limit are bound. Kept, so that a page asked for
    again costs neither building it nor its cache key."""
    keys = _key_select(model).where(*filter_clauses(filters_type.model_construct(**dict(filters))))
    if paged:
        keys = keys.where(model.slug > sa.bindparam("after"))
    return keys.order_by(model.slug).limit(sa.bindparam("limit"))


def keyset_keys(
    session: Session,
    model: Any,
    filter_clauses: Callable[[Any], list[sa.ColumnElement[bool]]],
    filters: BaseModel,
    after: str | None,
    limit: int,
) -> list[Any]:
    """The page `keyset_page` reads for `filter_clauses(filters)`, as key rows: each row's
    `id`, `slug`, `version` and `language`."""
    shape = tuple(filters.model_dump().items())
    statement = _keys_page(model, filter_clauses, type(filters), shape, after is not None)
    params = {"after": after, "limit": limit + 1}
    return list(session.connection().execute(statement, params).all())


@cache
def _published_by_slug(model: Any) -> Any:
    """Built once per model, so that its cache key is too."""
    return plain_select(model).where(model.slug == sa.bindparam("slug"), is_public(model))


@cache
def _published_key(model: Any) -> Any:
    return _key_select(model).where(model.slug == sa.bindparam("slug"), is_public(model))


def _absent(session: Session, model: Any, slug: str, noun: str) -> Exception:
    """Why no published item has the slug: 410 if it was withdrawn, else 404."""
    withdrawn = select(model.id).where(model.slug == slug, model.status == Status.withdrawn)
    if session.exec(withdrawn).first() is not None:
        return Gone(f"The {noun} '{slug}' was withdrawn; the change feed records when.")
    return NotFound(f"No published {noun} has the slug '{slug}'.")


def published_by_slug(
    session: Session, model: Any, slug: str, loading: Sequence[Eager], noun: str
) -> Any:
    """The published item as a plain row (see app/evidence/loading.py), with its plan loaded."""
    found = read(session, model, _published_by_slug(model), loading, {"slug": slug})
    if not found:
        raise _absent(session, model, slug, noun)
    return found[0]


def published_key(session: Session, model: Any, slug: str, noun: str) -> Any:
    """The published item as a key row, as `keyset_keys` reads them."""
    found = session.connection().execute(_published_key(model), {"slug": slug}).first()
    if found is None:
        raise _absent(session, model, slug, noun)
    return found
