"""The command line says what went wrong, in words, and exits non-zero."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from nocomelon_cli import api as api_module
from nocomelon_cli.__main__ import main
from nocomelon_cli.api import ClientError, NoComelonApi
from nocomelon_cli.signin import Credentials


def test_an_age_outside_two_to_nine_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["make", "drawing.png", "--age", "12"])
    assert refused.value.code != 0
    assert "between 2 and 9" in capsys.readouterr().err


def test_a_missing_drawing_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["make", str(tmp_path / "nowhere.png"), "--api-url", "http://127.0.0.1:9"]) == 1
    assert "There is no file at" in capsys.readouterr().err


def test_the_gateways_error_message_reaches_the_person(monkeypatch: pytest.MonkeyPatch) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        body = {"error": {"code": "unsupported_file", "message": "Please upload a JPEG.", "request_id": "r"}}
        return httpx.Response(415, json=body)

    api = NoComelonApi("http://gateway.test")
    monkeypatch.setattr(api, "_http", httpx.Client(base_url="http://gateway.test", transport=httpx.MockTransport(answer)))
    with pytest.raises(ClientError, match="Please upload a JPEG."):
        api.run("some-run")


class _Gateway:
    """Answers the interactive run's requests as the gateway would, and keeps what the CLI sent."""

    def __init__(self, recognised: dict[str, object]) -> None:
        self.recognised = recognised
        self.sent: dict[str, dict[str, Any]] = {}
        self.status = "running"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST":
            self.sent[path] = json.loads(request.content) if path != "/api/v1/vision/analyze" else {}
            self.status = "waiting" if path != "/api/v1/pipeline/generate" else "complete"
            return httpx.Response(202, json={"run_id": "r1", "status": "running", "current_stage": "vision"})
        if path == "/api/v1/options":
            recommended = {"theme": "adventure", "age": 5, "voice": "gentle", "style": "storybook", "personal_context": ""}
            languages = [{"value": "en", "label": "English", "description": "English"}]
            return httpx.Response(200, json={"themes": [], "voices": [], "styles": [], "languages": languages, "recommended": recommended})
        story = self.sent.get("/api/v1/story/generate")
        run = {
            "status": self.status,
            "stages": {},
            "drawing_analysis": self.recognised,
            "story_script": {"title": f"The story of {story['drawing_analysis']['subject']}"} if story else None,
            "video_result": {"video_key": "u/videos/r1.mp4", "duration_sec": 30.0},
        }
        return httpx.Response(200, json=run)


@pytest.mark.parametrize(
    ("flags", "recognised", "told"),
    [
        (["--subject", "a red rocket named Zoom"], {"subject": "a house", "subject_unsure": False}, "a red rocket named Zoom"),
        (["--subject", "a red rocket", "--name", "Zoom"], {"subject": "a house"}, "a red rocket named Zoom"),
        (["--name", "Zoom"], {"subject": "a red rocket", "subject_unsure": False}, "a red rocket named Zoom"),
        (["--name", "Zoom"], {"subject": "your drawing's hero", "subject_unsure": True}, "Zoom"),
    ],
)
def test_the_parents_subject_and_name_replace_what_was_recognised_before_the_story(
    flags: list[str], recognised: dict[str, object], told: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = _Gateway(recognised)
    real_client = httpx.Client
    monkeypatch.setattr(api_module.httpx, "Client", lambda **options: real_client(transport=httpx.MockTransport(gateway), **options))
    monkeypatch.setattr(NoComelonApi, "sign_in", lambda self, credentials: None)
    monkeypatch.setattr(NoComelonApi, "download", lambda self, key, destination: destination.write_bytes(b"mp4"))
    monkeypatch.setattr(Credentials, "from_environment", classmethod(lambda cls: Credentials("parent@example.com", "secret")))
    drawing = tmp_path / "rocket.png"
    drawing.write_bytes(b"a picture")

    assert main(["make", str(drawing), "-o", str(tmp_path / "book.mp4"), *flags, "--age", "4"]) == 0

    story = gateway.sent["/api/v1/story/generate"]
    assert story["drawing_analysis"]["subject"] == told
    assert story["drawing_analysis"]["subject_unsure"] is False
    assert story["age"] == 4 and story["theme"] == "adventure"
    assert gateway.sent["/api/v1/pipeline/generate"]["drawing"]["subject"] == told


def test_a_language_the_gateway_does_not_offer_is_refused_with_those_it_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gateway = _Gateway({"subject": "a cat"})
    real_client = httpx.Client
    monkeypatch.setattr(api_module.httpx, "Client", lambda **options: real_client(transport=httpx.MockTransport(gateway), **options))
    monkeypatch.setattr(NoComelonApi, "sign_in", lambda self, credentials: None)
    monkeypatch.setattr(Credentials, "from_environment", classmethod(lambda cls: Credentials("parent@example.com", "secret")))
    drawing = tmp_path / "cat.png"
    drawing.write_bytes(b"a picture")

    assert main(["make", str(drawing), "--language", "es"]) != 0
    assert "'es' is not one of the languages: choose one of en" in capsys.readouterr().err
    assert gateway.sent == {}  # nothing was started
