"""Schemathesis against the live gateway's OpenAPI: generated requests (valid
and invalid) with a valid token never get a 5xx and only get documented status
codes; and every route documents its errors with the one error model."""

from __future__ import annotations

from collections import Counter
from typing import cast

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from devstack.stack import Stack
from nocomelon_cli.signin import Credentials
from tests.e2e.system import Parent, sign_in

FUZZER = Credentials(email="fuzzer@nocomelon.local", password="Fuzzing4Stories")
MIN_REQUESTS = 500
# Per operation and generation phase; 14 operations, some with few distinct inputs, stay well above MIN_REQUESTS in total.
EXAMPLES_PER_OPERATION = 50
REQUEST_TIMEOUT_SECONDS = 10  # the event stream ends at once for a run that is not the caller's; this bounds it if not
CONFORMANCE_CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]

REQUESTS: Counter[str] = Counter()
STATUSES: Counter[tuple[str, int]] = Counter()
# (operation, status, what is wrong) -> how to reproduce one of them
NONCONFORMING: dict[tuple[str, int, str], str] = {}


@pytest.fixture(scope="module")
def fuzzer(stack: Stack) -> Parent:
    """A parent of its own, so the fuzzer's runs (and 429s) never touch the other suites' parents."""
    return sign_in(stack, FUZZER)


@pytest.fixture(scope="module")
def gateway_schema(stack: Stack, fuzzer: Parent):
    schema = schemathesis.openapi.from_url(f"{stack.gateway_url}/openapi.json", wait_for_schema=30)
    schema.config.update(
        base_url=stack.gateway_url,
        headers={"Authorization": f"Bearer {fuzzer.token}"},
        request_timeout=REQUEST_TIMEOUT_SECONDS,
    )
    return schema


schema = schemathesis.pytest.from_fixture("gateway_schema")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32's from_fixture reads and relabels `item._nodeid`, which pytest 9.2 no longer has (it keeps `_id`)."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,  # nothing written into the tree; each run explores afresh
    # Every current check: the enum's metaclass leaves out the deprecated ones, in an __iter__ with no type hints.
    suppress_health_check=cast(list[HealthCheck], list(HealthCheck)),
    print_blob=True,
)
@schema.parametrize()
def test_generated_requests_never_get_a_server_error(case) -> None:
    """Fails (and shrinks) on a 5xx; how the answers fit the schema is judged below, so one fuzzing pass serves both."""
    response = case.call(timeout=REQUEST_TIMEOUT_SECONDS)
    label = case.operation.label
    REQUESTS[label] += 1
    STATUSES[(label, response.status_code)] += 1
    try:
        case.validate_response(response, checks=CONFORMANCE_CHECKS)
    except (Failure, FailureGroup) as failure:
        titles = sorted({item.title for item in (failure.exceptions if isinstance(failure, FailureGroup) else [failure])})
        for title in titles:
            NONCONFORMING.setdefault((label, response.status_code, title), _reproduce(case, response))
    case.validate_response(response, checks=[not_a_server_error])


def _reproduce(case, response) -> str:
    curl = case.as_curl_command(headers={"Authorization": "Bearer $TOKEN"})
    return f"{curl[:600]}\n    -> {response.status_code} {response.text[:200]}"


def _summary() -> str:
    lines = [f"{sum(REQUESTS.values())} generated requests"]
    for label, count in sorted(REQUESTS.items()):
        statuses = {status: n for (operation, status), n in sorted(STATUSES.items()) if operation == label}
        lines.append(f"  {label}: {count} requests, statuses {statuses}")
    return "\n".join(lines)


def test_the_fuzzer_made_enough_requests() -> None:
    if not REQUESTS:
        pytest.skip("the fuzz test did not run in this session")
    print(f"\n{_summary()}")
    assert sum(REQUESTS.values()) >= MIN_REQUESTS, _summary()
    assert not any(status >= 500 for (_, status) in STATUSES), _summary()


def test_every_fuzzed_answer_is_documented_in_the_schema() -> None:
    """Status code, content type and body of every answer as /openapi.json documents them for that route."""
    if not REQUESTS:
        pytest.skip("the fuzz test did not run in this session")
    report = [f"{label} -> {status}: {title}\n    {example}" for (label, status, title), example in sorted(NONCONFORMING.items())]
    assert not report, "answers the schema does not document:\n" + "\n".join(report)


# ---------------------------------------------------------------------------
# the schema documents its errors


@pytest.fixture(scope="module")
def openapi(stack: Stack) -> dict:
    return httpx.get(f"{stack.gateway_url}/openapi.json", timeout=10).raise_for_status().json()


def _operations(openapi: dict, prefix: str = "/api/v1") -> list[tuple[str, str, dict]]:
    methods = {"get", "post", "put", "patch", "delete"}
    return [
        (method.upper(), path, operation)
        for path, item in openapi["paths"].items()
        if path.startswith(prefix)
        for method, operation in item.items()
        if method in methods
    ]


def _error_model_ref(response: dict) -> str | None:
    return response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")


ERROR_MODEL = "#/components/schemas/ErrorResponse"


def test_the_error_model_is_the_one_shape(openapi: dict) -> None:
    schemas = openapi["components"]["schemas"]
    assert schemas["ErrorResponse"]["required"] == ["error"]
    assert schemas["ErrorResponse"]["properties"]["error"]["$ref"] == "#/components/schemas/ErrorBody"
    assert set(schemas["ErrorBody"]["required"]) == {"code", "message", "request_id"}


def test_every_api_route_documents_401_and_500_with_the_error_model(openapi: dict) -> None:
    operations = _operations(openapi)
    assert len(operations) >= 12, [f"{method} {path}" for method, path, _ in operations]
    missing = [
        f"{method} {path} {status}"
        for method, path, operation in operations
        for status in ("401", "500")
        if _error_model_ref(operation.get("responses", {}).get(status, {})) != ERROR_MODEL
    ]
    assert missing == [], "not documented with ErrorResponse:\n" + "\n".join(missing)


def test_every_documented_error_of_an_api_route_uses_the_error_model(openapi: dict) -> None:
    """Whatever 4xx/5xx a route documents, the body the gateway sends is ErrorResponse, so that is what it must say."""
    wrong = [
        f"{method} {path} {status}: {_error_model_ref(response)}"
        for method, path, operation in _operations(openapi)
        for status, response in operation.get("responses", {}).items()
        if status[0] in "45" and _error_model_ref(response) != ERROR_MODEL
    ]
    assert wrong == [], "documented with another model than ErrorResponse:\n" + "\n".join(wrong)


def test_every_api_route_needs_the_bearer_token(openapi: dict) -> None:
    unguarded = [f"{method} {path}" for method, path, operation in _operations(openapi) if not operation.get("security")]
    assert unguarded == []


def test_a_documented_422_is_what_the_gateway_sends(stack: Stack, fuzzer: Parent) -> None:
    """The concrete side of the check above: a path parameter too long gets a 422 in ErrorResponse, not HTTPValidationError."""
    with httpx.Client(base_url=stack.gateway_url, headers={"Authorization": f"Bearer {fuzzer.token}"}, timeout=10) as client:
        response = client.delete(f"/api/v1/library/{'x' * 65}")
    assert response.status_code == 422, response.text
    assert set(response.json()) == {"error"}


# Requests the fuzzer hits by chance, made on purpose: (method, path as in the schema, concrete path, request kwargs)
UNPARSEABLE = {
    "JSON body that is not UTF-8": (
        "post",
        "/api/v1/storage/presigned-url",
        "/api/v1/storage/presigned-url",
        {"content": b"\xff\xfe{", "headers": {"Content-Type": "application/json"}},
    ),
    "multipart body without a part header": (
        "post",
        "/api/v1/vision/analyze",
        "/api/v1/vision/analyze",
        {"content": b"--b\r\nTrue--b--\r\n", "headers": {"Content-Type": "multipart/form-data; boundary=b"}},
    ),
    "multipart body with too many fields": (
        "post",
        "/api/v1/vision/analyze",
        "/api/v1/vision/analyze",
        {"files": {"drawing": ("a.png", b"x", "image/png")}, "data": {f"field{n}": "x" for n in range(6)}},
    ),
    "user_id in the query": ("get", "/api/v1/library", "/api/v1/library", {"params": {"user_id": "someone"}}),
}


@pytest.mark.parametrize("case", list(UNPARSEABLE))
def test_a_refused_request_gets_a_status_its_route_documents(stack: Stack, fuzzer: Parent, openapi: dict, case: str) -> None:
    method, documented_path, path, kwargs = UNPARSEABLE[case]
    headers = {"Authorization": f"Bearer {fuzzer.token}", **kwargs.pop("headers", {})}
    with httpx.Client(base_url=stack.gateway_url, timeout=10) as client:
        response = client.request(method.upper(), path, headers=headers, **kwargs)
    assert 400 <= response.status_code < 500, response.text
    assert set(response.json()) == {"error"}, response.text
    documented = sorted(openapi["paths"][documented_path][method]["responses"])
    assert str(response.status_code) in documented, f"{method.upper()} {path} answered {response.status_code}; documented: {documented}"
