"""Property-based conformance of the whole API to its own OpenAPI document (Schemathesis 4).

Schemathesis drives the ASGI app in-process. For every operation it sends the schema's examples,
the coverage cases and fuzzed requests, in positive (schema-valid) and negative (schema-invalid)
mode, and `call_and_validate` runs every default check on each response: no 5xx, documented
status code, documented content type and headers, body valid against the response schema
(formats included), invalid input rejected, valid input accepted, 405 + Allow for undocumented
methods, and the rest.
"""

from urllib.parse import parse_qsl, urlsplit

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.config._auth import AuthConfig
from schemathesis.schemas import BaseSchema

from app.keys.scopes import Scope
from app.main import app
from tests.conftest import KeyFactory

MAX_EXAMPLES = 30


@pytest.fixture
def api_schema(
    request: pytest.FixtureRequest, client: TestClient, make_key: KeyFactory
) -> BaseSchema:
    """The schema, loaded only after `client` has migrated and seeded the database. Requests
    carry an API key with every scope, so editor operations are tested past authentication;
    the `ignored_auth` check sends them without it and with a bad one as well."""
    # schemathesis 4.32.5's `from_fixture` reads `node._nodeid`, which pytest 9.2 no longer has
    # (the node id now lives in `_id`, behind `nodeid`); give it the attribute it looks for.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # Both modes explicitly: schema-valid and schema-invalid requests.
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    # Given as the credentials of the `ApiKey` scheme, not as a plain header, so that the
    # `ignored_auth` check knows them for valid ones and probes without them and with bad ones.
    key = make_key(list(Scope))["Authorization"].removeprefix("Bearer ")
    schema.config.auth = AuthConfig(openapi={"ApiKey": {"bearer": key}})
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    # `cursor` is an opaque token that the API signs (HMAC) and binds to the filters it was
    # issued for, so its schema can only say "a string of at most 400 characters": no generated
    # cursor is one the API issued, and the documented 400 invalid-cursor problem is the right
    # answer to every one of them. A positive case is therefore validated twice: without its
    # cursor, with every default check, so that valid filters reach the database; and with it,
    # where a 400 must not count as "valid data rejected". Negative cases are sent as generated.
    cursor = None
    if case.meta is not None and case.meta.generation.mode.is_positive and case.query:
        cursor = case.query.pop("cursor", None)
    response = case.call()
    if case.path == "/oembed" and response.status_code == 501:
        # oEmbed 1.0 answers a format it does not offer with 501: the spec's answer, not a fault.
        case.validate_response(response, excluded_checks=[schemathesis.checks.not_a_server_error])
        assert (case.query or {}).get("format") != "json", response.text
        assert response.json()["type"].endswith("/problems/format-not-implemented")
        return
    if is_cross_field_rule(response) or is_content_state(case, response):
        # A rule across a body's fields that JSON Schema cannot state, such as an API key's
        # expiry in the past or given twice, or a refusal that depends on the stored content:
        # every check but "valid data rejected".
        case.validate_response(
            response, excluded_checks=[schemathesis.checks.positive_data_acceptance]
        )
        return
    case.validate_response(response)
    if (
        response.status_code == 400
        and not is_unreadable_body(case, response)
        and not is_undeclared_parameter(case, response)
    ):
        assert_refused_query(case, response)
    if cursor is not None:
        case.query["cursor"] = cursor
        response = case.call()
        # Every default check but positive_data_acceptance, for the reason above; instead the
        # answer must be exactly the invalid-cursor problem.
        case.validate_response(
            response, excluded_checks=[schemathesis.checks.positive_data_acceptance]
        )
        assert response.status_code == 400, response.text
        assert_refused_query(case, response)


def is_cross_field_rule(response: schemathesis.Response) -> bool:
    """A 422 whose every error points at the body as a whole (`#/`), not at one field."""
    if response.status_code != 422:
        return False
    errors = response.json().get("errors") or [{}]
    return all(error.get("pointer") == "#/" for error in errors)


def is_content_state(case: schemathesis.Case, response: schemathesis.Response) -> bool:
    """A refusal of an editor write that depends on what is stored, or on content rules that
    JSON Schema cannot state: no such item (404), a slug taken or a workflow step the status
    does not allow (409), a stale or missing If-Match (412, 428), a rule broken (422); or an
    If-Match that is no list of entity tags (400), which the documented pattern does not keep
    the coverage phase from sending. For webhook endpoints: no such endpoint (404), or a URL
    whose host does not resolve, or not to public addresses only (422 pointing at `#/url`)."""
    if case.path.startswith("/v1/editor/webhooks"):
        if response.status_code == 422:
            return [error.get("pointer") for error in response.json()["errors"]] == ["#/url"]
        return response.status_code == 404
    editing_content = case.path.startswith("/v1/editor/") and not case.path.startswith(
        "/v1/editor/keys"
    )
    if editing_content and response.status_code == 400:
        return bool(response.json()["type"].endswith("/problems/invalid-precondition"))
    return editing_content and response.status_code in (404, 409, 412, 422, 428)


def is_unreadable_body(case: schemathesis.Case, response: schemathesis.Response) -> bool:
    """The other 400 the API answers: a request body that is not JSON."""
    problem = response.json()
    return case.body is not None and problem.get("detail") == "There was an error parsing the body"


def is_undeclared_parameter(case: schemathesis.Case, response: schemathesis.Response) -> bool:
    """The 400 for a query parameter the operation does not declare, or a single-valued one
    given more than once (no operation has a list-valued one), both of which the coverage phase
    sends in negative mode (`x-schemathesis-unknown-property`, `limit=1&limit=1`, an object
    as `source_type=null&source_type=null`). Read from the query string actually sent."""
    names = [name for name, _ in parse_qsl(urlsplit(response.request.url).query, True)]
    declared = {p.name for p in case.operation.query}
    if set(names) <= declared and len(names) == len(set(names)):
        return False
    assert response.json()["type"].endswith("/problems/invalid-parameter"), response.text
    return True


def assert_refused_query(case: schemathesis.Case, response: schemathesis.Response) -> None:
    """The 400 for a cursor the API did not issue, or else for a `fields` naming no member
    (negative mode sends names outside the enum, or none)."""
    problem = response.json()
    if problem["type"].endswith("/problems/invalid-parameter"):
        assert "fields" in (case.query or {}), response.text
        assert problem["detail"].startswith("`fields` names"), response.text
        return
    assert "cursor" in (case.query or {}), response.text
    assert problem["type"].endswith("/problems/invalid-cursor"), response.text


STATEFUL_SCENARIOS = 30


def test_api_conforms_statefully(api_schema: BaseSchema) -> None:
    """The stateful phase: scenarios that chain reads through the links Schemathesis infers from
    the document (a list followed by the details it names, an item's revisions, an editor read
    after a public one), every response checked as above. Writes stay out: they persist across
    scenarios, so a scenario replayed by Hypothesis would meet another database state and stop
    as flaky; the stateless phase and the editor tests cover them."""

    machine = api_schema.include(method="GET").as_state_machine()

    class Scenarios(machine):  # type: ignore[misc]
        def validate_response(
            self, response: schemathesis.Response, case: schemathesis.Case, **kwargs: object
        ) -> None:
            lenient = is_cross_field_rule(response) or is_content_state(case, response)
            if response.status_code == 400 and not lenient:
                # A body that is not JSON, an undeclared parameter, or else a generated cursor,
                # which no API-issued one can be: each the documented answer.
                if not (
                    is_unreadable_body(case, response) or is_undeclared_parameter(case, response)
                ):
                    assert_refused_query(case, response)
                lenient = True
            excluded = [schemathesis.checks.positive_data_acceptance] if lenient else []
            case.validate_response(response, excluded_checks=excluded)

    assert Scenarios.bundles, "Schemathesis inferred no links between operations"
    Scenarios.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=5,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
