"""Every operation takes exactly the query parameters it declares: an unknown one, or a
single-valued one given twice, is a 400 `invalid-parameter` problem, never silently ignored."""

from typing import Annotated

import pytest
from fastapi import Depends, FastAPI, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel

from app.core.errors import install_error_handlers
from app.core.query_params import refuse_undeclared_query
from tests.helpers import assert_problem


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("/v1/recommendations?lifestage=toddler", "`lifestage`"),
        ("/v1/recommendations?topic=diet&sort=title", "`sort`"),
        ("/v1/recommendations/breastfeed?expand=claims", "`expand`"),
        ("/v1/search?q=sleep&page=2", "`page`"),
        ("/v1/tips/daily?lang=en", "`lang`"),
        ("/health?verbose=1", "`verbose`"),
    ],
)
def test_unknown_query_parameter_is_refused(client: TestClient, url: str, named: str) -> None:
    body = assert_problem(client.get(url), 400)
    assert body["type"] == "http://testserver/problems/invalid-parameter"
    assert named in body["detail"]


def test_refusal_lists_the_parameters_the_operation_takes(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/sources?kind=news"), 400)
    assert body["detail"] == (
        "Unknown query parameter `kind`; this operation takes `cursor`, `fields`, `limit`,"
        " `source_type`, `updated_since`."
    )


@pytest.mark.parametrize(
    "url",
    [
        "/v1/recommendations?topic=diet&topic=sleep",
        "/v1/recommendations?limit=1&limit=2",
        "/v1/search?q=sleep&q=fibre",
    ],
)
def test_repeated_single_valued_parameter_is_refused(client: TestClient, url: str) -> None:
    body = assert_problem(client.get(url), 400)
    assert body["type"].endswith("/problems/invalid-parameter")
    assert "more than once" in body["detail"]


def test_declared_parameters_are_accepted(client: TestClient) -> None:
    response = client.get("/v1/recommendations?life_stage=toddler&min_certainty=low&limit=5")
    assert response.status_code == 200, response.text


def test_problem_type_is_described(client: TestClient) -> None:
    response = client.get("/problems/invalid-parameter")
    assert response.status_code == 200
    assert "does not take" in response.text


class _Filters(BaseModel):
    colour: str | None = None


def test_list_parameters_may_repeat_and_model_fields_count_as_declared() -> None:
    """The rule reads the route's own declarations, query models and dependencies included."""

    def paging(limit: int = 10) -> int:
        return limit

    app = FastAPI(dependencies=[Depends(refuse_undeclared_query)])
    install_error_handlers(app)

    @app.get("/things", name="things")
    def things(
        tag: Annotated[list[str], Query()],
        filters: Annotated[_Filters, Query()],
        limit: Annotated[int, Depends(paging)],
    ) -> dict[str, object]:
        return {"tag": tag, "colour": filters.colour, "limit": limit}

    @app.get("/problems/{code}", name="get_problem_type")
    def problem(code: str) -> str:
        return code

    with TestClient(app) as client:
        ok = client.get("/things?tag=a&tag=b&colour=red&limit=2")
        assert ok.json() == {"tag": ["a", "b"], "colour": "red", "limit": 2}
        assert client.get("/things?tag=a&colour=red&colour=blue").status_code == 400
        assert client.get("/things?tag=a&shape=round").status_code == 400
