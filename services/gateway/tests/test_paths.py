"""Odd request paths (NUL bytes, broken escapes, traversal, over-long, unusual unicode) get a 4xx in the one error shape, never a 5xx."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response  # what starlette's TestClient answers with, now that httpx2 is installed
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.app import create_app
from gateway.headers import MAX_PATH_BYTES
from gateway.settings import GatewaySettings

INDEX = "<!doctype html><title>NoComelon</title><div id=root></div>"
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")
PREFIXES = ["/", "/api/", "/api/v1/", "/api/v1/runs/", "/auth/", "/assets/", "/styles/", "/library/", "/docs", "/health/"]
ODD_SEGMENTS = [
    *("..", ".", "%2e%2e", "%2E.", "..%2f..%2fsecret.txt", "%2e%2e%5c"),
    *("%", "%z", "%zz", "%0", "%g0"),
    *("%00", "a%00b", "%0a", "%0d%0a", "%7f", "%c2%85", "%1b[31m"),
    *("%ff", "%c0%af", "%ed%a0%80", "%f4%90%80%80", "%e2%80%ae", "%ef%bb%bf", "%ef%bf%bf", "%e2%80%8b"),
    *("a" * 300, "a" * 300 + ".js", "index.html", "index-abc123.js", "anime.jpg", "secret.txt", "%2f", "~", ";", "a,b"),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """The gateway with a tiny fake build and a file beside it that must never be served."""
    root = tmp_path_factory.mktemp("webapp")
    build = root / "dist"
    (build / "assets").mkdir(parents=True)
    (build / "styles").mkdir()
    (build / "index.html").write_text(INDEX)
    (build / "assets" / "index-abc123.js").write_text("console.log('hi')")
    (build / "styles" / "anime.jpg").write_bytes(b"\xff\xd8\xff picture")
    (root / "secret.txt").write_text("not part of the build")
    # No lifespan: nothing here reaches AWS.
    app = create_app(GatewaySettings(cognito_user_pool_id="us-east-1_test", cognito_client_id="client", webapp_dir=build))
    return TestClient(app, raise_server_exceptions=False)


def assert_answered_well(response: Response, method: str) -> None:
    assert response.status_code < 500, f"{method} {response.request.url.raw_path!r}: {response.status_code} {response.text[:200]}"
    assert all(name in response.headers for name in SECURITY_HEADERS)
    assert "not part of the build" not in response.text
    if response.status_code >= 400 and method != "HEAD":
        error = response.json()["error"]
        assert set(error) == {"code", "message", "request_id"}
        assert error["request_id"] == response.headers["x-request-id"]


segments = st.one_of(
    st.sampled_from(ODD_SEGMENTS),
    st.text(max_size=24).map(lambda text: quote(text, safe="")),  # any characters, escaped as a browser sends them
    st.binary(max_size=12).map(lambda raw: quote(raw, safe="")),  # any bytes: control characters, invalid UTF-8
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="?#%"), max_size=24),
)
# httpx takes a path starting with // for a host name, so none is sent.
paths = st.builds(lambda prefix, tail: prefix + "/".join(tail), st.sampled_from(PREFIXES), st.lists(segments, max_size=5)).filter(
    lambda path: not path.startswith("//")
)


@settings(max_examples=400, deadline=None)
@given(method=st.sampled_from(["GET", "HEAD", "POST", "DELETE"]), path=paths)
def test_no_path_is_answered_with_a_server_error(client: TestClient, method: str, path: str) -> None:
    assert_answered_well(client.request(method, path), method)


@pytest.mark.parametrize("path", ["/a%00b", "/assets/%00", "/api/v1/runs/%00", "/auth/%0a", "/%zz", "/%", "/%ff", "/%ed%a0%80"])
def test_control_characters_and_broken_escapes_are_a_bad_request(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_path")
    assert_answered_well(response, "GET")


@pytest.mark.parametrize("path", ["/%2e%2e/secret.txt", "/styles/%2e%2e/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/api/v1/%2e"])
def test_dot_segments_are_a_bad_request(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert_answered_well(response, "GET")


@pytest.mark.parametrize("prefix", ["/", "/api/v1/runs/", "/assets/", "/auth/"])
def test_a_path_longer_than_any_we_serve_is_not_found(client: TestClient, prefix: str) -> None:
    response = client.get(prefix + "a" * MAX_PATH_BYTES)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert_answered_well(response, "GET")


@pytest.mark.parametrize("path", ["/" + "a" * 300, "/assets/" + "a" * 300, "/" + "a" * 300 + ".js"])
def test_a_name_too_long_for_the_file_system_is_the_page_or_not_found(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert_answered_well(response, "GET")


@pytest.mark.parametrize("path", ["/sign-in", "/runs/0b6f6c1e-4c8e-4bde-9d5e-2d7c1c1c1c1c/script", "/caf%C3%A9", "/%E2%80%AE"])
def test_ordinary_and_unusual_but_valid_page_paths_still_get_the_app(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert (response.status_code, response.text) == (200, INDEX)
    assert_answered_well(response, "GET")
