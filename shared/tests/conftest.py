from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shared.aws import AwsClients
from shared.checkpoints import Checkpoint, CheckpointStore
from shared.events import Envelope, RunMode
from shared.settings import Settings


class RecordingPublisher:
    """The EventPublisher port, remembering what was published (and able to fail once)."""

    def __init__(self) -> None:
        self.published: list[Envelope] = []
        self.fail_next = False

    async def publish(self, envelope: Envelope) -> None:
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("the topic is unreachable")
        self.published.append(envelope)


@pytest.fixture
async def aws(settings: Settings) -> AsyncIterator[AwsClients]:
    async with AwsClients(settings) as clients:
        yield clients


@pytest.fixture
def checkpoints(aws: AwsClients, settings: Settings) -> CheckpointStore:
    return CheckpointStore(aws.dynamodb, settings.topology.checkpoints.name)


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
