"""Deleting a storybook and deleting an account, on the ports' fakes: what goes, what stays, and a failure that a retry finishes."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from gateway.account.service import AccountService
from gateway.app import create_app
from gateway.auth.verifier import Caller
from gateway.library.service import EntryNotFound, LibraryService
from gateway.settings import GatewaySettings
from shared.domain.assets import AssetKeys, Retention
from shared.domain.errors import DeleteIncomplete
from shared.domain.events import RunMode
from shared.domain.models import LibraryEntry, Scene, StoryOptions, StoryScript, Style, Theme, VideoResult, VoiceType
from shared.domain.run import Checkpoint, RunBudget, RunPatch, RunStatus
from tests.fakes import (
    InMemoryAssetStore,
    InMemoryCheckpointStore,
    InMemoryLibraryStore,
    InMemoryRunPlaces,
    InMemoryShareStore,
    InMemoryUserAccounts,
    InMemoryUserRows,
)

ME, SOMEONE_ELSE = "user-me", "user-someone-else"
OPTIONS = StoryOptions(theme=Theme.ADVENTURE, age=5, voice=VoiceType.CHEERFUL, style=Style.STORYBOOK)


def run_files(user_id: str, run_id: str) -> list[str]:
    """Every kind of file a finished run has: drawing, figure mask, pictures, narration, video, thumbnail, captions."""
    return [
        AssetKeys.drawing(user_id, run_id, "png"),
        AssetKeys.figure_mask(user_id, run_id),
        *(AssetKeys.scene_image(user_id, run_id, number) for number in (1, 2)),
        *(AssetKeys.scene_audio(user_id, run_id, number) for number in (1, 2)),
        AssetKeys.video(user_id, run_id),
        AssetKeys.thumbnail(user_id, run_id),
        AssetKeys.captions(user_id, run_id),
    ]


class Parts:
    def __init__(self) -> None:
        self.checkpoints = InMemoryCheckpointStore()
        self.library = InMemoryLibraryStore()
        self.assets = InMemoryAssetStore()
        self.places = InMemoryRunPlaces(self.checkpoints)
        self.accounts = InMemoryUserAccounts(ME, SOMEONE_ELSE)
        self.shares = InMemoryShareStore()
        self.user_rows = InMemoryUserRows(self.checkpoints, self.library, self.places, self.shares)
        self.service = LibraryService(checkpoints=self.checkpoints, library=self.library, shares=self.shares, assets=self.assets)
        self.account = AccountService(assets=self.assets, user_rows=self.user_rows, user_accounts=self.accounts)

    async def finished_run(self, user_id: str = ME) -> str:
        run_id = str(uuid.uuid4())
        for key in run_files(user_id, run_id):
            await self.assets.put(key, b"bytes", "application/octet-stream", retention=Retention.RUN)
        video = VideoResult(
            video_key=AssetKeys.video(user_id, run_id),
            thumbnail_key=AssetKeys.thumbnail(user_id, run_id),
            captions_key=AssetKeys.captions(user_id, run_id),
            duration_sec=30,
        )
        await self.checkpoints.create(
            Checkpoint(
                user_id=user_id,
                run_id=run_id,
                mode=RunMode.ONE_SHOT,
                status=RunStatus.COMPLETE,
                drawing_key=AssetKeys.drawing(user_id, run_id, "png"),
                media_type="image/png",
                options=OPTIONS,
                story_script=StoryScript(title="Zoom", scenes=[Scene(number=1, text="Zoom flew up.")]),
                video_result=video,
                pipeline_id="look-1",
            )
        )
        return run_id

    async def saved(self, run_id: str, user_id: str = ME) -> LibraryEntry:
        entry, created = await self.service.save_run(user_id, run_id)
        assert created
        return entry

    async def saved_run(self) -> tuple[str, LibraryEntry]:
        run_id = await self.finished_run()
        return run_id, await self.saved(run_id)

    def keys_of(self, user_id: str) -> set[str]:
        return {key for key in self.assets.objects if key.startswith(AssetKeys.user_prefix(user_id))}


async def test_deleting_a_run_s_only_entry_deletes_the_run_and_every_file_of_it() -> None:
    parts = Parts()
    run_id, other_run_id = await parts.finished_run(), await parts.finished_run()
    entry = await parts.saved(run_id)
    assert entry.captions_key in parts.keys_of(ME)
    kept = parts.keys_of(ME) - set(run_files(ME, run_id)) - {entry.video_key, entry.thumbnail_key, entry.captions_key}

    await parts.service.delete_entry(ME, entry.id)

    assert parts.keys_of(ME) == kept == set(run_files(ME, other_run_id))
    assert await parts.checkpoints.get(ME, run_id) is None
    assert await parts.checkpoints.get(ME, other_run_id) is not None
    assert await parts.library.get(ME, entry.id) is None


async def test_a_run_with_another_saved_look_keeps_its_files_and_checkpoint() -> None:
    parts = Parts()
    run_id = await parts.finished_run()
    first_look = await parts.saved(run_id)
    assert await parts.checkpoints.update(ME, run_id, RunPatch(pipeline_id="look-2"))
    second_look = await parts.saved(run_id)

    await parts.service.delete_entry(ME, first_look.id)

    assert not {first_look.video_key, first_look.thumbnail_key, first_look.captions_key} & parts.keys_of(ME)
    assert set(run_files(ME, run_id)) | {second_look.video_key, second_look.thumbnail_key, second_look.captions_key} == parts.keys_of(ME)
    assert await parts.checkpoints.get(ME, run_id) is not None

    await parts.service.delete_entry(ME, second_look.id)  # the run's last entry: now the run goes too
    assert parts.keys_of(ME) == set()
    assert await parts.checkpoints.get(ME, run_id) is None


@pytest.mark.parametrize("status", [RunStatus.RUNNING, RunStatus.WAITING])
async def test_a_run_the_parent_is_still_making_keeps_its_files(status: RunStatus) -> None:
    parts = Parts()
    run_id, entry = await parts.saved_run()
    assert await parts.checkpoints.update(ME, run_id, RunPatch(status=status))  # a new look of it, being made or at a gate

    await parts.service.delete_entry(ME, entry.id)

    assert parts.keys_of(ME) == set(run_files(ME, run_id))
    assert await parts.checkpoints.get(ME, run_id) is not None
    assert await parts.library.get(ME, entry.id) is None


async def test_a_run_whose_checkpoint_expired_still_has_its_files_deleted() -> None:
    parts = Parts()
    run_id, entry = await parts.saved_run()
    del parts.checkpoints.runs[(ME, run_id)]

    await parts.service.delete_entry(ME, entry.id)

    assert parts.keys_of(ME) == set()


async def test_a_delete_that_fails_keeps_the_entry_and_asking_again_finishes_it() -> None:
    parts = Parts()
    run_id, entry = await parts.saved_run()
    stubborn = AssetKeys.scene_image(ME, run_id, 2)
    parts.assets.undeletable = {entry.video_key, stubborn}

    with pytest.raises(DeleteIncomplete):
        await parts.service.delete_entry(ME, entry.id)
    assert await parts.library.get(ME, entry.id) == entry
    assert await parts.checkpoints.get(ME, run_id) is not None  # nothing of the run was touched yet

    parts.assets.undeletable = {stubborn}
    with pytest.raises(DeleteIncomplete):
        await parts.service.delete_entry(ME, entry.id)
    assert await parts.library.get(ME, entry.id) == entry
    assert stubborn in parts.keys_of(ME) and not {entry.video_key, entry.thumbnail_key} & parts.keys_of(ME)

    parts.assets.undeletable = set()
    await parts.service.delete_entry(ME, entry.id)
    assert parts.keys_of(ME) == set()
    assert await parts.library.get(ME, entry.id) is None
    with pytest.raises(EntryNotFound):
        await parts.service.delete_entry(ME, entry.id)


async def test_another_parent_s_entry_is_not_found() -> None:
    parts = Parts()
    entry = await parts.saved(await parts.finished_run())
    with pytest.raises(EntryNotFound):
        await parts.service.delete_entry(SOMEONE_ELSE, entry.id)
    assert await parts.library.get(ME, entry.id) == entry


async def test_deleting_an_account_deletes_every_file_row_and_the_sign_in_and_nothing_of_anyone_else() -> None:
    parts = Parts()
    await parts.saved(await parts.finished_run())
    await parts.finished_run()
    await parts.places.claim(ME, "a-run", RunBudget(max_active=3, max_per_day=30))
    theirs = await parts.saved(await parts.finished_run(SOMEONE_ELSE), SOMEONE_ELSE)
    their_files = parts.keys_of(SOMEONE_ELSE)

    await parts.account.delete(ME, ME)

    assert parts.keys_of(ME) == set()
    assert [key for key in parts.checkpoints.runs if key[0] == ME] == []
    assert [key for key in parts.library.entries if key[0] == ME] == []
    assert [key for key in parts.places.started if key[0] == ME] == []
    assert parts.accounts.usernames == {SOMEONE_ELSE}
    assert parts.keys_of(SOMEONE_ELSE) == their_files
    assert await parts.library.get(SOMEONE_ELSE, theirs.id) == theirs


async def test_an_account_delete_that_fails_keeps_the_sign_in_so_it_can_be_asked_again() -> None:
    parts = Parts()
    run_id = await parts.finished_run()
    parts.assets.undeletable = {AssetKeys.video(ME, run_id)}
    with pytest.raises(DeleteIncomplete):
        await parts.account.delete(ME, ME)
    assert ME in parts.accounts.usernames
    assert await parts.checkpoints.get(ME, run_id) is not None

    parts.assets.undeletable = set()
    parts.user_rows.fail_next = True
    with pytest.raises(DeleteIncomplete):
        await parts.account.delete(ME, ME)
    assert ME in parts.accounts.usernames

    await parts.account.delete(ME, ME)
    assert ME not in parts.accounts.usernames
    assert parts.keys_of(ME) == set() and await parts.checkpoints.get(ME, run_id) is None


def test_an_unfinished_delete_answers_503_in_the_one_error_shape_and_a_finished_one_204() -> None:
    parts = Parts()
    # No lifespan: the services are the fakes', the caller is given.
    app = create_app(GatewaySettings(cognito_user_pool_id="us-east-1_test", cognito_client_id="client"))
    app.state.account = parts.account
    app.state.verifier = AnyTokenIsMine()
    client = TestClient(app, raise_server_exceptions=False, headers={"Authorization": "Bearer my-token"})
    parts.user_rows.fail_next = True

    refused = client.delete("/api/v1/account")

    assert (refused.status_code, refused.headers["retry-after"]) == (503, "30")
    error = refused.json()["error"]
    assert error["code"] == "delete_incomplete" and "try again" in error["message"]
    assert "rows" not in error["message"]  # what was left is for the logs, not the parent
    assert client.delete("/api/v1/account").status_code == 204
    assert ME not in parts.accounts.usernames


class AnyTokenIsMine:
    """The token verifier, for a test about what comes after sign-in."""

    async def verify(self, token: str) -> Caller:
        return Caller(user_id=ME, username=ME)
