from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.settings import GatewaySettings
from shared.adapters.aws import AwsClients
from shared.adapters.dynamodb import DynamoCheckpointStore, DynamoRunPlaces
from shared.domain.events import RunMode
from shared.domain.ports import CheckpointStore, RunPlaces
from shared.domain.run import Checkpoint
from tests.fakes import InMemoryCheckpointStore, InMemoryRunPlaces, RecordingPublisher


@pytest.fixture
async def aws(settings: GatewaySettings) -> AsyncIterator[AwsClients]:
    async with AwsClients(region=settings.aws_region, endpoint_url=settings.aws_endpoint_url) as clients:
        yield clients


@pytest.fixture(params=["dynamodb", "in_memory"])
def checkpoints(request: pytest.FixtureRequest, aws: AwsClients, settings: GatewaySettings) -> CheckpointStore:
    """Every checkpoint test runs against the DynamoDB adapter and the fake the unit tests use: they keep the same contract."""
    if request.param == "in_memory":
        return InMemoryCheckpointStore()
    return DynamoCheckpointStore(aws.dynamodb, settings.topology.checkpoints.name)


@pytest.fixture
def places(request: pytest.FixtureRequest, checkpoints: CheckpointStore, aws: AwsClients, settings: GatewaySettings) -> RunPlaces:
    """The budget's places over the same store: the adapter's in DynamoDB, the fake's in memory."""
    if isinstance(checkpoints, InMemoryCheckpointStore):
        return InMemoryRunPlaces(checkpoints)
    return DynamoRunPlaces(aws.dynamodb, settings.topology.budgets.name, checkpoints=checkpoints)


@pytest.fixture
def publisher() -> RecordingPublisher:
    return RecordingPublisher()


@pytest.fixture
async def new_run(checkpoints: CheckpointStore, run_id: str) -> Checkpoint:
    return await checkpoints.create(
        Checkpoint(
            user_id="user-a", run_id=run_id, mode=RunMode.ONE_SHOT, drawing_key=f"user-a/drawings/{run_id}.png", media_type="image/png"
        )
    )
