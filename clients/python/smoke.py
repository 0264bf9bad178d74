"""The Python client smoke test: a client generated from openapi.json by openapi-python-client
(the `gutbrain_client` package, importable at test time), type-checked with mypy together with
this script, then run against a live server:

    python smoke.py http://127.0.0.1:8000

tests/test_generated_clients.py does both; any failed check raises and exits non-zero.
"""

import sys

from gutbrain_client import Client
from gutbrain_client.api.recommendations import get_recommendation, list_recommendations
from gutbrain_client.models import (
    Certainty,
    LifeStage,
    Problem,
    Recommendation,
    RecommendationSummaryPage,
)
from gutbrain_client.types import UNSET, Unset


def check(condition: object, message: str) -> None:
    if not condition:
        raise SystemExit(f"Python client: {message}")


def main(base_url: str) -> None:
    client = Client(base_url=base_url, raise_on_unexpected_status=True)

    # A filtered list, walked page by page with each page's `cursor` passed back as-is.
    walked: list[str] = []
    cursor: str | Unset = UNSET
    pages = 0
    while True:
        page = list_recommendations.sync(
            client=client,
            life_stage=LifeStage.TODDLER,
            min_certainty=Certainty.LOW,
            limit=2,
            cursor=cursor,
        )
        check(isinstance(page, RecommendationSummaryPage), f"list answered {page}")
        assert isinstance(page, RecommendationSummaryPage)
        walked += [item.slug for item in page.items]
        pages += 1
        if page.cursor is None:
            break
        cursor = page.cursor
    whole = list_recommendations.sync(
        client=client, life_stage=LifeStage.TODDLER, min_certainty=Certainty.LOW, limit=100
    )
    assert isinstance(whole, RecommendationSummaryPage)
    check(pages > 1, f"expected several pages, got {pages}")
    check(walked == [item.slug for item in whole.items], f"the walk {walked} differs")

    # A detail, then the same detail under If-None-Match: 304 without a body.
    detail = get_recommendation.sync_detailed(client=client, slug="breastfeed")
    check(isinstance(detail.parsed, Recommendation), f"detail answered {detail.status_code}")
    assert isinstance(detail.parsed, Recommendation)
    check(detail.parsed.slug == "breastfeed", f"detail is {detail.parsed.slug}")
    certainty = detail.parsed.certainty.code
    etag = detail.headers["ETag"]
    unchanged = get_recommendation.sync_detailed(
        client=client.with_headers({"If-None-Match": etag}), slug="breastfeed"
    )
    check(unchanged.status_code == 304, f"conditional GET answered {unchanged.status_code}")
    check(unchanged.content == b"", "a 304 with a body")

    # An error: a 404 problem, parsed into the document's Problem model.
    missing = get_recommendation.sync_detailed(client=client, slug="no-such-recommendation")
    check(missing.status_code == 404, f"missing item answered {missing.status_code}")
    problem = missing.parsed
    check(isinstance(problem, Problem), f"404 parsed as {problem!r}")
    assert isinstance(problem, Problem)
    check(problem.type_.endswith("/problems/not-found"), f"problem type {problem.type_}")
    check(problem.request_id == missing.headers["X-Request-ID"], "request_id differs")

    sys.stdout.write(
        f"Python client: {len(walked)} recommendations in {pages} pages,"
        f" breastfeed ({certainty.value}), 304, 404 ok\n"
    )


if __name__ == "__main__":
    main(sys.argv[1])
