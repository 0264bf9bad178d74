"""Eager loading of relationships through statements built once.

SQLAlchemy's `selectinload` builds each child statement anew on every load and carries every
loader option of the parent query into it, so generating the statement's cache key costs more
than running it. Here each relationship has one statement, built on first use (its cache key
computed once), that takes the parents' keys as an expanding parameter; the children it finds
are set on their parents as loaded, as `selectinload` would set them, in the relationship's
order. A many-to-one relationship under a collection is joined into the collection's statement.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import RelationshipDirection, RelationshipProperty, defer, joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from app.models import ContentFields

# Parent keys per statement, as selectinload's chunks, to stay far below parameter limits.
CHUNK = 500


def unread(model: Any) -> list[Any]:
    """Loader options leaving out what no read shows: the input document a content item was
    written from, JSON kept for the editors (loaded on access, should anyone ask)."""
    return [defer(model.document)] if issubclass(model, ContentFields) else []


class Eager:
    """A relationship to load for many parents at once, and the relationships to load under it."""

    def __init__(self, relationship: Any, *under: "Eager") -> None:
        self.relationship = relationship
        self.under = under

    @cached_property
    def _property(self) -> RelationshipProperty[Any]:
        prop = self.relationship.property
        assert isinstance(prop, RelationshipProperty)
        return prop

    @property
    def joined(self) -> bool:
        """Many-to-one: loaded by joining it into the statement of the collection above it."""
        return self._property.direction is RelationshipDirection.MANYTOONE

    @cached_property
    def _keys(self) -> tuple[str, sa.ColumnElement[Any]]:
        """The parent's attribute holding the key, and the column the children are found by."""
        prop = self._property
        pairs = prop.synchronize_pairs if prop.secondary is not None else prop.local_remote_pairs
        ((parent_column, child_column),) = pairs
        return prop.parent.get_property_by_column(parent_column).key, child_column

    @cached_property
    def statement(self) -> sa.Select[Any]:
        """(parent key, child) rows for the parent keys bound as `keys`."""
        prop = self._property
        child = prop.mapper.class_
        _, key = self._keys
        query = sa.select(key, child).where(key.in_(sa.bindparam("keys", expanding=True)))
        if prop.secondary is not None:
            query = query.select_from(prop.secondary).join(child, prop.secondaryjoin)
        joins = [
            joinedload(eager.relationship).options(*unread(eager._property.mapper.class_))
            for eager in self.under
            if eager.joined
        ]
        return query.options(*unread(child), *joins).order_by(*(prop.order_by or ()))

    def fill(self, session: Session, parents: Sequence[Any]) -> list[Any]:
        """Set the relationship on every parent; returns the children, each once."""
        if self.joined:
            return _unique(getattr(parent, self._property.key) for parent in parents)
        parent_key, _ = self._keys
        by_key: dict[Any, list[Any]] = defaultdict(list)
        for parent in parents:
            by_key[getattr(parent, parent_key)].append(parent)
        keys = list(by_key)
        found: dict[Any, list[Any]] = defaultdict(list)
        for start in range(0, len(keys), CHUNK):
            chunk = {"keys": keys[start : start + CHUNK]}
            for key, child in session.execute(self.statement, chunk):
                found[key].append(child)
        for key, group in by_key.items():
            for parent in group:
                set_committed_value(parent, self._property.key, found.get(key, []))
        return _unique(child for children in found.values() for child in children)


def _unique(items: Iterable[Any]) -> list[Any]:
    return list({id(item): item for item in items if item is not None}.values())


def load(session: Session, parents: Sequence[Any], plan: Sequence[Eager]) -> None:
    """Load every relationship of `plan` for all `parents`, then what the plan puts under each;
    a relationship that is empty for every parent costs no statement below it."""
    parents = _unique(parents)
    if not parents:
        return
    for eager in plan:
        load(session, eager.fill(session, parents), eager.under)
