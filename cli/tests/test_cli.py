"""The command line says what went wrong, in words, and exits non-zero."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from nocomelon_cli.__main__ import main
from nocomelon_cli.api import ClientError, NoComelonApi


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
