"""A parent's budget: active runs (running or waiting) and starts per day, decided atomically, against both implementations."""

import asyncio
import uuid

import pytest

from gateway.settings import GatewaySettings
from shared.adapters.aws import AwsClients
from shared.adapters.dynamodb import DynamoCheckpointStore, DynamoRunPlaces
from shared.domain.errors import DailyRunLimitReached, RunsBusyNow, TooManyRuns
from shared.domain.events import RunMode
from shared.domain.ports import CheckpointStore, RunPlaces
from shared.domain.run import Checkpoint, RunBudget, RunPatch, RunStatus


def _new(user_id: str) -> Checkpoint:
    run_id = str(uuid.uuid4())
    return Checkpoint(
        user_id=user_id, run_id=run_id, mode=RunMode.ONE_SHOT, drawing_key=f"{user_id}/drawings/{run_id}.png", media_type="image/png"
    )


async def _start(places: RunPlaces, checkpoints: CheckpointStore, user_id: str, budget: RunBudget) -> Checkpoint:
    run = _new(user_id)
    await places.claim(user_id, run.run_id, budget)
    return await checkpoints.create(run)


async def test_a_budget_admits_exactly_its_active_runs_however_many_start_at_once(places: RunPlaces, checkpoints: CheckpointStore) -> None:
    user_id = f"budget-{uuid.uuid4()}"
    budget = RunBudget(max_active=3, max_per_day=100)
    results = await asyncio.gather(*(_start(places, checkpoints, user_id, budget) for _ in range(20)), return_exceptions=True)
    assert sum(isinstance(result, Checkpoint) for result in results) == 3
    assert all(isinstance(result, Checkpoint | TooManyRuns | RunsBusyNow) for result in results)
    assert await checkpoints.count_active(user_id) == 3


async def test_a_place_claimed_for_a_run_still_being_written_is_not_given_away(places: RunPlaces, checkpoints: CheckpointStore) -> None:
    """A start claims its place before it writes its checkpoint: meanwhile another start must not take the place."""
    user_id = f"budget-{uuid.uuid4()}"
    budget = RunBudget(max_active=1, max_per_day=100)
    await places.claim(user_id, _new(user_id).run_id, budget)
    with pytest.raises(TooManyRuns):
        await _start(places, checkpoints, user_id, budget)


async def test_a_run_waiting_at_a_gate_holds_its_place_and_an_ended_one_gives_it_back(
    places: RunPlaces, checkpoints: CheckpointStore
) -> None:
    user_id = f"budget-{uuid.uuid4()}"
    budget = RunBudget(max_active=2, max_per_day=100)
    waiting = await _start(places, checkpoints, user_id, budget)
    ended = await _start(places, checkpoints, user_id, budget)
    await checkpoints.update(user_id, waiting.run_id, RunPatch(status=RunStatus.WAITING))
    await checkpoints.update(user_id, ended.run_id, RunPatch(status=RunStatus.COMPLETE))
    await _start(places, checkpoints, user_id, budget)
    with pytest.raises(TooManyRuns):
        await _start(places, checkpoints, user_id, budget)
    # Making the ended run again needs a place too.
    with pytest.raises(TooManyRuns):
        await places.claim(user_id, ended.run_id, budget)
    assert await checkpoints.count_active(user_id) == 2


async def test_a_budget_counts_the_days_starts(places: RunPlaces, checkpoints: CheckpointStore) -> None:
    user_id = f"budget-{uuid.uuid4()}"
    budget = RunBudget(max_active=10, max_per_day=2)
    for _ in range(2):
        run = await _start(places, checkpoints, user_id, budget)
        await checkpoints.update(user_id, run.run_id, RunPatch(status=RunStatus.COMPLETE))
    with pytest.raises(DailyRunLimitReached) as refused:
        await _start(places, checkpoints, user_id, budget)
    assert 0 < refused.value.retry_after_seconds <= 24 * 3600


async def test_a_place_whose_run_was_never_written_comes_back_after_the_grace(aws: AwsClients, settings: GatewaySettings) -> None:
    """A gateway stopped between claiming and writing leaves a place nobody will end: past the grace it is given back."""
    checkpoints = DynamoCheckpointStore(aws.dynamodb, settings.topology.checkpoints.name)
    places = DynamoRunPlaces(aws.dynamodb, settings.topology.budgets.name, checkpoints=checkpoints, uncreated_grace_seconds=0)
    user_id = f"budget-{uuid.uuid4()}"
    budget = RunBudget(max_active=1, max_per_day=100)
    await places.claim(user_id, _new(user_id).run_id, budget)
    await _start(places, checkpoints, user_id, budget)
    assert await checkpoints.count_active(user_id) == 1
