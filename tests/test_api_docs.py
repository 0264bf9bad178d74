"""The interactive documentation is served from this API's own assets: nothing comes from a
CDN, and no inline script runs."""

import pytest
from fastapi.testclient import TestClient
from lxml import html

from app.api_docs.router import REDOC_CDN_LOGO, VENDOR_ASSETS

BASE = "http://testserver"


@pytest.mark.parametrize(
    ("url", "bundle"), [("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")]
)
def test_docs_load_every_asset_from_this_api(client: TestClient, url: str, bundle: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    page = html.fromstring(response.text)
    assert all(script.get("src") for script in page.xpath("//script"))
    assets = page.xpath("//script/@src | //link/@href | //img/@src")
    assert any(asset.endswith(bundle) for asset in assets)
    for asset in assets:
        assert asset.startswith(f"{BASE}/assets/"), asset
        fetched = client.get(asset)
        assert fetched.status_code == 200, asset
        assert fetched.content
    assert "fonts.googleapis" not in response.text
    assert "cdn." not in response.text


def test_docs_point_at_the_openapi_document(client: TestClient) -> None:
    swagger = html.fromstring(client.get("/docs").text)
    redoc = html.fromstring(client.get("/redoc").text)
    assert swagger.xpath("//*[@id='swagger-ui']/@data-openapi-url") == [f"{BASE}/openapi.json"]
    assert redoc.xpath("//redoc/@spec-url") == [f"{BASE}/openapi.json"]
    assert client.get("/openapi.json").json()["info"]["title"] in swagger.xpath("string(//title)")


def test_redoc_bundle_fetches_no_logo_from_its_vendor(client: TestClient) -> None:
    vendor = (VENDOR_ASSETS / "redoc.standalone.js").read_text(encoding="utf-8")
    assert REDOC_CDN_LOGO in vendor
    page = html.fromstring(client.get("/redoc").text)
    (bundle_url,) = page.xpath("//script/@src")
    bundle = client.get(bundle_url)
    assert bundle.status_code == 200
    assert bundle.headers["content-type"].startswith("text/javascript")
    assert REDOC_CDN_LOGO not in bundle.text
    assert len(bundle.text) == len(vendor) - len(REDOC_CDN_LOGO) + len("data:,")
