"""One error shape for every 4xx and 5xx: {"error": {code, message, request_id}}.

The services raise domain errors (shared.domain.errors); this module is the
one place that says which HTTP status each kind of error answers with.
Messages are written for a parent; no stack trace or upstream exception text
ever leaves the gateway.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    LimitReached,
    NotFound,
    TooLarge,
    Unavailable,
    UnsupportedType,
)

log = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    code: str
    message: str
    request_id: str


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_responses(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI entries for a route's errors, all in the one shape (400: a body that cannot be parsed at all)."""
    return {status: {"model": ErrorResponse} for status in (400, *statuses, 500)}


# The most specific kind wins: TooLarge is an InvalidInput, but answers 413.
STATUS_OF: dict[type[DomainError], int] = {
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    LimitReached: 429,
    TooLarge: 413,
    UnsupportedType: 415,
    InvalidInput: 422,
    Unavailable: 503,
}


def status_of(error: DomainError) -> int:
    return next(STATUS_OF[kind] for kind in type(error).__mro__ if kind in STATUS_OF)


class ApiError(Exception):
    """An answer of the HTTP edge itself (sign-in, request framing), where there is no domain to speak of."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


_DEFAULT_MESSAGES = {
    400: ("bad_request", "Something in the request isn't right."),
    401: ("unauthorized", "Please sign in again."),
    403: ("forbidden", "You can't open that."),
    404: ("not_found", "We couldn't find that."),
    405: ("method_not_allowed", "That action isn't possible here."),
    409: ("conflict", "That can't be done right now."),
    413: ("too_large", "That file is too big."),
    422: ("invalid_request", "Something in the request isn't right."),
    429: ("too_many_requests", "Please wait a moment and try again."),
}


def request_id_of(request: Request) -> str:
    return getattr(request.state, "request_id", "") or "unknown"


def error_response(request: Request, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(code=code, message=message, request_id=request_id_of(request)))
    return JSONResponse(status_code=status, content=body.model_dump(), headers=headers)


def _describe_validation(error: RequestValidationError) -> str:
    problems = []
    for item in error.errors()[:5]:
        field = ".".join(str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path", "form"))
        problems.append(f"{field or 'request'}: {item.get('msg', 'is not valid')}")
    return "Please check what was sent. " + "; ".join(problems)


async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    """An error Starlette or FastAPI raised (404, 405, ...), in the one shape."""
    code, message = _DEFAULT_MESSAGES.get(error.status_code, ("error", "Something went wrong."))
    return error_response(request, error.status_code, code, message, getattr(error, "headers", None))


def install_error_handlers(app: FastAPI) -> None:
    @app.middleware("http")
    async def assign_request_id(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request.state.request_id = str(uuid.uuid4())
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception:
            log.exception("unhandled error", extra={"path": request.url.path, "request_id": request.state.request_id})
            response = error_response(request, 500, "internal_error", "Something went wrong on our side. Please try again.")
        response.headers["X-Request-ID"] = request.state.request_id
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.url.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "request_id": request.state.request_id,
            },
        )
        return response

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return error_response(request, error.status, error.code, error.message, error.headers)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        headers = {"Retry-After": str(error.retry_after_seconds)} if isinstance(error, LimitReached | Unavailable) else None
        if isinstance(error, Unavailable):
            log.warning("request not finished", extra={"code": error.code, "reason": str(error), "request_id": request_id_of(request)})
        return error_response(request, status_of(error), error.code, error.message, headers)

    app.exception_handler(StarletteHTTPException)(http_error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        return error_response(request, 422, "invalid_request", _describe_validation(error))
