"""The gateway serves the built web app at / and leaves the API's answers as they were."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import GatewaySettings

INDEX = "<!doctype html><title>NoComelon</title><div id=root></div>"


def settings(webapp_dir: Path | None) -> GatewaySettings:
    return GatewaySettings(cognito_user_pool_id="us-east-1_test", cognito_client_id="client", webapp_dir=webapp_dir)


@pytest.fixture
def build(tmp_path: Path) -> Path:
    (tmp_path / "dist" / "assets").mkdir(parents=True)
    (tmp_path / "dist" / "styles").mkdir()
    (tmp_path / "dist" / "index.html").write_text(INDEX)
    (tmp_path / "dist" / "assets" / "index-abc123.js").write_text("console.log('hi')")
    (tmp_path / "dist" / "styles" / "anime.jpg").write_bytes(b"\xff\xd8\xff picture")
    (tmp_path / "secret.txt").write_text("not part of the build")
    return tmp_path / "dist"


@pytest.fixture
def client(build: Path) -> TestClient:
    # No lifespan: nothing here reaches AWS.
    return TestClient(create_app(settings(build)))


@pytest.mark.parametrize("path", ["/", "/sign-in", "/library", "/runs/0b6f6c1e-4c8e-4bde-9d5e-2d7c1c1c1c1c/script"])
def test_the_app_and_its_routes_get_index_html(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


def test_hashed_assets_are_cached_for_good_and_other_files_are_served(client: TestClient) -> None:
    asset = client.get("/assets/index-abc123.js")
    assert asset.status_code == 200
    assert asset.text == "console.log('hi')"
    assert "immutable" in asset.headers["cache-control"]
    picture = client.get("/styles/anime.jpg")
    assert picture.status_code == 200
    assert picture.content.startswith(b"\xff\xd8\xff")


@pytest.mark.parametrize("path", ["/assets/index-old.js", "/favicon.ico", "/styles/missing.jpg"])
def test_a_missing_file_is_a_404_not_the_page(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", ["/%2e%2e/secret.txt", "/styles/%2e%2e/%2e%2e/secret.txt"])
def test_nothing_outside_the_build_is_served(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert "not part of the build" not in response.text


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/v1/nothing-here"), ("POST", "/api/v1/nothing-here"), ("GET", "/auth/nothing")])
def test_unknown_api_paths_keep_the_json_404(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["request_id"] == response.headers["x-request-id"]


def test_the_api_still_answers_as_the_api(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/api/v1/library").status_code == 401
    assert client.delete("/api/v1/library").status_code == 405
    assert client.get("/openapi.json").json()["info"]["title"] == "NoComelon gateway"
    assert "/{path}" not in str(client.get("/openapi.json").json()["paths"])


def test_without_a_build_the_home_page_is_the_api_docs() -> None:
    response = TestClient(create_app(settings(None))).get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/docs"


def test_a_build_without_index_html_stops_the_gateway_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no index.html"):
        create_app(settings(tmp_path))
