"""Structured logs: one JSON object per line, carrying run_id, event id and trace_id.

The consumer binds run_id/event_id into a context variable for the duration
of a message, so every line a handler logs carries them without passing
them around; a line logged inside a span carries its trace_id too.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from collections.abc import Generator
from contextlib import contextmanager
from datetime import UTC, datetime

from opentelemetry import trace

_log_context: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("log_context")

_STANDARD_ATTRIBUTES = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "event": record.getMessage(),
            **_log_context.get({}),
        }
        if (span := trace.get_current_span().get_span_context()).is_valid:
            line["trace_id"] = format(span.trace_id, "032x")
        line.update({key: value for key, value in record.__dict__.items() if key not in _STANDARD_ATTRIBUTES})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Libraries that log their own steps at INFO (fontTools: each table it prunes while fpdf2 embeds a font subset).
    for noisy in ("botocore", "aiobotocore", "boto3", "urllib3", "httpx", "httpcore", "uvicorn.access", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def current_log_context() -> dict[str, str]:
    return dict(_log_context.get({}))


@contextmanager
def log_context(**fields: str) -> Generator[None]:
    token = _log_context.set({**_log_context.get({}), **fields})
    try:
        yield
    finally:
        _log_context.reset(token)
