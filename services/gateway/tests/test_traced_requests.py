"""Which requests FastAPI traces: what changes something, never a read (the e2e trace test checks the span files)."""

import pytest

from gateway.app import untraced


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/health"),
        ("GET", "/api/v1/runs/r-1"),
        ("GET", "/api/v1/runs/r-1/events"),
        ("GET", "/assets/index.js"),
        ("HEAD", "/"),
        ("OPTIONS", "/api/v1/runs"),
    ],
)
def test_reads_make_no_trace(method: str, path: str) -> None:
    assert untraced({"type": "http", "method": method, "path": path})


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/api/v1/runs"), ("POST", "/api/v1/runs/r-1/approve"), ("DELETE", "/api/v1/library/e-1")]
)
def test_what_changes_something_is_traced(method: str, path: str) -> None:
    assert not untraced({"type": "http", "method": method, "path": path})


def test_the_lifespan_is_not_a_request() -> None:
    assert not untraced({"type": "lifespan"})
