"""Every answer carries the security headers, with a policy the web app (and the API docs) can run under."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.auth.verifier import Caller
from gateway.headers import content_security_policy
from gateway.settings import GatewaySettings

INDEX = '<!doctype html><script type="module" src="/assets/index-abc123.js"></script><div id=root></div>'
COMMON = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "no-referrer"}


def settings(webapp_dir: Path | None = None, /, **overrides: object) -> GatewaySettings:
    return GatewaySettings.model_validate(
        {"cognito_user_pool_id": "us-east-1_test", "cognito_client_id": "client", "webapp_dir": webapp_dir, **overrides}
    )


def directives(policy: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (directive.split() for directive in policy.split(";"))}


class AnyToken:
    async def verify(self, token: str) -> Caller:
        return Caller(user_id="parent", username="parent")


@pytest.fixture
def build(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('hi')")
    return tmp_path


@pytest.fixture
def client(build: Path) -> TestClient:
    app = create_app(settings(build))

    async def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)
    # No lifespan: any token is good, and the one route reached (with a bad query) is refused before its service is used.
    app.state.verifier, app.state.runs = AnyToken(), None
    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/library", 200),
        ("GET", "/assets/index-abc123.js", 200),
        ("GET", "/health", 200),
        ("GET", "/auth/config", 200),
        ("GET", "/openapi.json", 200),
        ("GET", "/favicon.ico", 404),
        ("GET", "/api/v1/nothing-here", 404),
        ("DELETE", "/api/v1/library", 405),
        ("GET", "/api/v1/runs/some-run?wait=soon", 422),
        ("GET", "/api/v1/library?user_id=someone", 400),
        ("GET", "/boom", 500),
        ("GET", "/a%00b", 400),
    ],
)
def test_every_answer_carries_the_security_headers(client: TestClient, method: str, path: str, status: int) -> None:
    response = client.request(method, path, headers={"Authorization": "Bearer any"})
    assert response.status_code == status
    assert {name: response.headers.get(name) for name in COMMON} == COMMON
    assert response.headers["content-security-policy"] == content_security_policy(settings())


def test_an_unauthenticated_api_call_carries_them_too(build: Path) -> None:
    response = TestClient(create_app(settings(build))).get("/api/v1/library")
    assert response.status_code == 401
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_the_app_runs_its_own_scripts_and_styles_only_and_no_one_frames_it() -> None:
    policy = directives(content_security_policy(settings()))
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & {source for sources in policy.values() for source in sources}


@pytest.mark.parametrize(
    ("overrides", "cognito", "assets"),
    [
        pytest.param(
            {"aws_region": "eu-west-1", "bucket_name": "stories-assets"},
            "https://cognito-idp.eu-west-1.amazonaws.com",
            "https://stories-assets.s3.amazonaws.com",
            id="aws",
        ),
        pytest.param(
            {"aws_endpoint_url": "http://127.0.0.1:4566", "cognito_public_endpoint": "http://127.0.0.1:4566/"},
            "http://127.0.0.1:4566",
            "http://127.0.0.1:4566",
            id="make-run",
        ),
    ],
)
def test_it_signs_in_at_the_endpoint_auth_config_names_and_plays_the_presigned_links(
    monkeypatch: pytest.MonkeyPatch, overrides: dict[str, str], cognito: str, assets: str
) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    policy = directives(content_security_policy(settings(**overrides)))
    assert policy["connect-src"] == ["'self'", cognito]
    assert policy["media-src"] == ["'self'", "blob:", assets]
    assert policy["img-src"] == ["'self'", "blob:", assets]


def test_hsts_only_where_the_gateway_is_served_over_https(build: Path) -> None:
    assert "strict-transport-security" not in TestClient(create_app(settings(build))).get("/").headers
    on_aws = TestClient(create_app(settings(build, hsts_max_age_seconds=63072000)))
    for path in ("/", "/api/v1/library", "/auth/config"):
        assert on_aws.get(path).headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"


def test_the_api_docs_run_swagger_ui_from_its_cdn_and_only_their_own_inline_script() -> None:
    client = TestClient(create_app(settings()))
    docs = client.get("/docs")
    assert docs.status_code == 200
    policy = directives(docs.headers["content-security-policy"])
    inline = re.findall(r"<script>(.*?)</script>", docs.text, re.DOTALL)
    assert inline, "Swagger UI is started by an inline script"
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'" for script in inline}
    external = set(re.findall(r'<script src="([^"]+)"', docs.text))
    assert set(policy["script-src"]) == hashes | external
    assert set(re.findall(r'<link type="text/css" rel="stylesheet" href="([^"]+)"', docs.text)) <= set(policy["style-src"])
    assert policy["frame-ancestors"] == ["'none'"] and policy["default-src"] == ["'none'"]
    assert "validatorUrl" in docs.text, "the schema's address is not sent to validator.swagger.io"
    # The docs' policy is theirs alone.
    assert client.get("/openapi.json").headers["content-security-policy"] == content_security_policy(settings())
    assert client.get("/redoc").status_code == 404
