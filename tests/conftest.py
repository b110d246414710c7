"""The running system, shared by every slow test under tests/ (e2e over HTTP, browser): one per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devstack.stack import Stack


@pytest.fixture(scope="session")
def stack(stack_definition: Stack) -> Iterator[Stack]:
    """moto, the four services and the gateway as real processes, started once and shared."""
    stack_definition.start()
    yield stack_definition
    stack_definition.stop()
