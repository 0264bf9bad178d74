"""Eager loading of relationships through statements built once.

SQLAlchemy's `selectinload` builds each child statement anew on every load and carries every
loader option of the parent query into it, so generating the statement's cache key costs more
than running it. Here a statement is built once (its cache key computed once) and takes the
parents' keys as plain parameters; the children it finds are set on their parents as loaded, as
`selectinload` would set them, in the relationship's order.

Fewer statements still: a many-to-one relationship under a collection is joined into the
collection's statement, and the one-to-many relationships of a plan that end in the same table
in the same order (the quotes of an item, of its claims and of their caveats) are loaded by one
statement, once every row that owns some is loaded.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, RelationshipDirection, RelationshipProperty, defer, joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from app.models import ContentFields

# Parent keys per relationship and statement, as selectinload's chunks, to stay far below
# parameter limits; a power of two (see _padded).
CHUNK = 512


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
    def prop(self) -> RelationshipProperty[Any]:
        prop = self.relationship.property
        assert isinstance(prop, RelationshipProperty)
        return prop

    @property
    def target(self) -> Mapper[Any]:
        return self.prop.mapper

    @property
    def joined(self) -> bool:
        """Many-to-one: loaded by joining it into the statement of the collection above it."""
        return self.prop.direction is RelationshipDirection.MANYTOONE

    @cached_property
    def below(self) -> frozenset[tuple[Any, ...]]:
        """The merge keys of the relationships under this one that take a statement."""
        keys = {eager.merge_key for eager in self.under if not eager.joined}
        return frozenset(keys.union(*(eager.below for eager in self.under)))

    @cached_property
    def merge_key(self) -> tuple[Any, ...]:
        """Equal for relationships one statement can load together: one-to-many into the same
        table, in the same order. Each many-to-many has a statement of its own."""
        if self.prop.secondary is not None:
            return (self,)
        return (self.target, tuple(str(column) for column in self.prop.order_by or ()))

    @cached_property
    def keys(self) -> tuple[str, str]:
        """The parent's attribute holding the key, and the child's (or link row's) column with
        it."""
        prop = self.prop
        pairs = prop.synchronize_pairs if prop.secondary is not None else prop.local_remote_pairs
        ((parent_column, child_column),) = pairs
        return prop.parent.get_property_by_column(parent_column).key, child_column.name

    @cached_property
    def child_key(self) -> str:
        """The child's attribute holding its parent's key (one-to-many)."""
        _, column = self.keys
        return self.target.get_property_by_column(self.target.local_table.c[column]).key


def _padded(count: int) -> int:
    """The next power of two: a statement is built per number of keys it binds, and padding the
    keys (repeating one) keeps those statements few."""
    return 1 << max(count - 1, 0).bit_length()


_statements: dict[tuple[tuple[Eager, ...], tuple[int, ...]], Any] = {}


def _statement(group: tuple[Eager, ...], sizes: tuple[int, ...]) -> Any:
    """The children of the group's relationships for `sizes[i]` keys of the i-th one, bound as
    `k{i}_{j}`: plain parameters, where an expanding one would be rendered into the SQL anew at
    every execution. Many-to-many (alone in its group): (parent key, child) rows."""
    cached = _statements.get((group, sizes))
    if cached is not None:
        return cached
    first = group[0]
    child = first.target.class_
    query: Any
    if first.prop.secondary is not None:
        link = first.prop.secondary.c[first.keys[1]]
        query = sa.select(link, child).select_from(first.prop.secondary)
        query = query.join(child, first.prop.secondaryjoin)
        columns = [link]
    else:
        query = sa.select(child)
        columns = [first.target.local_table.c[eager.keys[1]] for eager in group]
    owned = [
        column.in_([sa.bindparam(f"k{i}_{j}") for j in range(size)])
        for i, (column, size) in enumerate(zip(columns, sizes, strict=True))
        if size
    ]
    joined = {id(under.prop): under for eager in group for under in eager.under if under.joined}
    joins = [
        joinedload(under.relationship).options(*unread(under.target.class_))
        for under in joined.values()
    ]
    query = query.where(sa.or_(*owned)).options(*unread(child), *joins)
    cached = _statements[(group, sizes)] = query.order_by(*(first.prop.order_by or ()))
    return cached


def _chunks(keys: list[list[Any]]) -> Iterable[tuple[tuple[int, ...], dict[str, Any]]]:
    """The sizes and parameters binding every list of keys, at most CHUNK of each list at a
    time."""
    for start in range(0, max(map(len, keys)), CHUNK):
        chunk = [listed[start : start + CHUNK] for listed in keys]
        sizes = tuple(_padded(len(listed)) if listed else 0 for listed in chunk)
        params = {
            f"k{i}_{j}": listed[min(j, len(listed) - 1)]
            for i, listed in enumerate(chunk)
            for j in range(sizes[i])
        }
        yield sizes, params


def _by_key(eager: Eager, parents: Sequence[Any]) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for parent in parents:
        grouped[getattr(parent, eager.keys[0])].append(parent)
    return grouped


def _fill(
    session: Session, group: tuple[Eager, ...], parents: list[Sequence[Any]]
) -> list[list[Any]]:
    """Set each relationship of the group on its parents; returns each one's children."""
    owners = [_by_key(eager, listed) for eager, listed in zip(group, parents, strict=True)]
    found: list[dict[Any, list[Any]]] = [defaultdict(list) for _ in group]
    for sizes, params in _chunks([list(owned) for owned in owners]):
        statement = _statement(group, sizes)
        if group[0].prop.secondary is not None:
            for key, child in session.execute(statement, params):
                found[0][key].append(child)
            continue
        for child in session.scalars(statement, params):
            for i, eager in enumerate(group):
                key = getattr(child, eager.child_key)
                if key in owners[i]:
                    found[i][key].append(child)
    for eager, owned, children in zip(group, owners, found, strict=True):
        for key, listed in owned.items():
            for parent in listed:
                set_committed_value(parent, eager.prop.key, children.get(key, []))
    return [
        _unique(child for listed in children.values() for child in listed) for children in found
    ]


def _unique(items: Iterable[Any]) -> list[Any]:
    return list({id(item): item for item in items if item is not None}.values())


def load(session: Session, parents: Sequence[Any], plan: Sequence[Eager]) -> None:
    """Load every relationship of `plan` for all `parents`, then what the plan puts under each;
    a relationship that is empty for every parent costs no statement below it.

    A relationship waits while another still to load has, under it, one into the same table, so
    that both load in one statement."""
    pending = [(eager, _unique(parents)) for eager in plan] if parents else []
    while pending:
        waits = [
            any(eager.merge_key in other.below for other, _ in pending if other is not eager)
            for eager, _ in pending
        ]
        if all(waits):
            waits = [False] * len(pending)
        ready = [item for item, wait in zip(pending, waits, strict=True) if not wait]
        pending = [item for item, wait in zip(pending, waits, strict=True) if wait]
        groups: dict[tuple[Any, ...], list[tuple[Eager, list[Any]]]] = defaultdict(list)
        for eager, listed in ready:
            if eager.joined:
                children = _unique(getattr(parent, eager.prop.key) for parent in listed)
                pending += [(under, children) for under in eager.under] if children else []
            else:
                groups[eager.merge_key].append((eager, listed))
        for members in groups.values():
            group = tuple(eager for eager, _ in members)
            loaded = _fill(session, group, [listed for _, listed in members])
            for eager, children in zip(group, loaded, strict=True):
                pending += [(under, children) for under in eager.under] if children else []
