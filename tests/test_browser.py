"""The HTML pages in a real headless Chromium, served by uvicorn from the seeded database.

Every page is loaded in a fresh context that aborts and records any request leaving the live
server; no page may log a console error, throw, or reach another host.
"""

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy.engine import Engine

from tests.browser import (
    WAIT_MS,
    WatchedPage,
    launch_browser,
    live_server,
    origin,
    screenshot_name,
    serious_violations,
    watched_page,
)

CARDS = [
    "/cards/recommendations/breastfeed",
    "/cards/mechanisms/serotonin",
    "/cards/studies/child-gut-microbiome-cohort",
]
WIDTHS = [280, 800]
# The page background of each theme in base.css, as the browser computes it.
SCHEME_BACKGROUNDS = {"light": "rgb(255, 255, 255)", "dark": "rgb(21, 25, 29)"}
ESSENTIALS = ["certainty-badge", "top-caveat", "last-reviewed", "sources-link"]
# Half a pixel for sub-pixel layout.
TOLERANCE_PX = 0.5
MAX_LINKS_CHECKED = 30
API_TITLE = "Gut-brain guidance API"
# Another site embedding a card. Chromium's Local Network Access lets a public page frame the
# loopback test server only with a permission, which only a secure origin can be granted; a
# deployed card is public, so this permission stands in for that.
EMBEDDER = "https://embedder.example/"


@pytest.fixture(scope="module")
def base_url(seeded_engine: Engine) -> Iterator[str]:
    with live_server(seeded_engine.url.render_as_string(hide_password=False)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


def assert_visible_within(locator: Locator, what: str, width: int) -> None:
    """At least one element matches, and every match is visible and not cut off horizontally."""
    count = locator.count()
    assert count >= 1, f"no {what} on the page"
    for index in range(count):
        element = locator.nth(index)
        assert element.is_visible(), f"{what} #{index + 1} is not visible"
        box = element.bounding_box()
        assert box is not None, f"{what} #{index + 1} has no layout box"
        left, right = box["x"], box["x"] + box["width"]
        assert left >= -TOLERANCE_PX, f"{what} #{index + 1} starts at x={left} (off screen)"
        assert right <= width + TOLERANCE_PX, (
            f"{what} #{index + 1} ends at x={right}, beyond the {width} px viewport"
        )


def assert_no_serious_violations(watched: WatchedPage) -> None:
    results = Axe().run(watched.page)
    violations = serious_violations(results.response)
    assert not violations, f"{watched.page.url}: axe found\n" + "\n".join(violations)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", CARDS)
def test_card_shows_certainty_and_caveat_within_the_viewport(
    browser: Browser, base_url: str, path: str, width: int
) -> None:
    with watched_page(browser, base_url, width) as watched:
        watched.goto(base_url + path)
        watched.screenshot(screenshot_name(path), width)
        watched.assert_clean()
        page = watched.page
        assert_visible_within(
            page.locator("[data-testid=certainty-badge]"), "certainty badge", width
        )
        assert_visible_within(page.locator("[data-testid=top-caveat]"), "top caveat", width)
        for testid in ("last-reviewed", "sources-link"):
            assert page.locator(f"[data-testid={testid}]").first.is_visible(), (
                f"{testid} is missing or hidden"
            )
        if width == min(WIDTHS):
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, f"scrolls horizontally: {scroll_width} px at {width} px"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [*CARDS, "/explore"])
def test_page_has_no_serious_accessibility_violations(
    browser: Browser, base_url: str, path: str, scheme: str
) -> None:
    with watched_page(browser, base_url, 800, scheme) as watched:
        watched.goto(base_url + path, wait_until="networkidle")
        watched.assert_clean()
        background = watched.page.evaluate(
            "getComputedStyle(document.documentElement).backgroundColor"
        )
        assert background == SCHEME_BACKGROUNDS[scheme]
        assert_no_serious_violations(watched)


def test_explore_draws_the_map_and_graph_inline_with_working_card_links(
    browser: Browser, base_url: str
) -> None:
    with watched_page(browser, base_url, 800) as watched:
        watched.goto(base_url + "/explore", wait_until="networkidle")
        watched.screenshot("explore", 800)
        watched.assert_clean()
        page = watched.page
        for testid in ("evidence-map", "evidence-graph"):
            assert page.locator(f"svg[data-testid={testid}]").count() >= 1, (
                f"no inline <svg data-testid={testid}>"
            )
        hrefs: list[str] = page.locator("a[data-card]").evaluate_all(
            "links => links.map(link => link.href)"
        )
        assert hrefs, "no a[data-card] links"
        unique = sorted(set(hrefs))
        step = max(1, len(unique) // MAX_LINKS_CHECKED)
        broken = []
        for href in unique[::step][:MAX_LINKS_CHECKED]:
            if origin(href) != origin(base_url):
                broken.append(f"{href}: not on {base_url}")
                continue
            status = page.request.get(href, timeout=WAIT_MS).status
            if status != 200:
                broken.append(f"{href}: {status}")
        assert not broken, "card links that do not answer 200:\n" + "\n".join(broken)


def test_explore_at_the_narrowest_width(browser: Browser, base_url: str) -> None:
    with watched_page(browser, base_url, 280) as watched:
        watched.goto(base_url + "/explore", wait_until="networkidle")
        watched.screenshot("explore", 280)
        watched.assert_clean()


@pytest.mark.parametrize(
    ("path", "rendered"),
    [("/docs", ".swagger-ui .opblock"), ("/redoc", f"text={API_TITLE}")],
    ids=["swagger-ui", "redoc"],
)
def test_api_documentation_renders_from_local_assets(
    browser: Browser, base_url: str, path: str, rendered: str
) -> None:
    with watched_page(browser, base_url, 800) as watched:
        watched.goto(base_url + path)
        try:
            watched.page.locator(rendered).first.wait_for(state="visible", timeout=WAIT_MS)
            error = ""
        except PlaywrightTimeoutError:
            error = f"{rendered!r} did not appear within {WAIT_MS} ms"
        # The first screen: the whole reference is tens of thousands of pixels tall, and
        # painting it all outlasts the timeout on a busy machine.
        watched.screenshot(screenshot_name(path), 800, full_page=False)
        watched.assert_clean()
        assert not error, error


def test_oembed_iframe_shows_the_card_on_another_site(browser: Browser, base_url: str) -> None:
    card_url = base_url + CARDS[0]
    with watched_page(browser, base_url, 800) as watched:
        page = watched.page
        response = page.request.get(
            f"{base_url}/oembed?url={quote(card_url, safe='')}&format=json", timeout=WAIT_MS
        )
        assert response.status == 200, response.text()
        embed = response.json()
        assert embed["type"] == "rich"
        assert embed["version"] == "1.0"
        for dimension in ("width", "height"):
            value = embed[dimension]
            assert isinstance(value, int), f"{dimension} is {value!r}, not an integer"
            assert not isinstance(value, bool), f"{dimension} is {value!r}"
        assert "<iframe" in embed["html"]

        host_page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Embedder</title></head><body>{embed['html']}</body></html>"
        )
        watched.context.grant_permissions(["local-network-access"], origin=origin(EMBEDDER))
        page.route(
            EMBEDDER,
            lambda route: route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=host_page
            ),
        )
        watched.goto(EMBEDDER)
        card = page.frame_locator("iframe")
        expect(card.locator("[data-testid=certainty-badge]").first).to_be_visible(timeout=WAIT_MS)
        watched.screenshot("embed", 800)
        watched.assert_clean()
        frame_box = page.locator("iframe").bounding_box()
        assert frame_box is not None
        # The essentials fit the embed's default size without scrolling inside it.
        for testid in ESSENTIALS:
            box = card.locator(f"[data-testid={testid}]").first.bounding_box()
            assert box is not None, testid
            assert box["y"] + box["height"] <= frame_box["y"] + frame_box["height"], testid
