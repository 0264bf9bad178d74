"""Loads the structured seed content idempotently, by slug, through the API's input schemas.

Everything is read and validated before anything is written; the whole load is one transaction,
so a bad file leaves the database as it was. An item whose input has not changed is not touched;
a changed item is rewritten in place and its version goes up by one.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.changes.log import bump_content_version, public_change, record_change
from app.core.types import utcnow
from app.evidence import rules
from app.evidence.checks import source_facts
from app.evidence.report import CHECKED_KINDS
from app.evidence.schemas import CaveatIn, ClaimIn, ContentIn, DismissalIn, QuoteIn
from app.evidence.vocabulary import (
    LIFE_STAGE_AGES,
    CaveatOrigin,
    Certainty,
    ClaimRole,
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
    SourceDocument,
    Study,
    StudyLifeStage,
    StudySource,
)
from app.recommendations.schemas import RecommendationCreate
from app.search.index import reindex
from app.sources.schemas import PersonIn, SourceCreate
from app.studies.schemas import StudyCreate

KINDS: dict[str, type[ContentIn]] = {
    "sources": SourceCreate,
    "studies": StudyCreate,
    "mechanisms": MechanismCreate,
    "recommendations": RecommendationCreate,
}
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


class SeedError(Exception):
    """A seed file that cannot be loaded; names the file, the item and the field."""

    def __init__(self, file: str, item: str, field: str, message: str) -> None:
        super().__init__(f"{file}: item {item!r}, field {field!r}: {message}")
        self.file, self.item, self.field, self.message = file, item, field, message


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    withdrawn: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        return ", ".join(
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated,"
            f" {self.unchanged[kind]} unchanged, {self.withdrawn[kind]} withdrawn"
            for kind in KINDS
        )


@dataclass
class SeedSet:
    items: dict[str, list[Any]]
    texts: dict[str, str]


def _file_name(kind: str) -> str:
    return f"content/{kind}.yaml"


def read_seed(directory: Path) -> SeedSet:
    """Parse and validate every seed file; nothing touches the database here."""
    items: dict[str, list[Any]] = {}
    for kind, schema in KINDS.items():
        name = _file_name(kind)
        path = directory / name
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except (OSError, yaml.YAMLError) as exc:
            raise SeedError(name, "-", "-", f"cannot be read as YAML: {exc}") from exc
        if not isinstance(raw, list):
            raise SeedError(name, "-", "-", "must be a list of items")
        items[kind] = []
        seen: set[str] = set()
        for index, entry in enumerate(raw):
            label = entry.get("slug", f"#{index}") if isinstance(entry, dict) else f"#{index}"
            try:
                item = schema.model_validate(entry)
            except ValidationError as exc:
                error = exc.errors()[0]
                where = ".".join(str(part) for part in error["loc"]) or "-"
                raise SeedError(name, str(label), where, error["msg"]) from exc
            if item.slug in seen:
                raise SeedError(name, item.slug, "slug", "appears twice")
            seen.add(item.slug)
            items[kind].append(item)
    texts = {}
    for source in items["sources"]:
        path = directory / "sources" / source.filename
        try:
            texts[source.slug] = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SeedError(_file_name("sources"), source.slug, "filename", str(exc)) from exc
    return SeedSet(items, texts)


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _reviewed_at(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


class _Writer:
    """Writes one validated seed set into a session; flushes, never commits."""

    def __init__(self, session: Session, seed: SeedSet) -> None:
        self.session = session
        self.seed = seed
        self.report = LoadReport()
        self.ids: dict[type[ContentFields], dict[str, int]] = {}
        self.sources: dict[str, SourceDocument] = {}
        self.study_facts: dict[str, rules.StudyFacts] = {}
        self.kind = ""
        self.slug = ""
        self.changed = False

    def fail(self, field_name: str, message: str) -> SeedError:
        return SeedError(_file_name(self.kind), self.slug, field_name, message)

    def _id_of(self, model: type[ContentFields], slug: str, field_name: str) -> int:
        ids = self.ids.setdefault(model, {})
        if slug not in ids:
            found = self.session.exec(select(col(model.id)).where(model.slug == slug)).first()
            if found is None:
                raise self.fail(field_name, f"refers to unknown slug {slug!r}")
            ids[slug] = found
        return ids[slug]

    def upsert(
        self, model: type[ContentFields], item: ContentIn, values: dict[str, Any], *extra: Any
    ) -> ContentFields | None:
        """Create or rewrite the item's own row; None when its input has not changed."""
        self.slug = item.slug
        content_hash = _digest(item.model_dump(mode="json"), *extra)
        row = self.session.exec(select(model).where(model.slug == item.slug)).first()
        review = {
            "status": item.status,
            "last_reviewed_at": _reviewed_at(item.last_reviewed_on),
            "next_review_due": item.next_review_due or item.last_reviewed_on + REVIEW_INTERVAL,
            "content_hash": content_hash,
        }
        if row is None:
            row = model(slug=item.slug, **values, **review)
            self.session.add(row)
            self.session.flush()
            self.report.created[self.kind] += 1
            self._changed(row, None)
        elif row.content_hash == content_hash and row.status == item.status:
            self.report.unchanged[self.kind] += 1
            self.ids.setdefault(model, {})[item.slug] = row.id  # type: ignore[assignment]
            return None
        else:
            was, certainty = row.status, getattr(row, "certainty", None)
            for name, value in {**values, **review}.items():
                setattr(row, name, value)
            row.version += 1
            row.updated_at = utcnow()
            self._clear_children(model, row.id)
            self.session.flush()
            self.report.updated[self.kind] += 1
            self._changed(row, was, certainty != getattr(row, "certainty", None))
        self.ids.setdefault(model, {})[item.slug] = row.id  # type: ignore[assignment]
        return row

    def _changed(self, row: ContentFields, was: Status | None, certainty: bool = False) -> None:
        change = public_change(was, row.status, certainty)
        if change is not None:
            record_change(self.session, row, change)
            self.changed = True

    def withdraw_missing(self) -> None:
        """An item whose slug has left the seed files is withdrawn, not deleted: its URL
        answers 410 and the change feed says so."""
        for kind, model, *_ in CHECKED_KINDS:
            self.kind = kind
            slugs = [item.slug for item in self.seed.items[kind]]
            gone = select(model).where(
                col(model.slug).not_in(slugs), model.status != Status.withdrawn
            )
            for row in self.session.exec(gone):
                was, row.status = row.status, Status.withdrawn
                row.version += 1
                row.updated_at = utcnow()
                self.report.withdrawn[kind] += 1
                self._changed(row, was)
        self.session.flush()

    def _clear_children(self, model: type[ContentFields], row_id: int) -> None:
        for column in OWNED_ROWS[model]:
            self.session.execute(sa.delete(column.class_).where(column == row_id))

    def quote(self, quote: QuoteIn, field_name: str, **owner: Any) -> None:
        text = self.seed.texts.get(quote.source)
        if text is None:
            raise self.fail(field_name, f"quotes unknown source {quote.source!r}")
        if quote.start is not None:
            start = quote.start
            if text[start : start + len(quote.exact)] != quote.exact:
                raise self.fail(field_name, f"{quote.exact[:40]!r} is not at offset {start}")
        else:
            start = text.find(quote.exact)
            if start < 0:
                raise self.fail(field_name, f"{quote.exact[:40]!r} is not in {quote.source}")
            if text.find(quote.exact, start + 1) >= 0:
                raise self.fail(field_name, f"{quote.exact[:40]!r} occurs twice: give `start`")
        row = Quote(
            source_id=self.sources[quote.source].id,
            exact=quote.exact,
            start=start,
            end=start + len(quote.exact),
            relation=quote.relation,
            **owner,
        )
        self.session.add(row)

    def quotes(self, quotes: list[QuoteIn], field_name: str, **owner: Any) -> None:
        for index, quote in enumerate(quotes):
            self.quote(quote, f"{field_name}.{index}", **owner)

    def caveats(
        self,
        written: list[CaveatIn],
        derived: list[rules.DerivedCaveat],
        dismissed: list[DismissalIn],
        field_name: str,
        **owner: Any,
    ) -> None:
        position = 0
        for index, caveat in enumerate(written):
            row = Caveat(
                kind=caveat.kind,
                origin=caveat.origin,
                severity=caveat.severity or rules.default_severity(caveat.kind),
                text=caveat.text or rules.default_text(caveat.kind),
                reference=caveat.reference,
                position=position,
                **owner,
            )
            self.session.add(row)
            self.session.flush()
            self.quotes(caveat.quotes, f"{field_name}.{index}.quotes", caveat_id=row.id)
            position += 1
        reasons = {dismissal.kind: dismissal.reason for dismissal in dismissed}
        written_kinds = {caveat.kind for caveat in written}
        for rule in derived:
            if rule.kind in written_kinds:
                continue
            self.session.add(
                Caveat(
                    kind=rule.kind,
                    origin=CaveatOrigin.rule,
                    severity=rule.severity,
                    text=rule.text,
                    dismissed_reason=reasons.get(rule.kind),
                    position=position,
                    **owner,
                )
            )
            position += 1
        stray = set(reasons) - {rule.kind for rule in derived}
        if stray:
            raise self.fail(f"{field_name}", f"dismisses caveats no rule derives: {sorted(stray)}")

    def claims(self, claims: list[ClaimIn], **owner: Any) -> None:
        for index, claim in enumerate(claims):
            where = f"claims.{index}"
            facts = []
            for slug in claim.studies:
                self._id_of(Study, slug, f"{where}.studies")
                facts.append(self.study_facts[slug])
            row = Claim(
                slug=claim.slug,
                position=index,
                text=claim.text,
                wording=claim.wording,
                role=claim.role,
                kind=claim.kind,
                outcome_kind=claim.outcome_kind,
                critical=claim.critical,
                starting_level=rules.starting_level(facts),
                certainty=claim.certainty,
                override_reason=claim.override_reason,
                effect_summary=claim.effect_summary,
                **owner,
            )
            self.session.add(row)
            self.session.flush()
            claim_id: int = row.id  # type: ignore[assignment]
            for slug in claim.studies:
                self.session.add(ClaimStudy(claim_id=claim_id, study_id=self.ids[Study][slug]))
            for judgement in claim.judgements:
                self.session.add(CertaintyJudgement(claim_id=claim_id, **judgement.model_dump()))
            self.quotes(claim.quotes, f"{where}.quotes", claim_id=claim_id)
            derived = rules.claim_caveats(
                facts,
                self._quoted(claim.quotes),
                overstated=any(q.relation is Relation.overstates for q in claim.quotes),
            )
            self.caveats(
                claim.caveats,
                derived,
                claim.dismissed_caveats,
                f"{where}.caveats",
                claim_id=claim_id,
            )

    def load_sources(self) -> None:
        self.kind = "sources"
        changed = []
        for item in self.seed.items["sources"]:
            text = self.seed.texts[item.slug]
            sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
            values = item.model_dump(exclude=COMMON_FIELDS | {"people"})
            row = self.upsert(
                SourceDocument, item, {**values, "text": text, "sha256": sha256}, sha256
            )
            if row is not None:
                changed.append((item, row))
        slugs = [item.slug for item in self.seed.items["sources"]]
        self.sources = {
            row.slug: row
            for row in self.session.exec(
                select(SourceDocument).where(col(SourceDocument.slug).in_(slugs))
            )
        }
        # Caveats go in once every source is stored: their quotes may cite any of them.
        for item, row in changed:
            self.slug = item.slug
            derived = rules.source_caveats(source_facts(row))
            self.caveats(item.caveats, derived, item.dismissed_caveats, "caveats", source_id=row.id)
            self.people(item.people, row.id)

    def people(self, people: list[PersonIn], source_id: int) -> None:
        for index, person in enumerate(people):
            row = PersonQuoted(
                source_id=source_id,
                position=index,
                **person.model_dump(exclude={"quotes"}),
            )
            self.session.add(row)
            self.session.flush()
            self.quotes(person.quotes, f"people.{index}.quotes", person_id=row.id)

    def load_studies(self) -> None:
        self.kind = "studies"
        for item in self.seed.items["studies"]:
            self.slug = item.slug
            facts = rules.StudyFacts(
                design=item.design,
                species=item.species,
                n_participants=item.n_participants,
                outcome_kind=item.outcome_kind,
                traceable=item.traceable,
                record_kind=item.record_kind,
                evidence_design=item.evidence_design,
            )
            self.study_facts[item.slug] = facts
            values = item.model_dump(exclude=COMMON_FIELDS | {"life_stages", "sources"})
            row = self.upsert(Study, item, values, self._sources_fingerprint())
            if row is None:
                continue
            study_id: int = row.id  # type: ignore[assignment]
            for slug in item.sources:
                source_id = self._id_of(SourceDocument, slug, "sources")
                self.session.add(StudySource(study_id=study_id, source_id=source_id))
            for stage in item.life_stages:
                self.session.add(StudyLifeStage(study_id=study_id, life_stage=stage))
            self.quotes(item.quotes, "quotes", study_id=study_id)
            self.caveats(
                item.caveats,
                rules.study_caveats(facts),
                item.dismissed_caveats,
                "caveats",
                study_id=study_id,
            )

    def _sources_fingerprint(self) -> list[tuple[str, str, str]]:
        """Quote offsets and derived caveats depend on the documents' text and type."""
        return sorted((slug, s.sha256, str(s.source_type)) for slug, s in self.sources.items())

    def _quoted(self, quotes: list[QuoteIn]) -> list[rules.SourceFacts]:
        return [source_facts(self.sources[quote.source]) for quote in quotes]

    def _item_caveats(
        self, item: MechanismCreate | RecommendationCreate
    ) -> list[rules.DerivedCaveat]:
        """Caveats of the item as a whole, from all it quotes and every study its claims cite."""
        studies = [self.study_facts[slug] for claim in item.claims for slug in claim.studies]
        quotes = [*item.quotes, *(quote for claim in item.claims for quote in claim.quotes)]
        return rules.item_caveats(studies, self._quoted(quotes))

    def _dependencies(self, item: MechanismCreate | RecommendationCreate) -> list[Any]:
        """What an item's stored form depends on beyond its own input."""
        slugs = {slug for claim in item.claims for slug in claim.studies}
        return [
            sorted((slug, repr(self.study_facts.get(slug))) for slug in slugs),
            self._sources_fingerprint(),
        ]

    def load_mechanisms(self) -> None:
        self.kind = "mechanisms"
        for item in self.seed.items["mechanisms"]:
            self.slug = item.slug
            values = item.model_dump(exclude=COMMON_FIELDS | {"studies", "claims"})
            values["certainty"] = _rating(item.claims)
            row = self.upsert(Mechanism, item, values, *self._dependencies(item))
            if row is None:
                continue
            mechanism_id: int = row.id  # type: ignore[assignment]
            for slug in item.studies:
                study_id = self._id_of(Study, slug, "studies")
                self.session.add(MechanismStudy(mechanism_id=mechanism_id, study_id=study_id))
            self.quotes(item.quotes, "quotes", mechanism_id=mechanism_id)
            # Claims first: they resolve the studies that the item's own caveats depend on.
            self.claims(item.claims, mechanism_id=mechanism_id)
            self.caveats(
                item.caveats,
                self._item_caveats(item),
                item.dismissed_caveats,
                "caveats",
                mechanism_id=mechanism_id,
            )

    def load_recommendations(self) -> None:
        self.kind = "recommendations"
        for item in self.seed.items["recommendations"]:
            self.slug = item.slug
            values = item.model_dump(
                exclude=COMMON_FIELDS
                | {"life_stages", "targets", "mechanisms", "studies", "claims"}
            )
            values["certainty"] = _rating(item.claims, ClaimRole.advice)
            values["rationale_certainty"] = _rating(item.claims, ClaimRole.gut_rationale)
            bounds = [LIFE_STAGE_AGES[stage] for stage in item.life_stages]
            lows = [b.min_months for b in bounds]
            highs = [b.max_months for b in bounds]
            values["min_age_months"] = None if None in lows else min(lows)  # type: ignore[type-var]
            values["max_age_months"] = None if None in highs else max(highs)  # type: ignore[type-var]
            row = self.upsert(Recommendation, item, values, *self._dependencies(item))
            if row is None:
                continue
            rec_id: int = row.id  # type: ignore[assignment]
            for stage in item.life_stages:
                self.session.add(
                    RecommendationLifeStage(recommendation_id=rec_id, life_stage=stage)
                )
            for position, target in enumerate(item.targets):
                target_row = RecommendationTarget(
                    recommendation_id=rec_id,
                    position=position,
                    study_id=self._id_of(Study, target.study, f"targets.{position}.study"),
                    **target.model_dump(exclude={"study", "quote"}),
                )
                self.session.add(target_row)
                self.session.flush()
                if target.quote is not None:
                    self.quote(target.quote, f"targets.{position}.quote", target_id=target_row.id)
            for slug in item.mechanisms:
                mechanism_id = self._id_of(Mechanism, slug, "mechanisms")
                self.session.add(
                    RecommendationMechanism(recommendation_id=rec_id, mechanism_id=mechanism_id)
                )
            self.quotes(item.quotes, "quotes", recommendation_id=rec_id)
            self.claims(item.claims, recommendation_id=rec_id)
            self.caveats(
                item.caveats,
                [*rules.audience_caveats(item.life_stages, item.topic), *self._item_caveats(item)],
                item.dismissed_caveats,
                "caveats",
                recommendation_id=rec_id,
            )
            study_slugs = dict.fromkeys(
                [*item.studies, *(s for c in item.claims for s in c.studies)]
            )
            for slug in study_slugs:
                study_id = self._id_of(Study, slug, "studies")
                self.session.add(RecommendationStudy(recommendation_id=rec_id, study_id=study_id))

    def check(self) -> None:
        """Apply the content rules to everything just written; refuse the load on a breach."""
        self.session.flush()
        # Read everything back afresh, as the API would, rather than the objects just written.
        self.session.expunge_all()
        for kind, model, loading, check in CHECKED_KINDS:
            slugs = [item.slug for item in self.seed.items[kind]]
            query = select(model).where(model.slug.in_(slugs)).options(*loading)
            for row in self.session.exec(query):
                problems = check(row)
                if problems:
                    raise SeedError(_file_name(kind), row.slug, "-", "; ".join(problems))


def _rating(claims: list[ClaimIn], role: ClaimRole | None = None) -> Certainty:
    """The lowest certainty of the critical claims (of one role, where given)."""
    return rules.lowest_certainty(
        claim.certainty for claim in claims if claim.critical and role in (None, claim.role)
    )


COMMON_FIELDS = {
    "slug",
    "status",
    "last_reviewed_on",
    "next_review_due",
    "caveats",
    "dismissed_caveats",
    "quotes",
}


def load_seed(session: Session, directory: Path) -> LoadReport:
    """Validate the seed set, then write it; the caller commits or rolls back."""
    seed = read_seed(directory)
    writer = _Writer(session, seed)
    writer.load_sources()
    writer.load_studies()
    writer.load_mechanisms()
    writer.load_recommendations()
    writer.withdraw_missing()
    writer.check()
    if writer.changed:
        bump_content_version(session)
    reindex(session)
    return writer.report
