"""Editor writes through HTTP: every content rule refused with its JSON Pointer, preconditions,
merge patches, idempotent creation, revisions and restore, the change feed, re-derivation of
what depends on a changed study or source, and the seed loader leaving editors' work alone."""

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from annotated_types import MaxLen
from sqlmodel import Session, select

from app.evidence.schemas import CaveatIn, ClaimIn, JudgementIn, QuoteIn
from app.models import (
    Caveat,
    CertaintyJudgement,
    Claim,
    PersonQuoted,
    Quote,
    Recommendation,
    RecommendationTarget,
    Revision,
)
from app.recommendations.schemas import TargetIn
from app.seeding.loader import load_seed
from app.sources.schemas import PersonIn
from app.writing.kinds import CONTENT_KINDS
from tests.conftest import SEED_DIR
from tests.editing import MERGE_PATCH, Editing, editing
from tests.helpers import assert_problem

Change = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def editor() -> Iterator[Editing]:
    with editing("writes") as ready:
        yield ready


def _set(path: str, value: Any) -> Change:
    """A change that sets the member at a slash-separated path of the document."""

    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target: Any = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def _secondary_claim_above_very_low(document: dict[str, Any]) -> None:
    claim = document["claims"][1]
    claim.update(
        certainty="low",
        wording="Sugars in breast milk may feed a baby's gut bacteria.",
        override_reason="The editor judges the news report enough on its own.",
    )


# Each breach: the item, the change that breaks a rule, and the pointer the 422 must name.
RULE_BREACHES: dict[str, tuple[str, str, Change, str]] = {
    "wording above its certainty": (
        "recommendations",
        "breastfeed",
        _set("claims/0/wording", "Breastfeeding protects babies."),
        "#/claims/0/wording",
    ),
    "certainty not following its judgements": (
        "recommendations",
        "breastfeed",
        _set("claims/0/certainty", "high"),
        "#/claims/0/certainty",
    ),
    "quote not at its offset": (
        "recommendations",
        "breastfeed",
        _set("claims/0/quotes/0/start", 0),
        "#/claims/0/quotes/0/start",
    ),
    "quote not in its source": (
        "recommendations",
        "breastfeed",
        _set("claims/0/quotes/0/exact", "These words appear nowhere in the document."),
        "#/claims/0/quotes/0/exact",
    ),
    "unknown study": (
        "recommendations",
        "breastfeed",
        _set("claims/0/studies", ["no-such-study"]),
        "#/claims/0/studies",
    ),
    "unknown quoted source": (
        "recommendations",
        "breastfeed",
        _set("quotes/0/source", "no-such-source"),
        "#/quotes/0/source",
    ),
    "secondary sources only, above very low": (
        "recommendations",
        "breastfeed",
        _secondary_claim_above_very_low,
        "#/claims/1/certainty",
    ),
    "dismissing a caveat no rule derives": (
        "recommendations",
        "breastfeed",
        _set(
            "dismissed_caveats",
            [{"kind": "animal_or_lab_only", "reason": "Nothing here rests on animals."}],
        ),
        "#/dismissed_caveats",
    ),
    "target taken from an overstatement": (
        "recommendations",
        "breastfeed",
        _set("targets/0/quote/relation", "overstates"),
        "#/targets/0/quote/relation",
    ),
    "strong advice on low certainty": (
        "recommendations",
        "prioritise-sleep",
        _set("strength", "strong"),
        "#/strength",
    ),
    "mechanism claim with a recommendation's role": (
        "mechanisms",
        "brain-connectivity-sensitive-periods",
        _set("claims/0/role", "advice"),
        "#/claims/0/role",
    ),
    "identifier not named in the verification note": (
        "studies",
        "child-gut-microbiome-cohort",
        _set("pmid", "12345678"),
        "#/identification_note",
    ),
}


@pytest.mark.parametrize("case", RULE_BREACHES)
def test_every_content_rule_is_refused_with_its_pointer(editor: Editing, case: str) -> None:
    kind, slug, change, pointer = RULE_BREACHES[case]
    before = editor.item(kind, slug)
    document = copy.deepcopy(before["document"])
    change(document)
    etag = editor.client.get(editor.url(kind, slug), headers=editor.publisher).headers["ETag"]
    problem = assert_problem(editor.put(kind, slug, document, etag, editor.publisher), 422)
    assert problem["type"].endswith("/problems/content-rule")
    assert pointer in [error.get("pointer") for error in problem["errors"]], problem
    after = editor.item(kind, slug)
    assert (after["version"], after["document"]) == (before["version"], before["document"])


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (_set("tip", "x" * 161), "#/tip"),
        (_set("title", "Breast\x00feed"), "#/title"),
        (_set("claims/0/quotes/0/exact", "The ideal\x00"), "#/claims/0/quotes/0/exact"),
        (_set("claims/0/quotes", []), "#/claims/0/quotes"),
        (_set("caveats", [{"kind": "harms_unknown", "origin": "editorial"}]), "#/caveats/0"),
        (_set("claims/2/role", "supporting"), "#/"),
        (_set("unknown_member", 1), "#/unknown_member"),
    ],
)
def test_schema_breaches_are_validation_problems(
    editor: Editing, change: Change, pointer: str
) -> None:
    document, etag = editor.read("recommendations", "breastfeed")
    change(document)
    response = editor.put("recommendations", "breastfeed", document, etag, editor.publisher)
    problem = assert_problem(response, 422)
    assert pointer in [error.get("pointer") for error in problem["errors"]], problem


def test_preconditions(editor: Editing) -> None:
    document, etag = editor.read("recommendations", "whole-grains")
    url = editor.url("recommendations", "whole-grains")
    missing = editor.client.put(url, json=document, headers=editor.publisher)
    assert assert_problem(missing, 428)["type"].endswith("/problems/precondition-required")
    star = editor.client.put(url, json=document, headers={**editor.publisher, "If-Match": "*"})
    assert_problem(star, 428)
    malformed = {**editor.publisher, "If-Match": "v1"}
    assert_problem(editor.client.put(url, json=document, headers=malformed), 400)
    weak = {**editor.publisher, "If-Match": f"W/{etag}"}
    assert_problem(editor.client.put(url, json=document, headers=weak), 412)

    document["tip"] = "Choose whole grains over refined ones most days."
    first = editor.put("recommendations", "whole-grains", document, etag, editor.publisher)
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] != etag
    document["tip"] = "A tip from someone who did not see the first change."
    stale = editor.put("recommendations", "whole-grains", document, etag, editor.publisher)
    assert assert_problem(stale, 412)["type"].endswith("/problems/precondition-failed")
    kept, _ = editor.read("recommendations", "whole-grains")
    assert kept["tip"] == "Choose whole grains over refined ones most days."
    listed = editor.put(
        "recommendations",
        "whole-grains",
        kept,
        f'"v999", {first.headers["ETag"]}',
        editor.publisher,
    )
    assert listed.status_code == 200, listed.text


def test_unchanged_document_is_no_new_version(editor: Editing) -> None:
    document, etag = editor.read("recommendations", "stay-hydrated")
    response = editor.put("recommendations", "stay-hydrated", document, etag, editor.publisher)
    assert response.status_code == 200
    assert response.headers["ETag"] == etag


def test_slug_in_body_must_match_url(editor: Editing) -> None:
    document, etag = editor.read("recommendations", "stay-hydrated")
    document["slug"] = "another-slug"
    response = editor.put("recommendations", "stay-hydrated", document, etag, editor.publisher)
    assert "#/slug" in [e["pointer"] for e in assert_problem(response, 422)["errors"]]


def test_merge_patch(editor: Editing) -> None:
    document, etag = editor.read("recommendations", "limit-junk-food")
    assert document["research_gaps"]
    patched = editor.patch(
        "recommendations",
        "limit-junk-food",
        {"research_gaps": None, "tip": "Keep sweets and crisps for now and then."},
        etag,
        editor.publisher,
    )
    assert patched.status_code == 200, patched.text
    result = patched.json()["document"]
    assert result["tip"] == "Keep sweets and crisps for now and then."
    assert result["research_gaps"] is None
    assert {k: v for k, v in result.items() if k not in ("tip", "research_gaps")} == {
        k: v for k, v in document.items() if k not in ("tip", "research_gaps")
    }
    etag = patched.headers["ETag"]
    url = editor.url("recommendations", "limit-junk-food")
    headers = {**editor.publisher, "If-Match": etag}
    as_text = editor.client.patch(
        url, content="{}", headers={**headers, "Content-Type": "text/plain"}
    )
    assert_problem(as_text, 415)
    for body in ("[1, 2]", "not json"):
        sent = editor.client.patch(
            url, content=body, headers={**headers, "Content-Type": MERGE_PATCH}
        )
        assert_problem(sent, 422)
    breach = editor.patch(
        "recommendations", "limit-junk-food", {"tip": "x" * 200}, etag, editor.publisher
    )
    assert "#/tip" in [e["pointer"] for e in assert_problem(breach, 422)["errors"]]


def test_changing_public_content_needs_the_publish_scope(editor: Editing) -> None:
    document, etag = editor.read("recommendations", "outdoor-play")
    document["tip"] = "Let children play outside every day."
    refused = editor.put("recommendations", "outdoor-play", document, etag, editor.writer)
    assert "content:publish" in assert_problem(refused, 403)["detail"]
    created = editor.create_copy("recommendations", "outdoor-play", "outdoor-play-draft")
    assert created.status_code == 201, created.text
    draft, draft_tag = editor.read("recommendations", "outdoor-play-draft")
    draft["tip"] = "Let children play outside every day."
    allowed = editor.put("recommendations", "outdoor-play-draft", draft, draft_tag, editor.writer)
    assert allowed.status_code == 200, allowed.text


def test_idempotent_creation(editor: Editing) -> None:
    document, _ = editor.read("recommendations", "fermented-foods")
    document["slug"] = "fermented-foods-again"
    for claim in document["claims"]:
        claim["slug"] += "-again"
    headers = {**editor.writer, "Idempotency-Key": "create-fermented-foods-again"}
    url = editor.url("recommendations")
    first = editor.client.post(url, json=document, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "draft"
    retry = editor.client.post(url, json=document, headers=headers)
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["ETag"] == first.headers["ETag"]
    other = editor.client.post(url, json={**document, "tip": "Another body."}, headers=headers)
    assert assert_problem(other, 422)["type"].endswith("/problems/idempotency-key-reused")
    fresh_key = {**editor.writer, "Idempotency-Key": "a-new-key"}
    duplicate = editor.client.post(url, json=document, headers=fresh_key)
    assert_problem(duplicate, 409)
    another_editor = {**editor.publisher, "Idempotency-Key": "create-fermented-foods-again"}
    assert_problem(editor.client.post(url, json=document, headers=another_editor), 409)
    with Session(editor.engine) as session:
        rows = session.exec(
            select(Recommendation).where(Recommendation.slug == "fermented-foods-again")
        ).all()
        assert len(rows) == 1
        assert rows[0].version == 1


def test_claim_slugs_stay_unique_across_items(editor: Editing) -> None:
    document, _ = editor.read("recommendations", "manage-stress")
    document["slug"] = "manage-stress-twin"
    response = editor.client.post(
        editor.url("recommendations"), json=document, headers=editor.writer
    )
    assert "#/claims/0/slug" in [e["pointer"] for e in assert_problem(response, 422)["errors"]]


def test_revisions_and_restore(editor: Editing) -> None:
    kind, slug = "recommendations", "regular-exercise"
    original, etag = editor.read(kind, slug)
    tips = ["Move most days: walking counts.", "Aim for 150 minutes of activity a week."]
    for tip in tips:
        response = editor.patch(kind, slug, {"tip": tip}, etag, editor.publisher)
        assert response.status_code == 200, response.text
        etag = response.headers["ETag"]
    history = editor.client.get(editor.url(kind, slug, "revisions"), headers=editor.writer)
    assert history.status_code == 200
    revisions = history.json()["items"]
    versions = [revision["version"] for revision in revisions]
    assert versions == sorted(versions, reverse=True)
    newest, middle = revisions[0], revisions[1]
    assert newest["diff"] == [{"op": "replace", "path": "/tip", "value": tips[1]}]
    assert newest["previous"]["tip"] == tips[0]
    assert middle["previous"] == original
    assert newest["editor"].startswith("test-")
    assert revisions[-1]["editor"] == "seed"

    restored = editor.client.post(
        editor.url(kind, slug, f"revisions/{middle['version'] - 1}/restore"),
        headers={**editor.publisher, "If-Match": etag},
    )
    assert restored.status_code == 200, restored.text
    assert restored.json()["document"] == original
    assert restored.json()["version"] == newest["version"] + 1
    latest = editor.client.get(editor.url(kind, slug, "revisions"), headers=editor.writer)
    top = latest.json()["items"][0]
    assert top["message"] == f"restored the document of version {middle['version'] - 1}"
    assert top["diff"] == [{"op": "replace", "path": "/tip", "value": original["tip"]}]
    missing = editor.client.post(
        editor.url(kind, slug, "revisions/999/restore"),
        headers={**editor.publisher, "If-Match": restored.headers["ETag"]},
    )
    assert_problem(missing, 404)
    public = editor.client.get(f"/v1/recommendations/{slug}")
    assert public.json()["tip"] == original["tip"]


def _feed(editor: Editing, slug: str) -> list[tuple[str, int]]:
    url: str | None = "/v1/changes?limit=100"
    found = []
    while url:
        page = editor.client.get(url).json()
        found += [(c["change"], c["version"]) for c in page["items"] if c["slug"] == slug]
        url = page["next"]
    return found


def test_change_feed_follows_a_sequence_of_editor_writes(editor: Editing) -> None:
    kind, slug = "recommendations", "prioritise-sleep-copy"
    assert editor.create_copy(kind, "prioritise-sleep", slug).status_code == 201
    state_before = editor.client.get("/v1/recommendations/stay-hydrated").headers["ETag"]
    for step in ("in_review", "published"):
        assert editor.move(kind, slug, step, editor.publisher).status_code == 200
    assert editor.client.get("/v1/recommendations/stay-hydrated").headers["ETag"] != state_before
    document, etag = editor.read(kind, slug)
    changed = editor.patch(kind, slug, {"tip": "Keep a regular bedtime."}, etag, editor.publisher)
    assert changed.status_code == 200, changed.text
    advice = copy.deepcopy(changed.json()["document"])
    claim = next(c for c in advice["claims"] if c["role"] == "advice")
    claim["judgements"].append(
        {"domain": "imprecision", "judgement": "serious", "note": "Few trials, wide intervals."}
    )
    claim["certainty"] = "very_low"
    claim["wording"] = "It is very uncertain whether more sleep improves mood."
    # The renditions follow the headline certainty down, as the claim's wording does.
    advice["push_tip"] = (
        "Keep a regular bedtime; it is very uncertain whether more sleep helps mood."
    )
    advice["card_summary"] = (
        "We suggest adults keep a regular bedtime. It is very uncertain whether more sleep"
        " improves mood, and whether sleep helps mental health through the gut is not known."
    )
    lowered = editor.put(kind, slug, advice, changed.headers["ETag"], editor.publisher)
    assert lowered.status_code == 200, lowered.text
    public = editor.client.get(f"/v1/recommendations/{slug}").json()
    assert public["certainty"]["code"] == "very_low", public["certainty"]
    withdrawn = editor.client.delete(
        editor.url(kind, slug), headers={**editor.publisher, "If-Match": lowered.headers["ETag"]}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert editor.client.get(f"/v1/recommendations/{slug}").status_code == 410
    assert _feed(editor, slug) == [
        ("created", 3),
        ("updated", 4),
        ("certainty_changed", 5),
        ("withdrawn", 6),
    ]


def test_a_corrected_source_is_refused_when_it_breaks_a_quote(editor: Editing) -> None:
    slug = "news-baby-gut-mental-health"
    document, etag = editor.read("sources", slug)
    broken = {**document, "text": document["text"].replace("The ideal is exclusive", "Best is")}
    response = editor.put("sources", slug, broken, etag, editor.publisher)
    problem = assert_problem(response, 422)
    assert any("is not in" in e["detail"] and "pointer" not in e for e in problem["errors"])
    assert editor.read("sources", slug) == (document, etag)


def test_dependents_are_rederived_when_a_source_or_study_changes(editor: Editing) -> None:
    slug = "news-baby-gut-mental-health"
    document, etag = editor.read("sources", slug)
    appended = {**document, "text": document["text"] + "\nCorrection: a date was fixed.\n"}
    response = editor.put("sources", slug, appended, etag, editor.publisher)
    assert response.status_code == 200, response.text
    assert editor.client.get(f"/v1/sources/{slug}").json()["text"].endswith("fixed.\n")
    history = editor.client.get(
        editor.url("recommendations", "breastfeed", "revisions"), headers=editor.writer
    ).json()["items"]
    assert history[0]["message"] == f"re-derived after source {slug} changed"
    assert history[0]["diff"] == []

    study, study_tag = editor.read("studies", "child-gut-microbiome-cohort")
    assert study["n_participants"] == 55
    smaller = editor.patch(
        "studies",
        "child-gut-microbiome-cohort",
        {"n_participants": 12},
        study_tag,
        editor.publisher,
    )
    assert smaller.status_code == 200, smaller.text
    public = editor.client.get("/v1/studies/child-gut-microbiome-cohort").json()
    assert "small_sample" in [caveat["kind"] for caveat in public["caveats"]]


def test_seed_keeps_what_editors_changed(editor: Editing) -> None:
    document, etag = editor.read("recommendations", "seek-help-for-child-anxiety")
    tip = "If worries stop a child from daily life, talk to a doctor."
    assert (
        editor.patch(
            "recommendations", "seek-help-for-child-anxiety", {"tip": tip}, etag, editor.publisher
        ).status_code
        == 200
    )
    with Session(editor.engine) as session:
        report = load_seed(session, SEED_DIR)
        session.commit()
    assert report.kept["recommendations"] >= 1
    kept, _ = editor.read("recommendations", "seek-help-for-child-anxiety")
    assert kept["tip"] == tip
    assert editor.item("recommendations", "seek-help-for-child-anxiety")["status"] == "published"


def test_editor_responses_are_not_cached(editor: Editing) -> None:
    response = editor.client.get(editor.url("recommendations", "breastfeed"), headers=editor.writer)
    assert response.headers["Cache-Control"] == "no-store"
    problem = editor.client.get(
        editor.url("recommendations", "no-such-item"), headers=editor.writer
    )
    assert_problem(problem, 404)


def test_revision_rows_hold_no_secret(editor: Editing) -> None:
    secrets = {editor.writer["Authorization"][7:], editor.publisher["Authorization"][7:]}
    with Session(editor.engine) as session:
        dumped = json.dumps([r.model_dump(mode="json") for r in session.exec(select(Revision))])
    assert not any(secret in dumped for secret in secrets)


def test_openapi_documents_the_editor_contract(editor: Editing) -> None:
    document = editor.client.get("/openapi.json").json()
    changing = 0
    for path, operations in document["paths"].items():
        administration = path.startswith(("/v1/editor/keys", "/v1/editor/webhooks"))
        if not path.startswith("/v1/editor/") or administration:
            continue
        for method, operation in operations.items():
            assert operation["security"], f"{method} {path}"
            assert {"401", "403"} <= operation["responses"].keys(), f"{method} {path}"
            if method in ("put", "patch", "delete") or path.endswith(("/transitions", "/restore")):
                changing += 1
                assert {"409", "412", "428", "422"} <= operation["responses"].keys(), path
                names = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
                assert "If-Match" in names, f"{method} {path}"
            if method == "post" and not path.endswith(("/transitions", "/restore")):
                names = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
                assert "Idempotency-Key" in names, path
                assert "409" in operation["responses"], path
    assert changing == 4 * 5


def test_every_bounded_column_has_a_bounded_input() -> None:
    """Text an editor sends is refused as a 422 before the database would refuse it as an
    error: every length-limited column has an input field with a length limit that fits."""
    parts = [
        (ClaimIn, Claim),
        (QuoteIn, Quote),
        (CaveatIn, Caveat),
        (JudgementIn, CertaintyJudgement),
        (TargetIn, RecommendationTarget),
        (PersonIn, PersonQuoted),
    ]
    unbounded = []
    for schema, model in [*((spec.schema, spec.model) for spec in CONTENT_KINDS), *parts]:
        columns = {column.name: column for column in model.__table__.columns}
        for name, field in schema.model_fields.items():
            column = columns.get(name)
            length = getattr(column.type, "length", None) if column is not None else None
            if length is None or isinstance(column.type, sa.Enum):
                continue
            limits = [m.max_length for m in field.metadata if isinstance(m, MaxLen)]
            if not limits or limits[0] > length:
                unbounded.append(f"{schema.__name__}.{name}: {limits} for a column of {length}")
    assert not unbounded
