"""Each published item's representations (its summary, its detail), kept across content versions,
so that the first response after an edit builds again only what the edit could have changed:
an edit moves the content version on, which empties the response cache, but not this one.

An entry is one view of one item row at the row's own version, for one UTC day, overdue items
(their count and latest due date, as the validators read them) and served settings (base URL,
licence, ...). It is used while the row's version is the same and no logged change could have
altered it. The change log is read up to each new content version by the first request that
sees it, and each change drops:
- the changed item's entries;
- the entries that show it (by their surrogate keys): its new title, status or rating;
- the entries of the items linked to it now (the link tables, read then): an edit may have
  linked them, and no key of theirs named it before. An item made public is shown by no other
  way: public items cite (in claims, targets, quotes) only public items
  (`app/evidence/checks.citation_problems`).
A new version with no logged change, more changes than are worth following, or a version or log
that went back (a restored database) drops everything.
A request uses entries only when the store has read the log up to the version it reads; what it
builds while another request moves the store on is not kept.
"""

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from app.changes.log import ITEM_KINDS
from app.core.config import get_settings
from app.core.content_version import ContentValidators, utc_day
from app.core.http_cache import surrogate_keys
from app.evidence.loading import Eager, plain_select, read
from app.models import ContentChange

# (kind, view, row id, UTC day, overdue items' count and latest due date, served settings)
_Key = tuple[str, str, int, int, tuple[int, date | None], str]
_stores: "weakref.WeakKeyDictionary[Engine, ItemCache]" = weakref.WeakKeyDictionary()
_stores_lock = threading.Lock()
# Past this many changes in one catch-up (a seeding, a bulk import), everything is dropped rather
# than each change followed.
MAX_FOLLOWED_CHANGES = 500


@dataclass(frozen=True)
class _View:
    view: BaseModel
    # Its JSON and surrogate keys, each found once: walking or dumping a view costs more than
    # anything else a kept response does.
    json: bytes
    keys: tuple[str, ...]

    @cached_property
    def slugs_shown(self) -> frozenset[str]:
        """The slugs of the items it shows, whatever their kind: a slug two kinds share drops
        more than needed, never less."""
        return frozenset(key.rsplit("/", 1)[-1] for key in self.keys)


@dataclass(frozen=True)
class _Entry:
    slug: str
    row_version: int
    view: _View


@dataclass(frozen=True)
class Views:
    """The views of some rows, in their order, their JSON (by alias), and the surrogate keys of
    all they show."""

    views: list[BaseModel]
    json: list[bytes]
    keys: list[str]


@cache
def _changes_since() -> Any:
    """Built once, so that its cache key is too."""
    change = ContentChange.__table__.c  # type: ignore[attr-defined]
    return (
        sa.select(change.id, change.kind, change.slug)
        .where(change.id > sa.bindparam("after"))
        .order_by(change.id)
    )


@cache
def _linked_now() -> Any:
    """(kind, slug) of every item linked to an item of `{kind}_slugs`, either way, through the
    link tables. Built once, its slugs bound expanding."""
    kinds = {model: str(kind) for model, kind in ITEM_KINDS.items()}
    parts = []
    for model, kind in kinds.items():
        for relationship in sa.inspect(model).relationships:
            target = relationship.mapper.class_
            if relationship.secondary is None or target not in kinds:
                continue
            parts.append(
                sa.select(sa.literal(kinds[target]).label("kind"), target.slug)
                .select_from(model)
                .join(getattr(model, relationship.key))
                .where(col(model.slug).in_(sa.bindparam(f"{kind}_slugs", expanding=True)))
            )
    return sa.union_all(*parts)


@cache
def _last_change() -> Any:
    return sa.select(sa.func.max(ContentChange.__table__.c.id))  # type: ignore[attr-defined]


class ItemCache:
    """The kept representations of the items in one database."""

    def __init__(self, max_items: int) -> None:
        self.max_items = max_items
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        # The content version and change the log has been read to; moved on by every read of it.
        self._version: int | None = None
        self._last_change = 0
        self._epoch = 0

    def sync(self, session: Session, version: int) -> int | None:
        """Read the log up to `version`, the content version the request read. Returns the
        epoch to use entries at, or None when the store is at another version."""
        with self._lock:
            if version == self._version:
                return self._epoch
            older = self._version is not None and version < self._version
            if older and self._reads_older_version(session):
                return None
            self._catch_up(session, version)
            return self._epoch

    def _reads_older_version(self, session: Session) -> bool:
        """A request read an older version than the store's: it began before the latest write
        committed (so it may not use entries), unless the database went back."""
        last = session.connection().execute(_last_change()).scalar() or 0
        return last >= self._last_change

    def _catch_up(self, session: Session, version: int) -> None:
        connection = session.connection()
        if self._version is None:
            self._last_change = connection.execute(_last_change()).scalar() or 0
            self._entries.clear()
        else:
            changes = connection.execute(_changes_since(), {"after": self._last_change}).all()
            if changes and version > self._version and len(changes) <= MAX_FOLLOWED_CHANGES:
                self._drop(changes, self._linked(connection, changes))
                self._last_change = changes[-1].id
            else:
                self._entries.clear()
                self._last_change = connection.execute(_last_change()).scalar() or 0
        self._version = version
        self._epoch += 1

    @staticmethod
    def _linked(connection: sa.Connection, changes: Sequence[Any]) -> set[tuple[str, str]]:
        slugs: dict[str, list[str]] = {f"{kind}_slugs": [] for kind in ITEM_KINDS.values()}
        for change in changes:
            slugs[f"{change.kind}_slugs"].append(change.slug)
        return {(row.kind, row.slug) for row in connection.execute(_linked_now(), slugs)}

    def _drop(self, changes: Sequence[Any], linked: set[tuple[str, str]]) -> None:
        touched = {(str(change.kind), change.slug) for change in changes} | linked
        slugs = {change.slug for change in changes}
        for key, entry in list(self._entries.items()):
            kind = key[0]
            if (kind, entry.slug) in touched or not entry.view.slugs_shown.isdisjoint(slugs):
                del self._entries[key]

    def get(self, key: _Key, row_version: int) -> _View | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.row_version != row_version:
                return None
            self._entries.move_to_end(key)
            return entry.view

    def put(self, epoch: int, key: _Key, slug: str, row_version: int, view: _View) -> None:
        with self._lock:
            if epoch != self._epoch:
                return
            self._entries[key] = _Entry(slug, row_version, view)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_items:
                self._entries.popitem(last=False)


def item_cache_of(session: Session) -> ItemCache | None:
    """The store of the database the session reads, or None when keeping is turned off."""
    max_items = get_settings().item_cache_items
    engine = session.get_bind()
    if not max_items or not isinstance(engine, Engine):
        return None
    with _stores_lock:
        store = _stores.get(engine)
        if store is None:
            store = _stores[engine] = ItemCache(max_items)
        return store


@cache
def _by_ids(model: Any) -> Any:
    return plain_select(model).where(model.id.in_(sa.bindparam("ids", expanding=True)))


def _in_full(session: Session, model: Any, rows: list[Any], plan: Sequence[Eager]) -> list[Any]:
    """The key rows read in full as plain rows with `plan` loaded, in their order."""
    if not rows:
        return []
    found = read(session, model, _by_ids(model), plan, {"ids": [row.id for row in rows]})
    by_id = {row.id: row for row in found}
    return [by_id[row.id] for row in rows]


def views_of(
    session: Session,
    validators: ContentValidators,
    model: Any,
    view: str,
    rows: list[Any],
    plan: Sequence[Eager],
    build: Callable[[Any], BaseModel],
) -> Views:
    """`build(row)` of each row of `model` as of `validators`: kept ones where current, the
    rest built from their rows read in full with `plan` loaded, then kept. `rows` are key rows
    (`keyset_keys`, `published_key`)."""
    kind = str(ITEM_KINDS[model])
    store = item_cache_of(session)
    epoch = store.sync(session, validators.version) if store is not None else None
    settings = get_settings().served_settings()
    day = utc_day()
    overdue = (validators.overdue, validators.latest_due)

    def key_of(row: Any) -> _Key:
        return (kind, view, row.id, day, overdue, settings)

    found: dict[int, _View] = {}
    if store is not None and epoch is not None:
        for row in rows:
            kept = store.get(key_of(row), row.version)
            if kept is not None:
                found[row.id] = kept
    missing = _in_full(session, model, [row for row in rows if row.id not in found], plan)
    for row in missing:
        built = build(row)
        json = built.model_dump_json(by_alias=True).encode()
        found[row.id] = made = _View(built, json, tuple(surrogate_keys(built)))
        if store is not None and epoch is not None:
            store.put(epoch, key_of(row), row.slug, row.version, made)
    shown = [found[row.id] for row in rows]
    keys = dict.fromkeys(key for made in shown for key in made.keys)
    return Views([made.view for made in shown], [made.json for made in shown], list(keys))
