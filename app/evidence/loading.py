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

Public reads only read, so they take their rows plain (`read`): the statements select columns,
and each row becomes an object with the mapped attribute names and nothing else, relationships
set as lists (or the object, for a many-to-one). The identity map, change tracking and
instrumented collections of ORM instances cost most of an uncached response; writers, which
change what they load, take ORM instances (`load`).

Public reads link only public items: a draft or withdrawn mechanism, study or source is left out
of the items linking it, where a reader would follow a link to a 404 or 410.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import cache, cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, RelationshipDirection, RelationshipProperty, defer, joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from app.evidence.vocabulary import PUBLIC_STATUSES
from app.models import ContentFields

# Parent keys per relationship and statement, as selectinload's chunks, to stay far below
# parameter limits; a power of two (see _padded).
CHUNK = 512


def _unread_keys(model: Any) -> tuple[str, ...]:
    """What no read shows: the input document a content item was written from, JSON kept for
    the editors."""
    return ("document",) if issubclass(model, ContentFields) else ()


def unread(model: Any) -> list[Any]:
    """Loader options leaving out what no read shows (loaded on access, should anyone ask)."""
    return [defer(getattr(model, key)) for key in _unread_keys(model)]


@cache
def __columns(mapper: Mapper[Any]) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """The attribute names and columns a plain row has: every mapped column but those left
    `unread`."""
    left_out = _unread_keys(mapper.class_)
    props = [prop for prop in mapper.column_attrs if prop.key not in left_out]
    return tuple(prop.key for prop in props), tuple(prop.columns[0] for prop in props)


@cache
def _plain_class(mapper: Mapper[Any]) -> type:
    return type(mapper.class_.__name__, (), {"__module__": __name__})


def _plain(mapper: Mapper[Any], values: Sequence[Any]) -> Any:
    row: Any = object.__new__(_plain_class(mapper))
    row.__dict__.update(zip(__columns(mapper)[0], values, strict=True))
    return row


def _columns(model: Any) -> tuple[Any, ...]:
    return __columns(sa.inspect(model))[1]


def plain_select(model: Any) -> Any:
    """A select of what a plain row of the model holds, to narrow and hand to `read`."""
    return sa.select(*_columns(model))


def read(
    session: Session,
    model: Any,
    query: Any,
    plan: Sequence["Eager"],
    params: dict[str, Any] | None = None,
) -> list[Any]:
    """The rows of `query`, a narrowed `plain_select(model)`, as plain rows with `plan` loaded."""
    mapper = sa.inspect(model)
    found = session.connection().execute(query, params or {}).all()
    rows = [_plain(mapper, values) for values in found]
    load(session, rows, plan, PLAIN)
    return rows


@cache
def _key_position(mapper: Mapper[Any]) -> int:
    """Where the primary key is among a plain row's columns."""
    ((key,),) = [prop.columns for prop in mapper.column_attrs if prop.columns[0].primary_key]
    return __columns(mapper)[1].index(key)


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


def _owned(group: tuple[Eager, ...], columns: list[Any], sizes: tuple[int, ...]) -> Any:
    """`sizes[i]` keys of the i-th relationship, bound as `k{i}_{j}`: plain parameters, where an
    expanding one would be rendered into the SQL anew at every execution."""
    return sa.or_(
        *(
            column.in_([sa.bindparam(f"k{i}_{j}") for j in range(size)])
            for i, (column, size) in enumerate(zip(columns, sizes, strict=True))
            if size
        )
    )


def _joined(group: tuple[Eager, ...]) -> list[Eager]:
    """The many-to-one relationships joined into the group's statement, once each."""
    found = {id(under.prop): under for eager in group for under in eager.under if under.joined}
    return list(found.values())


def _owner_columns(group: tuple[Eager, ...]) -> list[Any]:
    """The columns holding each relationship's parent keys: the link table's for a
    many-to-many, otherwise the child's."""
    first = group[0]
    if first.prop.secondary is not None:
        return [first.prop.secondary.c[first.keys[1]]]
    return [first.target.local_table.c[eager.keys[1]] for eager in group]


class Rows:
    """How children are selected, read and set on their parents; statements are built once per
    group and number of keys, so that their cache keys are too."""

    def __init__(self) -> None:
        self.statements: dict[tuple[tuple[Eager, ...], tuple[int, ...]], Any] = {}

    def statement(self, group: tuple[Eager, ...], sizes: tuple[int, ...]) -> Any:
        cached = self.statements.get((group, sizes))
        if cached is None:
            query = self.select(group).where(_owned(group, _owner_columns(group), sizes))
            cached = query.order_by(*(group[0].prop.order_by or ()))
            self.statements[(group, sizes)] = cached
        return cached

    def select(self, group: tuple[Eager, ...]) -> Any:
        """The children of the group's relationships; for a many-to-many (alone in its group),
        the parent key first."""
        raise NotImplementedError

    def children(
        self, session: Session, group: tuple[Eager, ...], statement: Any, params: dict[str, Any]
    ) -> Iterator[tuple[Any, Any]]:
        """(parent key of a many-to-many, or None; child) for each row."""
        raise NotImplementedError

    def attach(self, parent: Any, eager: Eager, children: list[Any]) -> None:
        raise NotImplementedError


class OrmRows(Rows):
    """Children as ORM instances, loaded as `selectinload` would load them."""

    def select(self, group: tuple[Eager, ...]) -> Any:
        first = group[0]
        child = first.target.class_
        query: Any = sa.select(child)
        if first.prop.secondary is not None:
            query = sa.select(*_owner_columns(group), child).select_from(first.prop.secondary)
            query = query.join(child, first.prop.secondaryjoin)
        joins = [
            joinedload(under.relationship).options(*unread(under.target.class_))
            for under in _joined(group)
        ]
        return query.options(*unread(child), *joins)

    def children(
        self, session: Session, group: tuple[Eager, ...], statement: Any, params: dict[str, Any]
    ) -> Iterator[tuple[Any, Any]]:
        if group[0].prop.secondary is not None:
            yield from session.execute(statement, params)
        else:
            for child in session.scalars(statement, params):
                yield None, child

    def attach(self, parent: Any, eager: Eager, children: list[Any]) -> None:
        set_committed_value(parent, eager.prop.key, children)


class PlainRows(Rows):
    """Children as plain rows (see the module's docstring)."""

    def select(self, group: tuple[Eager, ...]) -> Any:
        """The columns of the children, then those of each joined relationship (outer joined:
        a child may have none)."""
        first = group[0]
        table = first.target.local_table
        selected = [*_columns(first.target.class_)]
        joined_from: Any = table
        shown: list[Any] = []
        if first.prop.secondary is not None:
            selected = [*_owner_columns(group), *selected]
            joined_from = first.prop.secondary.join(table, first.prop.secondaryjoin)
            if issubclass(first.target.class_, ContentFields):
                shown.append(table.c.status.in_(sorted(PUBLIC_STATUSES)))
        for under in _joined(group):
            target = under.target.local_table.alias()
            ((local, remote),) = under.prop.local_remote_pairs
            joined_from = joined_from.outerjoin(
                target, target.c[remote.name] == table.c[local.name]
            )
            selected += [target.c[column.name] for column in _columns(under.target.class_)]
        return sa.select(*selected).select_from(joined_from).where(*shown)

    def children(
        self, session: Session, group: tuple[Eager, ...], statement: Any, params: dict[str, Any]
    ) -> Iterator[tuple[Any, Any]]:
        first = group[0]
        start = 1 if first.prop.secondary is not None else 0
        end = child_end = start + len(_columns(first.target.class_))
        joined = []
        for under in _joined(group):
            width = len(_columns(under.target.class_))
            joined.append((under, end, end + width, end + _key_position(under.target)))
            end += width
        # One object per joined row, as the identity map would give.
        seen: dict[tuple[Any, Any], Any] = {}
        for values in session.connection().execute(statement, params).all():
            child = _plain(first.target, values[start:child_end])
            for under, begin, stop, key_at in joined:
                key = (under, values[key_at])
                if key not in seen:
                    found = values[key_at] is not None
                    seen[key] = _plain(under.target, values[begin:stop]) if found else None
                child.__dict__[under.prop.key] = seen[key]
            yield (values[0] if start else None), child

    def attach(self, parent: Any, eager: Eager, children: list[Any]) -> None:
        parent.__dict__[eager.prop.key] = children


ORM = OrmRows()
PLAIN = PlainRows()


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
    session: Session, group: tuple[Eager, ...], parents: list[Sequence[Any]], rows: Rows
) -> list[list[Any]]:
    """Set each relationship of the group on its parents; returns each one's children."""
    owners = [_by_key(eager, listed) for eager, listed in zip(group, parents, strict=True)]
    found: list[dict[Any, list[Any]]] = [defaultdict(list) for _ in group]
    for sizes, params in _chunks([list(owned) for owned in owners]):
        statement = rows.statement(group, sizes)
        for link_key, child in rows.children(session, group, statement, params):
            if link_key is not None:
                found[0][link_key].append(child)
                continue
            for i, eager in enumerate(group):
                key = getattr(child, eager.child_key)
                if key in owners[i]:
                    found[i][key].append(child)
    for eager, owned, children in zip(group, owners, found, strict=True):
        for key, listed in owned.items():
            for parent in listed:
                rows.attach(parent, eager, children.get(key, []))
    return [
        _unique(child for listed in children.values() for child in listed) for children in found
    ]


def _unique(items: Iterable[Any]) -> list[Any]:
    return list({id(item): item for item in items if item is not None}.values())


def load(session: Session, parents: Sequence[Any], plan: Sequence[Eager], rows: Rows = ORM) -> None:
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
            loaded = _fill(session, group, [listed for _, listed in members], rows)
            for eager, children in zip(group, loaded, strict=True):
                pending += [(under, children) for under in eager.under] if children else []
