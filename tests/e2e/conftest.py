"""Parents signed in through Cognito, and a spy on the topic, for the tests
over HTTP; the system itself (`stack`) is tests/conftest.py's, shared."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devstack.stack import Stack
from nocomelon_cli.signin import DEMO_ACCOUNT, Credentials
from tests.e2e.system import Parent, SpyQueue, sign_in, spying_on


@pytest.fixture(scope="session")
def parent(stack: Stack) -> Parent:
    return sign_in(stack, DEMO_ACCOUNT)


@pytest.fixture(scope="session")
def other_parent(stack: Stack) -> Parent:
    return sign_in(stack, Credentials(email="other.parent@nocomelon.local", password="Another4Family"))


@pytest.fixture(scope="package")
def spy(stack: Stack) -> Iterator[SpyQueue]:
    """Subscribed while the e2e tests run only: later tests compare the topic's subscriptions with Terraform's."""
    with spying_on(stack) as spy:
        yield spy
