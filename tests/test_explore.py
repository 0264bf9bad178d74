"""The evidence explorer shows what the JSON API says: every published item, placed on the map by
its two ratings, joined in the graph by its links, narrowed by the same filters and search."""

import itertools
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from lxml import html
from sqlalchemy.engine import Engine

from app.core.security_headers import PAGE_POLICY
from tests.helpers import assert_problem, walk

BASE = "http://testserver"
SVG = "{http://www.w3.org/2000/svg}"
KINDS = {"recommendations": "recommendation", "mechanisms": "mechanism", "studies": "study"}
# Best first, as the explorer ranks the evidence behind a piece of advice.
EVIDENCE_ORDER = [
    "guideline",
    "systematic_review",
    "randomised_trials",
    "observational",
    "other_research",
    "none_traceable",
]
RANDOMISED_START, OBSERVATIONAL_START = 4, 2
MAX_LINKS_CHECKED = 40
MAX_STATEMENTS = 30

Bounds = tuple[float, float, float, float]


def _get(client: TestClient, query: dict[str, str] | None = None) -> httpx.Response:
    response = client.get(f"/explore?{urlencode(query)}" if query else "/explore")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response


def _page(response: httpx.Response) -> Any:
    return html.fromstring(response.text)


def _svg(response: httpx.Response, testid: str) -> ET.Element:
    """The inline picture, parsed as the XML it must be."""
    match = re.search(rf'<svg data-testid="{testid}".*?</svg>', response.text, re.S)
    assert match, f"no <svg data-testid={testid}>"
    return ET.fromstring(match.group(0))


def _shown(page: Any) -> dict[str, list[str]]:
    """The slugs listed in each of the three sections, in page order."""
    return {
        kind: page.xpath(f"//*[@data-testid='{kind}-list']//li[@data-slug]/@data-slug")
        for kind in KINDS
    }


def _api(client: TestClient, kind: str, query: dict[str, str]) -> list[str]:
    return [item["slug"] for item in walk(client, f"/v1/{kind}?{urlencode(query)}&limit=100")]


def _bounds(shape: ET.Element) -> Bounds:
    """The box a circle, rect or polygon covers."""
    tag = shape.tag.removeprefix(SVG)
    if tag == "circle":
        cx, cy, r = (float(shape.get(name, "nan")) for name in ("cx", "cy", "r"))
        return cx - r, cy - r, cx + r, cy + r
    if tag == "rect":
        x, y, w, h = (float(shape.get(name, "nan")) for name in ("x", "y", "width", "height"))
        return x, y, x + w, y + h
    assert tag == "polygon", tag
    numbers = [float(n) for n in re.split(r"[\s,]+", shape.get("points", "").strip())]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _inside(inner: Bounds, outer: Bounds) -> bool:
    return (
        inner[0] >= outer[0]
        and inner[1] >= outer[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def _overlap(a: Bounds, b: Bounds) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _drawn(element: ET.Element) -> ET.Element:
    (shape,) = [child for child in element if child.tag != f"{SVG}title"]
    return shape


def _node_box(node: ET.Element) -> Bounds:
    box = node.find(f"{SVG}rect")
    assert box is not None
    return _bounds(box)


def _title(element: ET.Element) -> str:
    title = element.find(f"{SVG}title")
    assert title is not None
    assert title.text
    return title.text


@pytest.fixture(scope="module")
def recommendations(client: TestClient) -> list[dict[str, Any]]:
    return walk(client, "/v1/recommendations?limit=100")


@pytest.fixture(scope="module")
def everything(client: TestClient) -> dict[str, list[str]]:
    return {kind: _api(client, kind, {}) for kind in KINDS}


def test_explorer_is_a_page_without_scripts_or_foreign_assets(client: TestClient) -> None:
    response = _get(client)
    assert response.headers["content-security-policy"] == PAGE_POLICY
    page = _page(response)
    assert not page.xpath("//script | //style | //*[@style] | //iframe")
    assert len(page.xpath("//h1")) == 1
    for href in page.xpath("//link/@href | //img/@src"):
        assert href.startswith(f"{BASE}/assets/"), href
        assert client.get(href).status_code == 200, href
    for testid in ("evidence-map", "evidence-graph"):
        svg = _svg(response, testid)
        assert svg.get("viewBox", "").startswith("0 0 ")
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None
        assert title.text
        assert desc is not None
        assert desc.text
        assert svg.get("aria-labelledby") == title.get("id")
        assert svg.get("aria-describedby") == desc.get("id")


def test_every_recommendation_is_a_marker_in_the_cell_of_its_two_ratings(
    client: TestClient, recommendations: list[dict[str, Any]]
) -> None:
    svg = _svg(_get(client), "evidence-map")
    cells = {
        (rect.get("data-headline"), rect.get("data-rationale")): _bounds(rect)
        for rect in svg.iter(f"{SVG}rect")
        if rect.get("class") == "map__cell"
    }
    markers = {marker.get("data-slug"): marker for marker in svg.iter(f"{SVG}a")}
    assert set(markers) == {item["slug"] for item in recommendations}
    crowds: dict[Bounds, list[Bounds]] = {}
    for item in recommendations:
        marker = markers[item["slug"]]
        assert marker.get("href") == f"{BASE}/cards/recommendations/{item['slug']}"
        assert _title(marker).startswith(item["title"])
        cell = cells[(item["certainty"]["code"], item["gut_rationale_certainty"]["code"])]
        bounds = _bounds(_drawn(marker))
        assert _inside(bounds, cell), (item["slug"], bounds, cell)
        crowds.setdefault(cell, []).append(bounds)
    assert max(len(crowd) for crowd in crowds.values()) > 1, "no cell holds two markers"
    for crowd in crowds.values():
        for a, b in itertools.combinations(crowd, 2):
            assert not _overlap(a, b), (a, b)


def test_map_axes_run_from_very_low_to_high_in_words(client: TestClient) -> None:
    levels = client.get("/v1/vocabulary").json()["certainty_levels"]
    rising = [level["code"] for level in reversed(levels)]
    labels = {level["code"]: level["label"] for level in levels}
    svg = _svg(_get(client), "evidence-map")
    cells = {
        (rect.get("data-headline"), rect.get("data-rationale")): _bounds(rect)
        for rect in svg.iter(f"{SVG}rect")
        if rect.get("class") == "map__cell"
    }
    assert len(cells) == len(rising) ** 2
    lefts = [cells[(level, rising[0])][0] for level in rising]
    tops = [cells[(rising[0], level)][1] for level in rising]
    assert lefts == sorted(set(lefts)), "the headline rating rises to the right"
    assert tops == sorted(set(tops), reverse=True), "the gut-rationale rating rises upwards"
    for axis, coordinate in (("headline", "x"), ("rationale", "y")):
        ticks = [text for text in svg.iter(f"{SVG}text") if text.get("data-axis") == axis]
        ticks.sort(key=lambda text: float(text.get(coordinate, "nan")))
        if axis == "rationale":
            ticks.reverse()
        assert [tick.get("data-level") for tick in ticks] == rising
        for tick in ticks:
            assert tick.text
            assert labels[tick.get("data-level", "")].startswith(tick.text)
    axis_titles = [text.text for text in svg.iter(f"{SVG}text") if text.get("class") == "map__axis"]
    assert len(axis_titles) == 2
    assert all("ertainty" in (title or "") for title in axis_titles)


def _expected_evidence(
    studies: list[dict[str, Any]], starting: dict[str, int], design_of_level: dict[str, str]
) -> str:
    """The best record behind the advice, worked out from what the API says of each study."""
    kinds = []
    for study in studies:
        if not study["traceable"]:
            kinds.append("none_traceable")
        elif study["record_kind"] in ("guideline", "systematic_review"):
            kinds.append(study["record_kind"])
        else:
            rests_on = study["evidence_level"]["rests_on"]
            design = design_of_level[rests_on] if rests_on else study["design"]
            level = starting[design]
            kinds.append(
                "randomised_trials"
                if level == RANDOMISED_START
                else "observational"
                if level == OBSERVATIONAL_START
                else "other_research"
            )
    return min(kinds, key=EVIDENCE_ORDER.index, default="none_traceable")


def test_markers_and_legend_name_the_best_evidence_behind_the_advice(
    client: TestClient, recommendations: list[dict[str, Any]]
) -> None:
    vocabulary = client.get("/v1/vocabulary").json()
    starting = {design["code"]: design["starting_level"] for design in vocabulary["study_designs"]}
    design_of_level = {
        study["evidence_level"]["label"]: study["design"]
        for study in walk(client, "/v1/studies?limit=100")
    }
    expected = {}
    for item in recommendations:
        detail = client.get(f"/v1/recommendations/{item['slug']}").json()
        studies = [
            study
            for claim in detail["claims"]
            if claim["role"] == "advice" and claim["critical"]
            for study in claim["studies"]
        ]
        expected[item["slug"]] = _expected_evidence(studies, starting, design_of_level)
    assert len(set(expected.values())) >= 3, "too few kinds of evidence to tell apart"

    response = _get(client)
    svg = _svg(response, "evidence-map")
    drawn = {marker.get("data-slug"): marker.get("data-evidence") for marker in svg.iter(f"{SVG}a")}
    assert drawn == expected
    shapes: dict[str, set[str]] = {}
    for marker in svg.iter(f"{SVG}a"):
        shape = _drawn(marker)
        shapes.setdefault(marker.get("data-evidence", ""), set()).add(
            f"{shape.tag}{len(shape.get('points', '').split())}"
        )
    assert all(len(kind_shapes) == 1 for kind_shapes in shapes.values())
    assert len({next(iter(s)) for s in shapes.values()}) == len(shapes), "a shape per kind"

    page = _page(response)
    legend = page.xpath("//*[@data-testid='evidence-legend']/li")
    counts = Counter(expected.values())
    assert [key.get("data-kind") for key in legend] == sorted(counts, key=EVIDENCE_ORDER.index)
    record_kinds = {kind["code"]: kind["label"] for kind in vocabulary["record_kinds"]}
    for key in legend:
        kind = key.get("data-kind")
        words = " ".join(key.text_content().split())
        assert re.fullmatch(rf"[A-Z][a-z ,]+ \({counts[kind]}\)", words), words
        if kind in record_kinds:
            assert words.startswith(record_kinds[kind])
    table = page.xpath("//*[@data-testid='evidence-map-table']//tbody/tr")
    assert len(table) == len(recommendations)


def test_graph_joins_each_item_to_the_items_its_details_link(
    client: TestClient, everything: dict[str, list[str]]
) -> None:
    svg = _svg(_get(client), "evidence-graph")
    nodes = {node.get("data-key", ""): node for node in svg.iter(f"{SVG}a")}
    assert set(nodes) == {f"{kind}/{slug}" for kind, slugs in everything.items() for slug in slugs}
    edges = {
        (path.get("data-source", ""), path.get("data-target", "")): path.get("d", "")
        for path in svg.iter(f"{SVG}path")
    }

    def linked(key: str, kind: str) -> set[str]:
        return {target for source, target in edges if source == key and target.startswith(kind)}

    for slug in everything["recommendations"][::2]:
        detail = client.get(f"/v1/recommendations/{slug}").json()
        key = f"recommendations/{slug}"
        assert linked(key, "mechanisms/") == {
            f"mechanisms/{m['slug']}" for m in detail["mechanisms"]
        }
        assert linked(key, "studies/") == {f"studies/{s['slug']}" for s in detail["studies"]}
    for slug in everything["mechanisms"][::2]:
        detail = client.get(f"/v1/mechanisms/{slug}").json()
        key = f"mechanisms/{slug}"
        assert linked(key, "studies/") == {f"studies/{s['slug']}" for s in detail["studies"]}
        assert {source for source, target in edges if target == key} == {
            f"recommendations/{r['slug']}" for r in detail["recommendations"]
        }
    assert len(edges) > len(everything["recommendations"])

    boxes = {key: _node_box(node) for key, node in nodes.items()}
    for (source, target), path in edges.items():
        x1, y1, *_, x2, y2 = (float(n) for n in re.findall(r"-?[\d.]+", path))
        left, right = boxes[source], boxes[target]
        assert x1 == left[2], (source, path)
        assert left[1] < y1 < left[3], (source, path)
        assert x2 == right[0], (target, path)
        assert right[1] < y2 < right[3], (target, path)


def test_graph_nodes_are_labelled_links_in_three_columns(
    client: TestClient, everything: dict[str, list[str]]
) -> None:
    titles = {
        f"{kind}/{item['slug']}": item["title"]
        for kind in KINDS
        for item in walk(client, f"/v1/{kind}?limit=100")
    }
    svg = _svg(_get(client), "evidence-graph")
    height = float(svg.get("viewBox", "").split()[3])
    columns: dict[str, list[Bounds]] = {kind: [] for kind in KINDS}
    truncated = 0
    for node in svg.iter(f"{SVG}a"):
        key = node.get("data-key", "")
        kind, slug = key.split("/")
        assert node.get("href") == f"{BASE}/cards/{kind}/{slug}"
        assert _title(node) == titles[key]
        label = node.find(f"{SVG}text")
        assert label is not None
        assert label.text
        if label.text != titles[key]:
            truncated += 1
            assert label.text.endswith("…"), label.text
            assert titles[key].startswith(label.text[:-1]), label.text
        box = _node_box(node)
        assert box[1] >= 0
        assert box[3] <= height
        columns[kind].append(box)
    assert truncated, "no title is long enough to be cut"
    lefts = [{box[0] for box in boxes} for boxes in columns.values()]
    assert all(len(x) == 1 for x in lefts), "each column is aligned"
    assert [x.pop() for x in lefts] == sorted(box[0][0] for box in columns.values())
    for boxes in columns.values():
        for a, b in itertools.combinations(boxes, 2):
            assert not _overlap(a, b)
    longest = max(len(slugs) for slugs in everything.values())
    assert height > longest * (columns["studies"][0][3] - columns["studies"][0][1])


FILTERS = [
    {"life_stage": "toddler"},
    {"topic": "diet"},
    {"min_certainty": "moderate"},
    {"life_stage": "adult", "min_certainty": "low", "topic": "sleep"},
    {"life_stage": "infant", "topic": "hydration"},
]


@pytest.mark.parametrize("query", FILTERS, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
def test_filters_narrow_the_lists_as_the_json_lists_do(
    client: TestClient, everything: dict[str, list[str]], query: dict[str, str]
) -> None:
    expected = {
        "recommendations": _api(client, "recommendations", query),
        "mechanisms": _api(
            client, "mechanisms", {k: v for k, v in query.items() if k == "min_certainty"}
        ),
        "studies": _api(client, "studies", {k: v for k, v in query.items() if k == "life_stage"}),
    }
    response = _get(client, query)
    page = _page(response)
    assert _shown(page) == expected
    assert sum(map(len, expected.values())) < sum(map(len, everything.values()))
    for name, value in query.items():
        assert page.xpath(f"//select[@name='{name}']/option[@selected]/@value") == [value]
    summary = " ".join(page.xpath("string(//*[@data-testid='explore-summary'])").split())
    for kind, slugs in expected.items():
        assert f"{len(slugs)} of {len(everything[kind])} " in summary
    nodes = {node.get("data-key") for node in _svg(response, "evidence-graph").iter(f"{SVG}a")}
    assert nodes == {f"{kind}/{slug}" for kind, slugs in expected.items() for slug in slugs}
    if expected["recommendations"]:
        markers = _svg(response, "evidence-map").iter(f"{SVG}a")
        assert sorted(marker.get("data-slug", "") for marker in markers) == sorted(
            expected["recommendations"]
        )
    else:
        assert 'data-testid="evidence-map"' not in response.text
        assert page.xpath("//*[@data-testid='recommendations-list']//*[@class='items__none']")


def test_empty_form_values_mean_any(client: TestClient, everything: dict[str, list[str]]) -> None:
    blank = {"q": "", "life_stage": "", "topic": "", "min_certainty": ""}
    assert _shown(_page(_get(client, blank))) == everything


def test_search_words_show_what_search_finds(client: TestClient) -> None:
    hits = client.get("/v1/search?q=serotonin&limit=50").json()["items"]
    assert 0 < len(hits) < 50
    page = _page(_get(client, {"q": "serotonin"}))
    shown = _shown(page)
    assert "serotonin" in shown["mechanisms"]
    assert {(KINDS[kind], slug) for kind, slugs in shown.items() for slug in slugs} == {
        (hit["kind"], hit["slug"]) for hit in hits
    }
    assert page.xpath("//input[@name='q']/@value") == ["serotonin"]


def test_search_words_and_filters_combine(client: TestClient) -> None:
    query = {"q": "sleep", "life_stage": "adult"}
    hits = client.get("/v1/search?q=sleep&limit=50").json()["items"]
    found = {(hit["kind"], hit["slug"]) for hit in hits}
    shown = _shown(_page(_get(client, query)))
    assert shown["recommendations"]
    assert shown["recommendations"] == [
        slug
        for slug in _api(client, "recommendations", {"life_stage": "adult"})
        if ("recommendation", slug) in found
    ]
    assert shown["studies"] == [
        slug
        for slug in _api(client, "studies", {"life_stage": "adult"})
        if ("study", slug) in found
    ]


@pytest.mark.parametrize("words", ["zzqxv wqzzk", "the and of"])
def test_nothing_matching_says_so(client: TestClient, words: str) -> None:
    response = _get(client, {"q": words})
    page = _page(response)
    assert page.xpath("//*[@data-testid='no-match']")
    assert _shown(page) == {kind: [] for kind in KINDS}
    assert "<svg data-testid" not in response.text
    assert "surrogate-key" not in response.headers


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"life_stage": "teenager"}, "life_stage"),
        ({"topic": "cake"}, "topic"),
        ({"min_certainty": "certain"}, "min_certainty"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_an_invalid_filter_is_a_validation_problem(
    client: TestClient, query: dict[str, str], parameter: str
) -> None:
    body = assert_problem(client.get(f"/explore?{urlencode(query)}"), 422)
    assert [(error["parameter"], error["in"]) for error in body["errors"]] == [(parameter, "query")]


def test_a_search_of_the_longest_length_is_accepted(client: TestClient) -> None:
    _get(client, {"q": "sleep " * 33 + "ab"})


def test_form_offers_the_vocabulary_with_labelled_controls(client: TestClient) -> None:
    vocabulary = client.get("/v1/vocabulary").json()
    page = _page(_get(client))
    (form,) = page.xpath("//form")
    assert form.get("method") == "get"
    assert form.get("action") == f"{BASE}/explore"
    for control in form.xpath(".//input[@name] | .//select"):
        assert form.xpath(f".//label[@for='{control.get('id')}']/text()"), control.get("name")
    assert form.xpath(".//button[@type='submit']")
    for name, terms in (
        ("life_stage", "life_stages"),
        ("topic", "topics"),
        ("min_certainty", "certainty_levels"),
    ):
        values = form.xpath(f".//select[@name='{name}']/option/@value")
        assert values[0] == ""
        assert sorted(values[1:]) == sorted(term["code"] for term in vocabulary[terms])
    stages = form.xpath(".//select[@name='life_stage']/option[@value!='']/text()")
    assert stages == [term["label"] for term in vocabulary["life_stages"]]


def test_items_show_their_rating_caveat_and_links(
    client: TestClient, recommendations: list[dict[str, Any]]
) -> None:
    page = _page(_get(client))
    for item in recommendations:
        (entry,) = page.xpath(
            f"//*[@data-testid='recommendations-list']//li[@data-slug='{item['slug']}']"
        )
        assert entry.xpath("string(.//h3)") == item["title"]
        badge = entry.xpath(".//*[@data-testid='item-certainty']")[0]
        assert badge.get("class") == f"badge badge--{item['certainty']['code']}"
        assert " ".join(badge.text_content().split()) == item["certainty"]["label"]
        caveat = entry.xpath("string(.//*[@data-testid='item-caveat'])")
        assert caveat == (item["top_caveat"]["label"] if item["top_caveat"] else "None recorded")
        stages = entry.xpath("string(.//*[@data-testid='item-life-stages'])")
        assert stages == ", ".join(stage["label"] for stage in item["life_stages"])
        assert entry.xpath(".//a[@data-card]/@href") == [
            f"{BASE}/cards/recommendations/{item['slug']}"
        ]
        assert entry.xpath(".//a[@data-json]/@href") == [item["url"]]


def _sample(links: list[str]) -> Iterator[str]:
    step = max(1, len(links) // MAX_LINKS_CHECKED)
    return iter(links[::step][:MAX_LINKS_CHECKED])


def test_every_card_and_json_link_answers(client: TestClient) -> None:
    response = _get(client)
    page = _page(response)
    cards = sorted(set(page.xpath("//a[@data-card]/@href")))
    documents = sorted(set(page.xpath("//a[@data-json]/@href")))
    drawn = {
        node.get("href")
        for testid in ("evidence-map", "evidence-graph")
        for node in _svg(response, testid).iter(f"{SVG}a")
    }
    assert drawn <= set(cards)
    assert len(cards) == len(documents) > 0
    for href in [*_sample(cards), *_sample(documents)]:
        assert href.startswith(BASE), href
        assert client.get(href).status_code == 200, href


def test_validators_head_and_surrogate_keys(
    client: TestClient, everything: dict[str, list[str]]
) -> None:
    query = {"min_certainty": "moderate"}
    first = _get(client, query)
    for header in ("etag", "last-modified", "cache-control"):
        assert first.headers[header]
    assert first.headers["content-language"] == "en"
    assert "Accept" in first.headers["vary"]
    again = client.get(
        f"/explore?{urlencode(query)}", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
    assert _get(client).headers["etag"] != first.headers["etag"]
    head = client.head(f"/explore?{urlencode(query)}")
    assert head.status_code == 200
    assert head.content == b""
    for header in ("content-type", "etag", "content-security-policy", "surrogate-key"):
        assert head.headers.get(header) == first.headers.get(header), header
    shown = _shown(_page(first))
    assert set(first.headers["surrogate-key"].split()) == {
        f"{kind}/{slug}" for kind, slugs in shown.items() for slug in slugs
    }
    refused = client.get("/explore", headers={"Accept": "application/json"})
    assert_problem(refused, 406)


def test_statements_do_not_grow_with_the_items_shown(
    client: TestClient, seeded_engine: Engine, everything: dict[str, list[str]]
) -> None:
    seen: list[str] = []

    def count(*_: Any) -> None:
        seen.append("")

    sa.event.listen(seeded_engine, "before_cursor_execute", count)
    try:
        _get(client)
        every_item = len(seen)
        seen.clear()
        _get(client, {"q": "serotonin"})
        searched = len(seen)
    finally:
        sa.event.remove(seeded_engine, "before_cursor_execute", count)
    shown = sum(map(len, everything.values()))
    assert every_item <= MAX_STATEMENTS < shown
    assert searched <= MAX_STATEMENTS
