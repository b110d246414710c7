"""Limits before work: who the caller is and how big the body may be, settled before any body is read.

FastAPI reads and spools a request's body (a multipart upload to a temporary
file) before it resolves the route's dependencies, the caller's sign-in among
them; and nothing in uvicorn, FastAPI or Starlette limits a body's size. So
this middleware, in front of the routes, refuses a body whose declared length
is over the limit at once, cuts a streamed (chunked) one off at the limit,
and asks for the caller's sign-in before the first byte of an API body is read.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.security import HTTPBearer
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.dependencies import get_current_user
from gateway.errors import ApiError, error_response
from gateway.runs.uploads import too_large
from gateway.settings import GatewaySettings

# The routes that take a photo of a drawing; their bodies may hold one (as multipart, or base64 in JSON).
UPLOAD_PATHS = frozenset({"/api/v1/runs", "/api/v1/vision/analyze"})
# Multipart boundaries and headers, or the JSON around the base64.
_FRAMING_BYTES = 64 * 1024
_BODILESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Reads only the Authorization header; the route's own dependency verifies the same token again (from the key cache).
_BEARER_SCHEME = HTTPBearer(auto_error=False)


class BodyTooLarge(StarletteHTTPException):
    """Raised from the body's stream as soon as it passes the limit; FastAPI lets HTTP errors through its body parsing."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(413)
        self.code = code
        self.message = message


def body_limit(settings: GatewaySettings, path: str) -> tuple[int, BodyTooLarge]:
    """How big a body of this route may be, and what a parent reads past it."""
    if path in UPLOAD_PATHS:
        # A body that big is a photo that big: the same words as the upload check's own.
        photo = too_large(settings.max_upload_bytes)
        return settings.max_upload_bytes * 4 // 3 + _FRAMING_BYTES, BodyTooLarge(photo.code, photo.message)
    kilobytes = settings.max_json_body_bytes // 1024
    return settings.max_json_body_bytes, BodyTooLarge("body_too_large", f"That is more than we accept in one request ({kilobytes} KB).")


def install_guards(app: FastAPI, settings: GatewaySettings) -> None:
    """Call before install_error_handlers, so the request-id middleware wraps these answers too."""
    app.add_middleware(RequestGuards, settings=settings)

    @app.exception_handler(BodyTooLarge)
    async def body_too_large(request: Request, error: BodyTooLarge) -> Response:
        return error_response(request, 413, error.code, error.message)


class RequestGuards:
    def __init__(self, app: ASGIApp, *, settings: GatewaySettings) -> None:
        self._app = app
        self._settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _BODILESS_METHODS:
            await self._app(scope, receive, send)
            return
        request = Request(scope, receive)
        limit, refusal = body_limit(self._settings, scope["path"])
        if scope["path"].startswith("/api/") and _has_route(scope):
            try:
                await get_current_user(request, await _BEARER_SCHEME(request))
            except ApiError as refused:
                await error_response(request, refused.status, refused.code, refused.message, refused.headers)(scope, receive, send)
                return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and not declared.isdigit():
            await error_response(request, 400, "bad_content_length", "The request's Content-Length isn't a number.")(scope, receive, send)
            return
        if declared is not None and int(declared) > limit:
            await error_response(request, 413, refusal.code, refusal.message)(scope, receive, send)
            return
        await self._app(scope, _limited(receive, limit, refusal), send)


def _has_route(scope: Scope) -> bool:
    """A request no route takes (404, 405) is answered without its body: only a route's caller must be signed in first."""
    return any(route.matches(scope)[0] is Match.FULL for route in scope["app"].router.routes)


def _limited(receive: Receive, limit: int, refusal: BodyTooLarge) -> Receive:
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise refusal
        return message

    return receive_within_limit
