"""The HTTP edge: request paths refused before routing, and the security headers on every answer.

A path that cannot name anything (a NUL or other control character, a broken
or non-UTF-8 percent escape, a `.` or `..` segment, more than a kilobyte) is
answered 400 or 404 in the one error shape before a route or the file system
sees it.

Every answer (pages, the SPA's files, /api, /auth, errors) carries a
Content-Security-Policy that lets the web app run its own scripts and styles
only, sign in at the Cognito endpoint GET /auth/config names, show and play
the parent's presigned links and its own previews, and be framed by no one;
nosniff, DENY framing, no referrer, and HSTS where the gateway is served over
HTTPS (hsts_max_age_seconds, set on AWS). On AWS CloudFront sends the same
headers with the SPA from S3 (infrastructure/modules/webapp), and a test
holds the two to each other.

The API docs are Swagger UI from a CDN with one inline script that starts it:
/docs is served here, with a policy allowing those two files and that script
by its hash. It is a page for developers: on AWS only /api/* and /auth/*
reach the gateway, so it is never public.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from urllib.parse import unquote_to_bytes, urlsplit

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import error_response
from gateway.settings import GatewaySettings
from gateway.shares.page import PAGE_STYLE, SHARE_PREFIX

# The longest path a route or a file of the build could have, with room to spare. It is also what the AWS managed
# rules in front of CloudFront accept (SizeRestrictions_URIPATH), and keeps an id from a path within DynamoDB's key size.
MAX_PATH_BYTES = 1024
_BROKEN_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")

DOCS_PATH = "/docs"
_SWAGGER_JS = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"
_SWAGGER_CSS = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css"
_SWAGGER_FAVICON = "https://fastapi.tiangolo.com/img/favicon.png"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)

FRAME_OPTIONS = "DENY"
REFERRER_POLICY = "no-referrer"


def install_path_checks(app: FastAPI) -> None:
    """Call after install_guards and before install_error_handlers: inside the request id, before anything reads the path."""
    app.add_middleware(RefuseOddPaths)


def install_security_headers(app: FastAPI, settings: GatewaySettings) -> None:
    """Call last in create_app: the outermost middleware, so every answer of the ones inside carries the headers."""
    docs = get_swagger_ui_html(
        openapi_url=app.openapi_url or "/openapi.json",
        title=f"{app.title} - API docs",
        swagger_js_url=_SWAGGER_JS,
        swagger_css_url=_SWAGGER_CSS,
        swagger_favicon_url=_SWAGGER_FAVICON,
        # Swagger UI would send the schema's address to validator.swagger.io for a badge.
        swagger_ui_parameters={"validatorUrl": None},
    )

    async def api_docs() -> HTMLResponse:
        return HTMLResponse(docs.body)

    app.add_api_route(DOCS_PATH, api_docs, include_in_schema=False)
    app.add_middleware(
        SecurityHeaders,
        headers=security_headers(settings, content_security_policy(settings)),
        docs_headers=security_headers(settings, docs_policy(bytes(docs.body).decode())),
        share_headers=share_page_headers(settings),
    )


def security_headers(settings: GatewaySettings, policy: str) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": FRAME_OPTIONS,
        "Referrer-Policy": REFERRER_POLICY,
    }
    if settings.hsts_max_age_seconds > 0:
        headers["Strict-Transport-Security"] = f"max-age={settings.hsts_max_age_seconds}; includeSubDomains"
    return headers


def content_security_policy(settings: GatewaySettings) -> str:
    cognito = settings.cognito_public_endpoint or f"https://cognito-idp.{settings.aws_region}.amazonaws.com"
    assets = presigned_origin(settings.aws_region, settings.aws_endpoint_url, settings.bucket)
    return _policy(
        ("default-src", "'self'"),
        ("script-src", "'self'"),
        # React sets style properties through the DOM, which a policy does not restrict; no style attribute or tag is inline.
        ("style-src", "'self'"),
        # blob: is the photo a parent has just chosen, shown before it is sent.
        ("img-src", f"'self' blob: {assets}"),
        # blob: is a video's captions track, read through the gateway (a track cannot be read from storage's origin).
        ("media-src", f"'self' blob: {assets}"),
        ("connect-src", f"'self' {_origin(cognito)}"),
        ("object-src", "'none'"),
        ("base-uri", "'none'"),
        ("form-action", "'self'"),
        ("frame-ancestors", "'none'"),
    )


def share_page_headers(settings: GatewaySettings) -> dict[str, str]:
    """A family link's page and media: no script at all, its one style by hash, its own cover and video; not indexed,
    not cached (a revoked link must fail at the next request), and no referrer, so the token goes nowhere else."""
    policy = _policy(
        ("default-src", "'none'"),
        ("style-src", f"'sha256-{_digest(PAGE_STYLE)}'"),
        ("img-src", "'self'"),
        ("media-src", "'self'"),
        ("base-uri", "'none'"),
        ("form-action", "'none'"),
        ("frame-ancestors", "'none'"),
    )
    return {**security_headers(settings, policy), "X-Robots-Tag": "noindex, nofollow", "Cache-Control": "private, no-store"}


def docs_policy(docs_html: str) -> str:
    scripts = " ".join(f"'sha256-{_digest(script)}'" for script in _INLINE_SCRIPT.findall(docs_html))
    return _policy(
        ("default-src", "'none'"),
        ("script-src", f"{_SWAGGER_JS} {scripts}"),
        # Swagger UI's bundle adds inline styles (swagger-api/swagger-ui#10655); a style runs no code.
        ("style-src", f"{_SWAGGER_CSS} 'unsafe-inline'"),
        ("img-src", f"'self' data: {_SWAGGER_FAVICON}"),
        ("connect-src", "'self'"),
        ("base-uri", "'none'"),
        ("form-action", "'none'"),
        ("frame-ancestors", "'none'"),
    )


def presigned_origin(region: str, endpoint_url: str | None, bucket: str) -> str:
    """Where the gateway's presigned links point: asked of botocore, which builds them (and reads AWS_ENDPOINT_URL_S3)."""
    s3 = boto3.client("s3", region_name=region, endpoint_url=endpoint_url, config=Config(signature_version=UNSIGNED))
    return _origin(s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _policy(*directives: tuple[str, str]) -> str:
    return "; ".join(f"{name} {sources}" for name, sources in directives)


def _digest(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, headers: dict[str, str], docs_headers: dict[str, str], share_headers: dict[str, str]) -> None:
        self._app = app
        self._headers = headers
        self._docs_headers = docs_headers
        self._share_headers = share_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        path: str = scope["path"]
        headers = self._docs_headers if path == DOCS_PATH else self._share_headers if path.startswith(SHARE_PREFIX) else self._headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(headers)
            await send(message)

        await self._app(scope, receive, send_with_headers)


class RefuseOddPaths:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = _refusal(scope) if scope["type"] == "http" else None
        if refusal is None:
            await self._app(scope, receive, send)
            return
        status, code, message = refusal
        await error_response(Request(scope), status, code, message)(scope, receive, send)


def _refusal(scope: Scope) -> tuple[int, str, str] | None:
    raw: bytes = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogatepass")
    if len(raw) > MAX_PATH_BYTES:
        return 404, "not_found", "We couldn't find that."
    invalid = (400, "invalid_path", "That address isn't valid.")
    if _BROKEN_ESCAPE.search(raw):
        return invalid
    try:
        path = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return invalid
    if any(unicodedata.category(character) == "Cc" for character in path) or {".", ".."} & set(path.split("/")):
        return invalid
    return None
