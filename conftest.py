"""Fixtures for every test in the repo: one local AWS (moto server) per session,
provisioned once, and in-memory fakes for handler unit tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from devstack.provision import StackOutputs
from devstack.stack import LOCAL_CREDENTIALS, LocalAws, Stack, free_port
from gateway.settings import GatewaySettings
from tests.fakes import InMemoryAssetStore
from tests.paths import ARTEFACTS


@pytest.fixture
def assets() -> InMemoryAssetStore:
    return InMemoryAssetStore()


@pytest.fixture(scope="session")
def local_aws() -> Iterator[LocalAws]:
    for name, value in LOCAL_CREDENTIALS.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("AWS_REGION", "us-east-1")
    aws = LocalAws(port=free_port(), log_path=ARTEFACTS / "logs" / "moto.log")
    aws.start()
    yield aws
    aws.stop()


@pytest.fixture(scope="session")
def stack_definition(local_aws: LocalAws) -> Stack:
    """The provisioned local AWS (no service processes yet)."""
    stack = Stack(
        aws_endpoint=local_aws.endpoint,
        gateway_port=free_port(),
        log_dir=ARTEFACTS / "logs",
        overrides={
            # Short enough that a killed worker's message comes back within a test.
            "NOCOMELON_VISIBILITY_TIMEOUT_SECONDS": "8",
            "NOCOMELON_RECEIVE_WAIT_SECONDS": "2",
            "NOCOMELON_LOG_LEVEL": "INFO",
            # The suite's parents leave interactive runs waiting at gates, which hold places in their budgets:
            # room for those, while the limit tests still find a limit.
            "NOCOMELON_MAX_RUNNING_RUNS": "12",
            # The sweeper looks often, so a fault test sees its repair within seconds.
            "NOCOMELON_SWEEP_EVERY_SECONDS": "1",
            "NOCOMELON_OUTBOX_GRACE_SECONDS": "3",
            # The suite's clients follow runs stage by stage (?wait, the web app's stream): a quicker poll than a
            # parent needs takes seconds off every journey.
            "NOCOMELON_PROGRESS_POLL_SECONDS": "0.25",
        },
    )
    stack.provision()
    return stack


@pytest.fixture(scope="session")
def stack_outputs(stack_definition: Stack) -> StackOutputs:
    assert stack_definition.outputs is not None
    return stack_definition.outputs


@pytest.fixture(scope="session")
def settings(stack_definition: Stack, stack_outputs: StackOutputs) -> GatewaySettings:
    """Settings of a process talking to the session's local AWS (the gateway's, which has every common one)."""
    return GatewaySettings(
        aws_endpoint_url=stack_definition.aws_endpoint,
        events_topic_arn=stack_outputs.topic_arn,
        cognito_user_pool_id=stack_outputs.user_pool_id,
        cognito_client_id=stack_outputs.client_id,
        max_running_runs=int(stack_definition.overrides["NOCOMELON_MAX_RUNNING_RUNS"]),
    )


@pytest.fixture
def run_id() -> str:
    return str(uuid.uuid4())
