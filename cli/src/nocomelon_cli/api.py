"""A small synchronous client of the gateway's REST API."""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

import httpx

from nocomelon_cli.signin import ClientError, Credentials, password_sign_in

_MEDIA_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".heic": "image/heic"}


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"the server answered {response.status_code}"
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("message"))
    return str(body.get("message", f"the server answered {response.status_code}"))


def _upload(drawing: Path, file: BinaryIO) -> tuple[str, BinaryIO, str]:
    return drawing.name, file, _MEDIA_TYPES.get(drawing.suffix.lower(), "application/octet-stream")


class NoComelonApi:
    def __init__(self, base_url: str, timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout)
        self._token: str | None = None

    def close(self) -> None:
        self._http.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.ConnectError:
            raise ClientError(f"Can't reach NoComelon at {self.base_url}. Is it running (make run)?") from None
        except httpx.HTTPError as error:
            raise ClientError(f"Talking to {self.base_url} failed: {error.__class__.__name__}") from None
        if response.status_code >= 400:
            raise ClientError(_error_message(response))
        return response

    def sign_in(self, credentials: Credentials) -> None:
        config = self._request("GET", "/auth/config").json()
        endpoint = config.get("cognito_endpoint") or f"https://cognito-idp.{config['region']}.amazonaws.com/"
        self._token = password_sign_in(endpoint, config["client_id"], credentials)

    def options(self, run_id: str | None = None) -> dict[str, Any]:
        """The choices the gateway offers (styles, themes, voices, ages), with their labels; for a run, its recommendations."""
        return self._request("GET", "/api/v1/options", params={"run_id": run_id} if run_id else None).json()

    def start_run(self, drawing: Path, options: dict[str, str]) -> str:
        """A one-shot run: the drawing straight to a video."""
        with drawing.open("rb") as file:
            response = self._request("POST", "/api/v1/runs", files={"drawing": _upload(drawing, file)}, data=options)
        return response.json()["run_id"]

    def analyse(self, drawing: Path) -> str:
        """An interactive run: it stops after the analysis, for the caller to correct it."""
        with drawing.open("rb") as file:
            response = self._request("POST", "/api/v1/vision/analyze", files={"drawing": _upload(drawing, file)})
        return response.json()["run_id"]

    def generate_story(self, run_id: str, analysis: dict[str, Any], options: dict[str, Any]) -> None:
        self._request("POST", "/api/v1/story/generate", json={"run_id": run_id, "drawing_analysis": analysis, **options})

    def generate_pipeline(self, run_id: str, story: dict[str, Any], analysis: dict[str, Any], style: str, voice: str) -> None:
        body = {"run_id": run_id, "story": story, "drawing": analysis, "style": style, "voice_type": voice}
        self._request("POST", "/api/v1/pipeline/generate", json=body)

    def run(self, run_id: str, wait: int = 0) -> dict[str, Any]:
        """The run; with `wait`, the gateway answers when its next stage finishes or after that many seconds."""
        return self._request("GET", f"/api/v1/runs/{run_id}", params={"wait": wait} if wait else None, timeout=wait + 30).json()

    def library(self) -> list[dict[str, Any]]:
        """Every saved storybook, newest first."""
        entries: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            page = self._request("GET", "/api/v1/library", params={"limit": 100, **({"cursor": cursor} if cursor else {})}).json()
            entries += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return entries

    def share(self, entry_id: str, *, days: int, label: str | None) -> dict[str, Any]:
        body = {"expires_in_days": days, **({"label": label} if label else {})}
        return self._request("POST", f"/api/v1/library/{entry_id}/shares", json=body).json()

    def links(self, entry_id: str) -> list[dict[str, Any]]:
        return self._request("GET", f"/api/v1/library/{entry_id}/shares").json()["items"]

    def revoke(self, entry_id: str, link_id: str) -> None:
        self._request("DELETE", f"/api/v1/library/{entry_id}/shares/{link_id}")

    def download(self, s3_key: str, destination: Path, *, what: str = "the video") -> None:
        url = self._request("POST", "/api/v1/storage/presigned-url", json={"s3_key": s3_key}).json()["url"]
        partial = destination.with_name(destination.name + ".part")
        with httpx.stream("GET", url, timeout=120) as response:
            if response.status_code != 200:
                raise ClientError(f"Downloading {what} failed ({response.status_code}).")
            with partial.open("wb") as file:
                for chunk in response.iter_bytes():
                    file.write(chunk)
        partial.replace(destination)
