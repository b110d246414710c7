"""The library store, in DynamoDB and as the unit tests' fake: an entry knows the run it was saved from, and a run its entries."""

from __future__ import annotations

import uuid

import pytest

from gateway.settings import GatewaySettings
from shared.adapters.aws import AwsClients
from shared.adapters.dynamodb import DynamoLibraryStore
from shared.domain.assets import AssetKeys
from shared.domain.models import LibraryEntry, Style
from shared.domain.ports import LibraryStore
from shared.domain.run import now_iso
from tests.fakes import InMemoryLibraryStore


@pytest.fixture(params=["dynamodb", "in_memory"])
def library(request: pytest.FixtureRequest, aws: AwsClients, settings: GatewaySettings) -> LibraryStore:
    if request.param == "in_memory":
        return InMemoryLibraryStore()
    return DynamoLibraryStore(aws.dynamodb, settings.topology.library.name)


def entry(user_id: str) -> LibraryEntry:
    entry_id = str(uuid.uuid4())
    return LibraryEntry(
        id=entry_id,
        title="Zoom",
        video_key=AssetKeys.video(user_id, entry_id),
        thumbnail_key=AssetKeys.thumbnail(user_id, entry_id),
        duration_sec=31.5,
        style=Style.STORYBOOK,
        created_at=now_iso(),
    )


async def test_an_entry_knows_its_run_and_a_run_its_entries(library: LibraryStore) -> None:
    user_id, run_id, other_run_id = f"user-{uuid.uuid4()}", str(uuid.uuid4()), str(uuid.uuid4())
    first_look, second_look, other = entry(user_id), entry(user_id), entry(user_id)
    assert await library.add(user_id, first_look, run_id=run_id)
    assert await library.add(user_id, second_look, run_id=run_id)
    assert await library.add(user_id, other, run_id=other_run_id)

    assert await library.run_of(user_id, first_look.id) == run_id
    assert sorted(await library.entries_of_run(user_id, run_id)) == sorted([first_look.id, second_look.id])

    await library.remove(user_id, first_look.id)
    assert await library.run_of(user_id, first_look.id) is None
    assert await library.entries_of_run(user_id, run_id) == [second_look.id]
    assert await library.entries_of_run(f"user-{uuid.uuid4()}", run_id) == []  # another parent's lookup finds none of these
