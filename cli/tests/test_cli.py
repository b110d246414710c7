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
    monkeypatch.setattr(NoComelonApi, "download", lambda self, key, destination, **_: destination.write_bytes(b"mp4"))
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


class _Library:
    """Answers the library's requests as the gateway would, and keeps what the CLI asked."""

    ENTRY = {
        "id": "e1",
        "title": "Zoom and the Moon",
        "created_at": "2026-12-04T10:00:00+00:00",
        "duration_sec": 31.2,
        "video_key": "u/videos/e1_final.mp4",
        "book_keys": {"a4": "u/videos/e1_book_a4.pdf", "letter": "u/videos/e1_book_letter.pdf"},
    }

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, dict[str, Any] | None]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.asked.append((request.method, request.url.path, body))
        link = {"id": "l1", "label": "Grandma", "expires_at": "2026-12-11T10:00:00+00:00", "views": 3, "url": "http://app.test/s/TOKEN"}
        answers = {
            ("GET", "/api/v1/library"): (200, {"items": [self.ENTRY], "next_cursor": None}),
            ("POST", "/api/v1/library/e1/shares"): (201, link),
            ("GET", "/api/v1/library/e1/shares"): (200, {"items": [link]}),
            ("DELETE", "/api/v1/library/e1/shares/l1"): (204, None),
            ("POST", "/api/v1/storage/presigned-url"): (200, {"url": f"http://s3.test/{(body or {}).get('s3_key')}"}),
        }
        status, answer = answers.get((request.method, request.url.path), (404, {"error": {"message": "We couldn't find that storybook."}}))
        return httpx.Response(status, json=answer) if answer is not None else httpx.Response(status)


def test_the_library_lists_downloads_shares_and_revokes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    library = _Library()
    real_client = httpx.Client
    monkeypatch.setattr(api_module.httpx, "Client", lambda **options: real_client(transport=httpx.MockTransport(library), **options))
    monkeypatch.setattr(NoComelonApi, "sign_in", lambda self, credentials: None)
    monkeypatch.setattr(Credentials, "from_environment", classmethod(lambda cls: Credentials("parent@example.com", "secret")))
    fetched: list[str] = []

    def stream(method: str, url: str, **_: object) -> httpx.Response:
        fetched.append(url)
        return httpx.Response(200, content=b"%PDF" if url.endswith(".pdf") else b"mp4")

    monkeypatch.setattr(api_module.httpx, "stream", lambda *a, **k: _Streamed(stream(*a, **k)))

    assert main(["library", "list"]) == 0
    assert "e1  2026-12-04   31.2 s  Zoom and the Moon" in capsys.readouterr().out
    video, book = tmp_path / "zoom.mp4", tmp_path / "zoom.pdf"
    assert main(["library", "download", "e1", "-o", str(video), "--book", str(book), "--paper", "letter"]) == 0
    assert video.read_bytes() == b"mp4" and book.read_bytes() == b"%PDF"
    assert capsys.readouterr().out.split() == [str(video), str(book)]
    assert fetched == ["http://s3.test/u/videos/e1_final.mp4", "http://s3.test/u/videos/e1_book_letter.pdf"]
    assert main(["library", "share", "e1", "--days", "7", "--label", "Grandma"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "http://app.test/s/TOKEN"
    assert ("POST", "/api/v1/library/e1/shares", {"expires_in_days": 7, "label": "Grandma"}) in library.asked
    assert main(["library", "links", "e1"]) == 0
    assert capsys.readouterr().out.strip() == "l1  until 2026-12-11  3 views  Grandma"
    assert main(["library", "revoke", "e1", "l1"]) == 0
    assert ("DELETE", "/api/v1/library/e1/shares/l1", None) in library.asked
    assert main(["library", "download", "nope"]) == 1
    assert "There is no saved storybook nope" in capsys.readouterr().err


def test_a_link_lasts_one_to_ninety_days(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["library", "share", "e1", "--days", "91"])
    assert "a link lasts 1 to 90 days" in capsys.readouterr().err


class _Streamed:
    """httpx.stream's context manager around a canned response."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    def __enter__(self) -> httpx.Response:
        return self._response

    def __exit__(self, *_: object) -> None:
        return None
