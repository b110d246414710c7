"""The parent's web app: the built single-page app, served at / beside the API.

The app's files are served as they are. Any other page a browser asks for
(/runs/…/script after a refresh, say) is one of the app's own routes, so it
gets index.html and the app routes it in the browser. This happens only
where the API has no route at all, so the API answers exactly as without
the app: /api/ and /auth/ keep their JSON 404s and 405s.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from gateway.errors import http_error

API_PREFIXES = ("/api/", "/auth/")
# Vite puts a content hash in every file name under assets/, so a browser may keep them for good;
# everything else (index.html above all, which names the current assets) is asked for again each time.
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}
REVALIDATE = {"Cache-Control": "no-cache"}


class _HashedAssets(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers.update(IMMUTABLE)
        return response


def _is_page_request(request: Request) -> bool:
    path = request.url.path
    return request.method in ("GET", "HEAD") and not path.startswith(API_PREFIXES) and path not in ("/api", "/auth")


def _build_file(root: Path, path: str) -> Path | None:
    """A file of the build (favicon, style pictures, voice samples), never anything outside it."""
    try:
        candidate = (root / path).resolve()
        return candidate if candidate.is_relative_to(root) and candidate.is_file() else None
    except (OSError, ValueError):  # a name the file system cannot have (too long, a NUL) names no file of the build
        return None


def install_webapp(app: FastAPI, webapp_dir: Path) -> None:
    """Serves the build in `webapp_dir`; call after install_error_handlers, whose 404 answer stays the API's."""
    root = webapp_dir.resolve()
    index = root / "index.html"
    if not index.is_file():
        raise SystemExit(f"NOCOMELON_WEBAPP_DIR is {webapp_dir}, but it has no index.html: build the web app first (make run does)")
    if (root / "assets").is_dir():
        app.mount("/assets", _HashedAssets(directory=root / "assets"), name="webapp-assets")

    async def page_or_not_found(request: Request, error: StarletteHTTPException) -> Response:
        if not _is_page_request(request):
            return await http_error(request, error)
        path = request.url.path.lstrip("/")
        if (candidate := _build_file(root, path)) is not None:
            return FileResponse(candidate, headers=REVALIDATE)
        # The app's routes have no dot in their last segment; a missing file (an old asset, say) is a plain 404.
        if "." in path.rsplit("/", 1)[-1]:
            return await http_error(request, error)
        return FileResponse(index, headers=REVALIDATE)

    app.exception_handler(404)(page_or_not_found)
