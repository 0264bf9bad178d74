"""Writes validated items, whoever sends them: every rule the content keeps is applied here.

A write never commits, and its rows are in the session by `finish` at the latest (in bulk:
app/writing/pending.py): the caller's transaction holds the item, its revision, its change-feed
entry, the content version and the search index together. Every change to an existing item
first moves its version on with a conditional UPDATE (`WHERE version = <the version read>`), so
of two writers holding the same version exactly one succeeds; the other gets `StaleItem` before
it has written anything of that item.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import jsonpatch
import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.changes.log import bump_content_version, change_of, public_change, record_changes
from app.core.types import utcnow
from app.evidence import rules
from app.evidence.checks import Path, citation_problems, source_facts, study_facts
from app.evidence.loading import load
from app.evidence.schemas import CaveatIn, ClaimIn, ContentIn, DismissalIn, QuoteIn
from app.evidence.vocabulary import (
    LIFE_STAGE_AGES,
    PUBLIC_STATUSES,
    CaveatOrigin,
    Certainty,
    ChangeKind,
    ClaimRole,
    ItemKind,
    Relation,
    Status,
)
from app.mechanisms.schemas import MechanismCreate
from app.models import (
    Caveat,
    CertaintyJudgement,
    Claim,
    ClaimStudy,
    ContentFields,
    Mechanism,
    MechanismStudy,
    PersonQuoted,
    Quote,
    Recommendation,
    RecommendationLifeStage,
    RecommendationMechanism,
    RecommendationStudy,
    RecommendationTarget,
    Revision,
    SourceDocument,
    Study,
    StudyLifeStage,
    StudySource,
)
from app.models.base import SEED_EDITOR
from app.recommendations.schemas import RecommendationCreate
from app.search.index import reindex
from app.sources.schemas import PersonIn, SourceCreate
from app.studies.schemas import StudyCreate
from app.writing.errors import ContentInvalid, StaleItem
from app.writing.kinds import BY_KIND, BY_MODEL, CONTENT_KINDS, ContentKind
from app.writing.pending import PendingRows

REVIEW_INTERVAL = timedelta(days=365)

# The rows each kind of item owns, by their owner column: rewritten with the item.
OWNED_ROWS: dict[type[ContentFields], list[Any]] = {
    SourceDocument: [Caveat.source_id, PersonQuoted.source_id],
    Study: [Caveat.study_id, Quote.study_id, StudySource.study_id, StudyLifeStage.study_id],
    Mechanism: [
        Caveat.mechanism_id,
        Quote.mechanism_id,
        Claim.mechanism_id,
        MechanismStudy.mechanism_id,
    ],
    Recommendation: [
        Caveat.recommendation_id,
        Quote.recommendation_id,
        Claim.recommendation_id,
        RecommendationMechanism.recommendation_id,
        RecommendationStudy.recommendation_id,
        RecommendationLifeStage.recommendation_id,
        RecommendationTarget.recommendation_id,
    ],
}
# Input fields that are not columns of the item's own row.
COMMON_FIELDS = {
    "slug",
    "last_reviewed_on",
    "next_review_due",
    "caveats",
    "dismissed_caveats",
    "quotes",
}


@dataclass
class WriteReport:
    """What a writer did, by kind's plural name."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    withdrawn: Counter[str] = field(default_factory=Counter)

    def count(self, tally: Counter[str], spec: ContentKind) -> None:
        tally[spec.plural] += 1


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _diff(previous: dict[str, Any] | None, document: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON Patch from the previous document. A new item's adds each member, in order, as
    jsonpatch would say after deep-copying the whole document to compare it with nothing."""
    if not previous:
        return [
            {"op": "add", "path": "/" + key.replace("~", "~0").replace("/", "~1"), "value": value}
            for key, value in document.items()
        ]
    return jsonpatch.make_patch(previous, document).patch


def _reviewed_at(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _quoted_sources(document: Any) -> set[str]:
    """The slugs of every source a document quotes, wherever the quote sits in it."""
    found: set[str] = set()
    parts = [document]
    while parts:
        part = parts.pop()
        if isinstance(part, dict):
            if "source" in part and "exact" in part:
                found.add(part["source"])
            parts.extend(part.values())
        elif isinstance(part, list):
            parts.extend(part)
    return found


def _rating(claims: list[ClaimIn], role: ClaimRole | None = None) -> Certainty:
    """The lowest certainty of the critical claims (of one role, where given)."""
    return rules.lowest_certainty(
        claim.certainty for claim in claims if claim.critical and role in (None, claim.role)
    )


def document_of(item: ContentIn, text: str | None = None) -> dict[str, Any]:
    """The JSON document an item is stored, diffed and restored as; a source's includes its text."""
    document = item.model_dump(mode="json")
    return document if text is None else {**document, "text": text}


class ContentWriter:
    """Writes items into a session under one editor's name; never commits.

    With `yield_to_editors` (the seed loader), an item last written through the editor API is
    not overwritten by the seed's version of it: it is re-derived from its own stored document.
    """

    def __init__(
        self,
        session: Session,
        editor: str,
        *,
        yield_to_editors: bool = False,
        report: WriteReport | None = None,
        message: str | None = None,
    ) -> None:
        self.session = session
        self.editor = editor
        self.message = message
        self.yield_to_editors = yield_to_editors
        self.report = report or WriteReport()
        self.public_changed = False
        self.written: dict[ItemKind, set[str]] = {}
        # Every item given a new revision, whatever changed: what the search index looks at.
        self.revised: dict[str, set[str]] = {}
        self._ids: dict[type[ContentFields], dict[str, int]] = {}
        self._sources: dict[str, SourceDocument] = {}
        self._study_facts: dict[str, rules.StudyFacts] = {}
        # What is written but not yet inserted: the items' parts; their public changes, logged
        # by `finish`.
        self._pending = PendingRows()
        self._changes: list[dict[str, Any]] = []
        # Until the next insert: the item rows by slug (None: no such item) and whether each
        # claim slug is taken, as read ahead or written by this writer.
        self._rows: dict[tuple[type[ContentFields], str], ContentFields | None] = {}
        self._claim_slugs: dict[str, bool] = {}
        self.spec = CONTENT_KINDS[0]
        self.slug = ""

    def fail(self, path: Path, message: str) -> ContentInvalid:
        return ContentInvalid.at(self.spec.kind, self.slug, path, message)

    # Lookups of what an item refers to, read from the session and remembered.

    def _id_of(self, model: type[ContentFields], slug: str, path: Path) -> int:
        ids = self._ids.setdefault(model, {})
        if slug not in ids:
            found = self.session.exec(select(col(model.id)).where(model.slug == slug)).first()
            if found is None:
                raise self.fail(path, f"refers to unknown {BY_MODEL[model].kind} {slug!r}")
            ids[slug] = found
        return ids[slug]

    def _find_source(self, slug: str) -> SourceDocument | None:
        if slug not in self._sources:
            row = self.session.exec(select(SourceDocument).where(SourceDocument.slug == slug))
            found = row.first()
            if found is None:
                return None
            self._sources[slug] = found
        return self._sources[slug]

    def _source(self, slug: str, path: Path) -> SourceDocument:
        found = self._find_source(slug)
        if found is None:
            raise self.fail(path, f"quotes unknown source {slug!r}")
        return found

    def _facts(self, slug: str, path: Path) -> rules.StudyFacts:
        if slug not in self._study_facts:
            found = self.session.exec(select(Study).where(Study.slug == slug)).first()
            if found is None:
                raise self.fail(path, f"refers to unknown study {slug!r}")
            self._study_facts[slug] = study_facts(found)
        return self._study_facts[slug]

    def _sources_fingerprint(self, document: dict[str, Any]) -> list[tuple[str, str, str]]:
        """Quote offsets and derived caveats depend on the quoted documents' text and type."""
        found = []
        for slug in sorted(_quoted_sources(document)):
            # An unknown source is refused where it is quoted, with that quote's path.
            if (source := self._find_source(slug)) is not None:
                found.append((slug, source.sha256, repr(source_facts(source))))
        return found

    # The item's own row: created, left alone, or claimed and rewritten.

    def _row(self, spec: ContentKind, slug: str) -> ContentFields | None:
        """The item's row: one this writer has yet to insert or has read ahead, or the stored
        one (read without flushing, so that a batch of new items goes in as one INSERT)."""
        if (spec.model, slug) in self._rows:
            return self._rows[(spec.model, slug)]
        with self.session.no_autoflush:
            return self.session.exec(select(spec.model).where(spec.model.slug == slug)).first()

    def read_ahead(self, spec: ContentKind, documents: list[dict[str, Any]]) -> None:
        """Before writing a batch of items: read the rows they replace and which of their
        claim slugs are taken in one query each, rather than one or two per item."""
        slugs = [str(document.get("slug", "")) for document in documents]
        with self.session.no_autoflush:
            rows = self.session.exec(select(spec.model).where(col(spec.model.slug).in_(slugs)))
            stored = {row.slug: row for row in rows}
        self._rows.update({(spec.model, slug): stored.get(slug) for slug in slugs})
        claims = [claim for document in documents for claim in document.get("claims") or []]
        self._read_claim_slugs([str(claim.get("slug", "")) for claim in claims])

    def _insert_pending(self) -> None:
        """Insert all written so far: from here queries see it."""
        self._pending.insert(self.session)
        self._rows.clear()
        self._claim_slugs.clear()

    def claim(self, row: ContentFields, expected_version: int | None = None) -> None:
        """Move the row's version on, provided it is still the one read (or `expected`)."""
        model = type(row)
        version = row.version if expected_version is None else expected_version
        claimed = self.session.execute(
            sa.update(model)
            .where(col(model.id) == row.id, col(model.version) == version)
            .values(version=version + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleItem(BY_MODEL[model].kind, row.slug)
        self.session.refresh(row)

    def _save(
        self,
        item: ContentIn,
        status: Status,
        values: dict[str, Any],
        document: dict[str, Any],
        *dependencies: Any,
        expected_version: int | None = None,
    ) -> ContentFields | None:
        """Create or rewrite the item's own row; None when neither its input, its status nor
        what it depends on has changed."""
        spec, self.slug = self.spec, item.slug
        content_hash = _digest(document, *dependencies)
        row = self._row(spec, item.slug)
        stored: dict[str, Any] = {
            "status": status,
            "last_reviewed_at": _reviewed_at(item.last_reviewed_on),
            "next_review_due": item.next_review_due or item.last_reviewed_on + REVIEW_INTERVAL,
            "content_hash": content_hash,
            "document": document,
            # Who last changed the document; a re-derivation after a dependency changed keeps it.
            "edited_by": self.editor if row is None or row.document != document else row.edited_by,
        }
        if row is None:
            row = spec.model(slug=item.slug, **values, **stored)
            self.session.add(row)
            self._rows[(spec.model, item.slug)] = row
            self.report.count(self.report.created, spec)
            self._record(row, None, None, None)
        else:
            if expected_version is not None and row.version != expected_version:
                raise StaleItem(spec.kind, item.slug)
            if row.content_hash == content_hash and row.status == status:
                self.report.count(self.report.unchanged, spec)
                self._ids.setdefault(spec.model, {})[item.slug] = row.id  # type: ignore[assignment]
                return None
            was, previous = row.status, row.document
            certainty = getattr(row, "certainty", None)
            # Its old parts are deleted below: any still pending (its own, when written twice
            # by this writer) go in first.
            self._insert_pending()
            self.claim(row, expected_version)
            for name, value in {**values, **stored}.items():
                setattr(row, name, value)
            self._clear_children(spec.model, row.id)  # type: ignore[arg-type]
            self.session.flush()
            self.report.count(self.report.updated, spec)
            self._record(row, was, previous, certainty)
            self._ids.setdefault(spec.model, {})[item.slug] = row.id  # type: ignore[assignment]
        self.written.setdefault(spec.kind, set()).add(item.slug)
        return row

    def set_status(
        self, spec: ContentKind, row: ContentFields, status: Status, expected: int | None = None
    ) -> None:
        """A workflow step: the item's content stays, its status and version move on."""
        self.spec, self.slug = spec, row.slug
        was, certainty = row.status, getattr(row, "certainty", None)
        self.claim(row, expected)
        row.status = status
        row.edited_by = self.editor
        self.session.flush()
        # Checked again: what it cites must be public once it is (`citation_problems`).
        self.written.setdefault(spec.kind, set()).add(row.slug)
        if status is Status.withdrawn:
            self.report.count(self.report.withdrawn, spec)
        self._record(row, was, row.document, certainty)

    def _record(
        self,
        row: ContentFields,
        was: Status | None,
        previous: dict[str, Any] | None,
        certainty: Certainty | None,
    ) -> None:
        """The revision, and the public change if the public sees one, of a write just made."""
        document = row.document or {}
        self.revised.setdefault(BY_MODEL[type(row)].kind.value, set()).add(row.slug)
        self._pending.add(
            Revision,
            kind=BY_MODEL[type(row)].kind,
            slug=row.slug,
            version=row.version,
            status=row.status,
            editor=self.editor,
            message=self.message,
            diff=_diff(previous, document),
            previous=previous,
            document=document,
        )
        change = public_change(was, row.status, certainty != getattr(row, "certainty", None))
        if change is not None:
            self._changes.append(change_of(row, change))
            self.public_changed = True

    def _clear_children(self, model: type[ContentFields], row_id: int) -> None:
        for column in OWNED_ROWS[model]:
            self.session.execute(sa.delete(column.class_).where(column == row_id))

    def edited_elsewhere(self, slug: str) -> ContentFields | None:
        """With `yield_to_editors`: the stored item when an editor, not the seed, wrote it last."""
        if not self.yield_to_editors:
            return None
        row = self._row(self.spec, slug)
        if row is None or row.edited_by == SEED_EDITOR or row.document is None:
            return None
        return row

    # The parts every kind of item may own.

    def quote(self, quote: QuoteIn, path: Path, **owner: Any) -> None:
        text = self._source(quote.source, (*path, "source")).text
        if quote.start is not None:
            start = quote.start
            if text[start : start + len(quote.exact)] != quote.exact:
                message = f"{quote.exact[:40]!r} is not at offset {start} of {quote.source}"
                raise self.fail((*path, "start"), message)
        else:
            start = text.find(quote.exact)
            if start < 0:
                message = f"{quote.exact[:40]!r} is not in {quote.source}"
                raise self.fail((*path, "exact"), message)
            if text.find(quote.exact, start + 1) >= 0:
                message = f"{quote.exact[:40]!r} occurs twice in {quote.source}: give `start`"
                raise self.fail((*path, "start"), message)
        self._pending.add(
            Quote,
            source_id=self._source(quote.source, path),
            exact=quote.exact,
            start=start,
            end=start + len(quote.exact),
            relation=quote.relation,
            **owner,
        )

    def quotes(self, quotes: list[QuoteIn], path: Path, **owner: Any) -> None:
        for index, quote in enumerate(quotes):
            self.quote(quote, (*path, index), **owner)

    def caveats(
        self,
        written: list[CaveatIn],
        derived: list[rules.DerivedCaveat],
        dismissed: list[DismissalIn],
        path: Path,
        **owner: Any,
    ) -> None:
        """The caveats an editor wrote, then those the rules derive (less the written kinds)."""
        position = 0
        for index, caveat in enumerate(written):
            row = self._pending.add(
                Caveat,
                kind=caveat.kind,
                origin=caveat.origin,
                severity=caveat.severity or rules.default_severity(caveat.kind),
                text=caveat.text or rules.default_text(caveat.kind),
                reference=caveat.reference,
                position=position,
                **owner,
            )
            self.quotes(caveat.quotes, (*path, "caveats", index, "quotes"), caveat_id=row)
            position += 1
        reasons = {dismissal.kind: dismissal.reason for dismissal in dismissed}
        written_kinds = {caveat.kind for caveat in written}
        for rule in derived:
            if rule.kind in written_kinds:
                continue
            self._pending.add(
                Caveat,
                kind=rule.kind,
                origin=CaveatOrigin.rule,
                severity=rule.severity,
                text=rule.text,
                dismissed_reason=reasons.get(rule.kind),
                position=position,
                **owner,
            )
            position += 1
        stray = set(reasons) - {rule.kind for rule in derived}
        if stray:
            message = f"dismisses caveats no rule derives: {sorted(stray)}"
            raise self.fail((*path, "dismissed_caveats"), message)

    def claims(self, claims: list[ClaimIn], **owner: Any) -> None:
        # Every claim row first; then what hangs off each.
        rows, facts = [], []
        taken = self._taken_claim_slugs([claim.slug for claim in claims])
        for index, claim in enumerate(claims):
            path: Path = ("claims", index)
            facts.append([self._facts(slug, (*path, "studies")) for slug in claim.studies])
            if claim.slug in taken:
                message = f"claim slug {claim.slug!r} is already used by another item"
                raise self.fail((*path, "slug"), message)
            rows.append(
                self._pending.add(
                    Claim,
                    slug=claim.slug,
                    position=index,
                    text=claim.text,
                    wording=claim.wording,
                    role=claim.role,
                    kind=claim.kind,
                    outcome_kind=claim.outcome_kind,
                    critical=claim.critical,
                    starting_level=rules.starting_level(facts[index]),
                    certainty=claim.certainty,
                    override_reason=claim.override_reason,
                    effect_summary=claim.effect_summary,
                    **owner,
                )
            )
        self._claim_slugs.update((claim.slug, True) for claim in claims)
        for index, (claim, row) in enumerate(zip(claims, rows, strict=True)):
            path = ("claims", index)
            for slug in claim.studies:
                study_id = self._id_of(Study, slug, (*path, "studies"))
                self._pending.add(ClaimStudy, claim_id=row, study_id=study_id)
            for judgement in claim.judgements:
                self._pending.add(CertaintyJudgement, claim_id=row, **judgement.model_dump())
            self.quotes(claim.quotes, (*path, "quotes"), claim_id=row)
            derived = rules.claim_caveats(
                facts[index],
                self._quoted(claim.quotes),
                overstated=any(q.relation is Relation.overstates for q in claim.quotes),
            )
            self.caveats(claim.caveats, derived, claim.dismissed_caveats, path, claim_id=row)

    def _taken_claim_slugs(self, slugs: list[str]) -> set[str]:
        """Those of the slugs another item's claims have: claim slugs are unique across items,
        and a taken one is refused by name, not by a database error."""
        self._read_claim_slugs([slug for slug in slugs if slug not in self._claim_slugs])
        return {slug for slug in slugs if self._claim_slugs[slug]}

    def _read_claim_slugs(self, slugs: list[str]) -> None:
        if slugs:
            with self.session.no_autoflush:
                query = select(Claim.slug).where(col(Claim.slug).in_(slugs))
                taken = set(self.session.exec(query))
            self._claim_slugs.update((slug, slug in taken) for slug in slugs)

    def _quoted(self, quotes: list[QuoteIn]) -> list[rules.SourceFacts]:
        return [source_facts(self._source(quote.source, ())) for quote in quotes]

    # Each kind of item.

    def source_row(
        self, item: SourceCreate, text: str, status: Status, expected: int | None = None
    ) -> SourceDocument | None:
        """A source's own row; its caveats and people follow in `source_parts`, once every
        source they may quote is stored."""
        self.spec = BY_KIND[ItemKind.source]
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        values = item.model_dump(exclude=COMMON_FIELDS | {"people"})
        row = self._save(
            item,
            status,
            {**values, "text": text, "sha256": sha256},
            document_of(item, text),
            sha256,
            expected_version=expected,
        )
        if row is not None:
            self._sources[item.slug] = row  # type: ignore[assignment]
        return row  # type: ignore[return-value]

    def source_parts(self, item: SourceCreate, row: SourceDocument) -> None:
        self.spec, self.slug = BY_KIND[ItemKind.source], item.slug
        derived = rules.source_caveats(source_facts(row))
        self.caveats(item.caveats, derived, item.dismissed_caveats, (), source_id=row)
        self._people(item.people, row)

    def _people(self, people: list[PersonIn], source: SourceDocument) -> None:
        for index, person in enumerate(people):
            row = self._pending.add(
                PersonQuoted,
                source_id=source,
                position=index,
                **person.model_dump(exclude={"quotes"}),
            )
            self.quotes(person.quotes, ("people", index, "quotes"), person_id=row)

    def study(self, item: StudyCreate, status: Status, expected: int | None = None) -> None:
        self.spec = BY_KIND[ItemKind.study]
        document = document_of(item)
        values = item.model_dump(exclude=COMMON_FIELDS | {"life_stages", "sources"})
        self._study_facts.pop(item.slug, None)
        row = self._save(
            item,
            status,
            values,
            document,
            self._sources_fingerprint(document),
            expected_version=expected,
        )
        if row is None:
            return
        for slug in item.sources:
            source_id = self._id_of(SourceDocument, slug, ("sources",))
            self._pending.add(StudySource, study_id=row, source_id=source_id)
        for stage in item.life_stages:
            self._pending.add(StudyLifeStage, study_id=row, life_stage=stage)
        self.quotes(item.quotes, ("quotes",), study_id=row)
        facts = study_facts(row)  # type: ignore[arg-type]
        self._study_facts[item.slug] = facts
        self.caveats(
            item.caveats, rules.study_caveats(facts), item.dismissed_caveats, (), study_id=row
        )

    def _dependencies(
        self, item: MechanismCreate | RecommendationCreate, document: dict[str, Any]
    ) -> list[Any]:
        """What an item's stored form depends on beyond its own input."""
        return [sorted(set(self._cited(item))), self._sources_fingerprint(document)]

    def _cited(
        self, item: MechanismCreate | RecommendationCreate
    ) -> list[tuple[str, rules.StudyFacts]]:
        """Every study the item's claims cite, with its facts, in the order cited."""
        return [
            (slug, self._facts(slug, ("claims", index, "studies")))
            for index, claim in enumerate(item.claims)
            for slug in claim.studies
        ]

    def _item_caveats(
        self, item: MechanismCreate | RecommendationCreate
    ) -> list[rules.DerivedCaveat]:
        """Caveats of the item as a whole, from all it quotes and every study its claims cite."""
        studies = [facts for _, facts in self._cited(item)]
        quotes = [*item.quotes, *(quote for claim in item.claims for quote in claim.quotes)]
        return rules.item_caveats(studies, self._quoted(quotes))

    def mechanism(self, item: MechanismCreate, status: Status, expected: int | None = None) -> None:
        self.spec = BY_KIND[ItemKind.mechanism]
        document = document_of(item)
        values = item.model_dump(exclude=COMMON_FIELDS | {"studies", "claims"})
        values["certainty"] = _rating(item.claims)
        row = self._save(
            item,
            status,
            values,
            document,
            *self._dependencies(item, document),
            expected_version=expected,
        )
        if row is None:
            return
        for slug in item.studies:
            study_id = self._id_of(Study, slug, ("studies",))
            self._pending.add(MechanismStudy, mechanism_id=row, study_id=study_id)
        self.quotes(item.quotes, ("quotes",), mechanism_id=row)
        # Claims first: they resolve the studies that the item's own caveats depend on.
        self.claims(item.claims, mechanism_id=row)
        self.caveats(
            item.caveats, self._item_caveats(item), item.dismissed_caveats, (), mechanism_id=row
        )

    def recommendation(
        self, item: RecommendationCreate, status: Status, expected: int | None = None
    ) -> None:
        self.spec = BY_KIND[ItemKind.recommendation]
        document = document_of(item)
        values = item.model_dump(
            exclude=COMMON_FIELDS | {"life_stages", "targets", "mechanisms", "studies", "claims"}
        )
        values["certainty"] = _rating(item.claims, ClaimRole.advice)
        values["rationale_certainty"] = _rating(item.claims, ClaimRole.gut_rationale)
        bounds = [LIFE_STAGE_AGES[stage] for stage in item.life_stages]
        lows = [b.min_months for b in bounds]
        highs = [b.max_months for b in bounds]
        values["min_age_months"] = None if None in lows else min(lows)  # type: ignore[type-var]
        values["max_age_months"] = None if None in highs else max(highs)  # type: ignore[type-var]
        row = self._save(
            item,
            status,
            values,
            document,
            *self._dependencies(item, document),
            expected_version=expected,
        )
        if row is None:
            return
        for stage in item.life_stages:
            self._pending.add(RecommendationLifeStage, recommendation_id=row, life_stage=stage)
        for position, target in enumerate(item.targets):
            target_row = self._pending.add(
                RecommendationTarget,
                recommendation_id=row,
                position=position,
                study_id=self._id_of(Study, target.study, ("targets", position, "study")),
                **target.model_dump(exclude={"study", "quote"}),
            )
            if target.quote is not None:
                path: Path = ("targets", position, "quote")
                self.quote(target.quote, path, target_id=target_row)
        for slug in item.mechanisms:
            mechanism_id = self._id_of(Mechanism, slug, ("mechanisms",))
            self._pending.add(
                RecommendationMechanism, recommendation_id=row, mechanism_id=mechanism_id
            )
        self.quotes(item.quotes, ("quotes",), recommendation_id=row)
        self.claims(item.claims, recommendation_id=row)
        self.caveats(
            item.caveats,
            [*rules.audience_caveats(item.life_stages, item.topic), *self._item_caveats(item)],
            item.dismissed_caveats,
            (),
            recommendation_id=row,
        )
        study_slugs = dict.fromkeys([*item.studies, *(s for c in item.claims for s in c.studies)])
        for slug in study_slugs:
            study_id = self._id_of(Study, slug, ("studies",))
            self._pending.add(RecommendationStudy, recommendation_id=row, study_id=study_id)

    def write(
        self, spec: ContentKind, document: dict[str, Any], status: Status, expected: int | None
    ) -> None:
        """Write one item of any kind from its document (a source's includes its text)."""
        self.spec, self.slug = spec, str(document.get("slug", ""))
        if spec.kind is ItemKind.source:
            text = document["text"]
            source = SourceCreate.model_validate({k: v for k, v in document.items() if k != "text"})
            row = self.source_row(source, text, status, expected)
            if row is not None:
                self.source_parts(source, row)
            return
        writers: dict[ItemKind, Callable[[Any, Status, int | None], None]] = {
            ItemKind.study: self.study,
            ItemKind.mechanism: self.mechanism,
            ItemKind.recommendation: self.recommendation,
        }
        writers[spec.kind](spec.schema.model_validate(document), status, expected)

    def rederive_after(self, spec: ContentKind) -> None:
        """Rewrite the stored items of the kinds that may depend on one just written, from their
        own documents: those whose quoted text or cited studies changed get their derived
        parts anew; the rest are left alone."""
        later = CONTENT_KINDS[CONTENT_KINDS.index(spec) + 1 :]
        self.message = f"re-derived after {spec.kind} {self.slug} changed"
        self._insert_pending()
        self._sources.clear()
        self._study_facts.clear()
        for dependent in later:
            rows = self.session.exec(
                select(dependent.model).where(col(dependent.model.document).is_not(None))
            ).all()
            for row in rows:
                self.write(dependent, row.document, row.status, None)  # type: ignore[arg-type]

    def check(self) -> None:
        """Apply the content rules to everything written, read back afresh as the API reads
        it; the first item that breaks one refuses the write with all its violations."""
        self._insert_pending()
        self.session.expunge_all()
        self._sources.clear()
        for spec in CONTENT_KINDS:
            slugs = self.written.get(spec.kind, set())
            if not slugs:
                continue
            query = select(spec.model).where(col(spec.model.slug).in_(slugs))
            rows = list(self.session.exec(query))
            load(self.session, rows, spec.loading)
            for row in rows:
                violations = spec.check(row)
                if violations:
                    raise ContentInvalid(spec.kind, row.slug, violations)
        self._check_citing()

    def _check_citing(self) -> None:
        """A study or source taken off the public site may still be cited by public items of
        the kinds after it, which would then break `citation_problems`."""
        left = [
            BY_KIND[change["kind"]]
            for change in self._changes
            if change["change"] is ChangeKind.withdrawn
            and change["kind"] in (ItemKind.source, ItemKind.study)
        ]
        if not left:
            return
        first = min(CONTENT_KINDS.index(spec) for spec in left)
        for spec in CONTENT_KINDS[first + 1 :]:
            public = col(spec.model.status).in_(sorted(PUBLIC_STATUSES))
            rows = list(self.session.exec(select(spec.model).where(public)))
            load(self.session, rows, spec.loading)
            for row in rows:
                assert isinstance(row, Recommendation | Mechanism | Study)
                violations = citation_problems(row, f"{spec.kind} {row.slug}")
                if violations:
                    raise ContentInvalid(spec.kind, row.slug, violations)

    def finish(self) -> None:
        """Check, then make the write visible to readers: change log, content version and
        search index. The change log's lock is taken last, so that it is held only from here
        to the caller's commit."""
        self.check()
        if self.public_changed:
            record_changes(self.session, self._changes)
            self._changes = []
            bump_content_version(self.session)
            reindex(self.session, self.revised)
