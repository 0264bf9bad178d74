"""Loads the structured seed content idempotently, by slug, through the one write path.

Everything is read and validated before anything is written; the whole load is one transaction,
so a bad file leaves the database as it was. An item whose input has not changed is not touched;
a changed item is rewritten in place and its version goes up by one. An item last changed through
the editor API keeps the editors' version: the seed files are the starting content, not a way to
undo an editor's work.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.evidence.vocabulary import Status
from app.models.base import SEED_EDITOR
from app.search.index import reindex
from app.writing.errors import ContentInvalid
from app.writing.kinds import BY_KIND, CONTENT_KINDS, ContentKind
from app.writing.writer import ContentWriter, WriteReport


class SeedError(Exception):
    """A seed file that cannot be loaded; names the file, the item and the field."""

    def __init__(self, file: str, item: str, field: str, message: str) -> None:
        super().__init__(f"{file}: item {item!r}, field {field!r}: {message}")
        self.file, self.item, self.field, self.message = file, item, field, message


@dataclass
class SeedItem:
    item: Any
    status: Status


@dataclass
class SeedSet:
    items: dict[str, list[SeedItem]]
    texts: dict[str, str]


@dataclass
class LoadReport(WriteReport):
    kept: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        return ", ".join(
            f"{spec.plural}: {self.created[spec.plural]} created,"
            f" {self.updated[spec.plural]} updated,"
            f" {self.unchanged[spec.plural]} unchanged,"
            f" {self.withdrawn[spec.plural]} withdrawn,"
            f" {self.kept[spec.plural]} kept as editors left them"
            for spec in CONTENT_KINDS
        )


def _file_name(spec: ContentKind) -> str:
    return f"content/{spec.plural}.yaml"


def _seed_item(spec: ContentKind, entry: Any, index: int) -> SeedItem:
    """One entry of a seed file: its workflow status (published unless it says) and its input."""
    name = _file_name(spec)
    label = entry.get("slug", f"#{index}") if isinstance(entry, dict) else f"#{index}"
    if not isinstance(entry, dict):
        raise SeedError(name, str(label), "-", "must be a mapping")
    fields = dict(entry)
    try:
        status = Status(fields.pop("status", Status.published))
    except ValueError as exc:
        raise SeedError(name, str(label), "status", str(exc)) from exc
    try:
        return SeedItem(spec.schema.model_validate(fields), status)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "-"
        raise SeedError(name, str(label), where, error["msg"]) from exc


def read_seed(directory: Path) -> SeedSet:
    """Parse and validate every seed file; nothing touches the database here."""
    items: dict[str, list[SeedItem]] = {}
    for spec in CONTENT_KINDS:
        name = _file_name(spec)
        try:
            raw = yaml.safe_load((directory / name).read_text(encoding="utf-8")) or []
        except (OSError, yaml.YAMLError) as exc:
            raise SeedError(name, "-", "-", f"cannot be read as YAML: {exc}") from exc
        if not isinstance(raw, list):
            raise SeedError(name, "-", "-", "must be a list of items")
        items[spec.plural] = []
        seen: set[str] = set()
        for index, entry in enumerate(raw):
            seeded = _seed_item(spec, entry, index)
            if seeded.item.slug in seen:
                raise SeedError(name, seeded.item.slug, "slug", "appears twice")
            seen.add(seeded.item.slug)
            items[spec.plural].append(seeded)
    texts = {}
    for seeded in items["sources"]:
        source = seeded.item
        try:
            texts[source.slug] = (directory / "sources" / source.filename).read_bytes().decode()
        except (OSError, UnicodeDecodeError) as exc:
            raise SeedError("content/sources.yaml", source.slug, "filename", str(exc)) from exc
    return SeedSet(items, texts)


class _SeedLoad:
    def __init__(self, session: Session, seed: SeedSet) -> None:
        self.session = session
        self.seed = seed
        self.report = LoadReport()
        self.writer = ContentWriter(session, SEED_EDITOR, yield_to_editors=True, report=self.report)

    def _kept(self, spec: ContentKind, slug: str) -> bool:
        """An item an editor changed last is re-derived from its own document, not the seed's."""
        self.writer.spec = spec
        row = self.writer.edited_elsewhere(slug)
        if row is None:
            return False
        self.report.kept[spec.plural] += 1
        self.writer.write(spec, row.document, row.status, None)
        return True

    def sources(self) -> None:
        spec = CONTENT_KINDS[0]
        written = []
        for seeded in self.seed.items[spec.plural]:
            if self._kept(spec, seeded.item.slug):
                continue
            text = self.seed.texts[seeded.item.slug]
            row = self.writer.source_row(seeded.item, text, seeded.status)
            if row is not None:
                written.append((seeded.item, row))
        # Caveats and people go in once every source is stored: their quotes may cite any.
        for item, row in written:
            self.writer.source_parts(item, row)

    def items(self, spec: ContentKind) -> None:
        for seeded in self.seed.items[spec.plural]:
            if not self._kept(spec, seeded.item.slug):
                self.writer.write(spec, seeded.item.model_dump(mode="json"), seeded.status, None)

    def withdraw_missing(self) -> None:
        """An item whose slug has left the seed files is withdrawn, not deleted: its URL answers
        410 and the change feed says so. Items editors created are not the seed's to withdraw."""
        for spec in CONTENT_KINDS:
            slugs = [seeded.item.slug for seeded in self.seed.items[spec.plural]]
            gone = select(spec.model).where(
                col(spec.model.slug).not_in(slugs),
                spec.model.status != Status.withdrawn,
                spec.model.edited_by == SEED_EDITOR,
            )
            for row in self.session.exec(gone).all():
                self.writer.set_status(spec, row, Status.withdrawn)


def load_seed(session: Session, directory: Path) -> LoadReport:
    """Validate the seed set, then write it; the caller commits or rolls back."""
    seed = read_seed(directory)
    load = _SeedLoad(session, seed)
    try:
        load.sources()
        for spec in CONTENT_KINDS[1:]:
            load.items(spec)
        load.withdraw_missing()
        load.writer.finish()
    except ContentInvalid as error:
        violation = error.violations[0]
        field = ".".join(str(part) for part in violation.path) or "-"
        message = "; ".join(str(v) for v in error.violations)
        raise SeedError(_file_name(BY_KIND[error.kind]), error.slug, field, message) from error
    if not load.writer.public_changed:
        reindex(session)
    return load.report
