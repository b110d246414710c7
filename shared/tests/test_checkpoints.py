import uuid
from typing import Any

import pytest

from gateway.settings import GatewaySettings
from shared.adapters.aws import AwsClients
from shared.adapters.dynamodb import DynamoCheckpointStore, to_attribute
from shared.domain.costs import Usage
from shared.domain.events import Envelope, EventType, RunFailed, RunMode, Stage, parse_envelope
from shared.domain.models import DrawingAnalysis, GeneratedAudio, SpokenSentence, SpokenWord, VideoResult
from shared.domain.ports import CheckpointStore, RecordResult, RunAlreadyExists
from shared.domain.run import (
    Checkpoint,
    Claim,
    RunPatch,
    RunStatus,
    SceneNarration,
    StagePatch,
    StageStatus,
    scene_narrated,
    stage_finished,
    video_made,
)


async def test_a_run_is_created_once(checkpoints: CheckpointStore, new_run: Checkpoint) -> None:
    with pytest.raises(RunAlreadyExists):
        await checkpoints.create(new_run)
    stored = await checkpoints.get("user-a", new_run.run_id)
    assert stored is not None
    assert stored.stages[Stage.VISION].status == StageStatus.PENDING
    assert stored.ttl > 0


async def test_runs_are_keyed_by_their_owner(checkpoints: CheckpointStore, new_run: Checkpoint) -> None:
    assert await checkpoints.get("user-b", new_run.run_id) is None


async def test_an_update_touches_only_its_fields(checkpoints: CheckpointStore, new_run: Checkpoint) -> None:
    analysis = DrawingAnalysis(subject="a smiling figure", colors=["sky blue"])
    assert await checkpoints.update("user-a", new_run.run_id, RunPatch(drawing_analysis=analysis))
    vision_done = RunPatch(stages={Stage.VISION: StagePatch(status=StageStatus.DONE)}, current_stage=Stage.STORY)
    assert await checkpoints.update("user-a", new_run.run_id, vision_done)
    stored = await checkpoints.get("user-a", new_run.run_id)
    assert stored is not None
    assert stored.drawing_analysis == analysis
    assert stored.stages[Stage.VISION].status == StageStatus.DONE
    assert stored.stages[Stage.STORY].status == StageStatus.PENDING
    assert stored.drawing_key == new_run.drawing_key
    assert stored.version == 2


async def test_scenes_recorded_one_by_one_are_each_kept_once(checkpoints: CheckpointStore, new_run: Checkpoint) -> None:
    def narration(number: int) -> SceneNarration:
        return SceneNarration(clip=GeneratedAudio(scene_number=number, key=f"u/audio/r_scene_{number}.mp3", duration_sec=number))

    await checkpoints.update("user-a", new_run.run_id, RunPatch(narrations={"3": narration(3)}))  # a redo keeps scene 3's
    kept = await checkpoints.get("user-a", new_run.run_id)
    assert kept is not None and kept.narrations == {"3": narration(3)}
    await checkpoints.update("user-a", new_run.run_id, RunPatch(narrations={}))  # a new pipeline starts afresh
    for number, event_id in ((2, "scene-2"), (1, "scene-1"), (2, "scene-2")):
        await checkpoints.record("user-a", new_run.run_id, event_id=event_id, changes=scene_narrated(narration(number)), outbox=[])
    stored = await checkpoints.get("user-a", new_run.run_id)
    assert stored is not None and stored.narrations == {"1": narration(1), "2": narration(2)}
    assert stored.pictures == {} and stored.version == 4  # the repeated delivery wrote nothing


async def test_an_update_of_a_missing_run_creates_nothing(checkpoints: CheckpointStore, run_id: str) -> None:
    assert not await checkpoints.update("user-a", run_id, RunPatch(current_stage=Stage.STORY))
    assert await checkpoints.get("user-a", run_id) is None


async def test_an_optimistic_update_loses_to_a_newer_version(checkpoints: CheckpointStore, new_run: Checkpoint) -> None:
    assert await checkpoints.update("user-a", new_run.run_id, RunPatch(current_stage=Stage.STORY), expected_version=0)
    assert not await checkpoints.update("user-a", new_run.run_id, RunPatch(current_stage=Stage.IMAGES), expected_version=0)


async def test_an_event_is_recorded_once_with_its_outbox(checkpoints: CheckpointStore, new_run: Checkpoint) -> None:
    follow = Envelope.new(
        RunFailed(stage=Stage.VISION, code="x", message="m"),
        type=EventType.RUN_FAILED,
        run_id=new_run.run_id,
        user_id="user-a",
        mode=RunMode.ONE_SHOT,
    )
    first = await checkpoints.record(
        "user-a", new_run.run_id, event_id="event-1", changes=RunPatch(current_stage=Stage.STORY), outbox=[follow]
    )
    again = await checkpoints.record(
        "user-a", new_run.run_id, event_id="event-1", changes=RunPatch(current_stage=Stage.IMAGES), outbox=[follow]
    )
    assert (first, again) == (RecordResult.APPLIED, RecordResult.DUPLICATE)
    stored = await checkpoints.get("user-a", new_run.run_id)
    assert stored is not None
    assert stored.current_stage == "story"
    assert stored.processed_events == {"event-1"}
    assert [parse_envelope(body) for body in stored.outbox["event-1"]] == [follow]
    await checkpoints.clear_outbox("user-a", new_run.run_id, "event-1")
    cleared = await checkpoints.get("user-a", new_run.run_id)
    assert cleared is not None and cleared.outbox == {}


async def test_a_claim_is_won_once(checkpoints: CheckpointStore, new_run: Checkpoint) -> None:
    claim = Claim(field="video_claim", value="pipeline-1")
    first = await checkpoints.record("user-a", new_run.run_id, event_id="images-done", changes=RunPatch(), outbox=[], claim=claim)
    second = await checkpoints.record("user-a", new_run.run_id, event_id="voice-done", changes=RunPatch(), outbox=[], claim=claim)
    assert (first, second) == (RecordResult.APPLIED, RecordResult.CLAIM_LOST)
    next_pipeline = await checkpoints.record(
        "user-a",
        new_run.run_id,
        event_id="images-done-2",
        changes=RunPatch(),
        outbox=[],
        claim=Claim(field="video_claim", value="pipeline-2"),
    )
    assert next_pipeline == RecordResult.APPLIED


async def test_recording_for_a_missing_run_says_so(checkpoints: CheckpointStore, run_id: str) -> None:
    assert await checkpoints.record("user-a", run_id, event_id="e", changes=RunPatch(), outbox=[]) == RecordResult.MISSING


def _new(user_id: str) -> Checkpoint:
    run_id = str(uuid.uuid4())
    return Checkpoint(
        user_id=user_id, run_id=run_id, mode=RunMode.ONE_SHOT, drawing_key=f"{user_id}/drawings/{run_id}.png", media_type="image/png"
    )


async def test_an_outbox_is_written_with_the_run(checkpoints: CheckpointStore) -> None:
    run = _new(f"outbox-{uuid.uuid4()}")
    event = Envelope.new(
        RunFailed(stage=Stage.VISION, code="x", message="m"),
        type=EventType.RUN_FAILED,
        run_id=run.run_id,
        user_id=run.user_id,
        mode=run.mode,
    )
    await checkpoints.create(run, outbox=[event])
    stored = await checkpoints.get(run.user_id, run.run_id)
    assert stored is not None and [parse_envelope(body) for body in stored.outbox[event.id]] == [event]
    later = Envelope.new(
        RunFailed(stage=Stage.STORY, code="y", message="n"),
        type=EventType.RUN_FAILED,
        run_id=run.run_id,
        user_id=run.user_id,
        mode=run.mode,
    )
    assert await checkpoints.update(run.user_id, run.run_id, RunPatch(status=RunStatus.WAITING), outbox=[later])
    stored = await checkpoints.get(run.user_id, run.run_id)
    assert stored is not None and set(stored.outbox) == {event.id, later.id}


@pytest.mark.parametrize("status", [RunStatus.COMPLETE, RunStatus.FAILED])
async def test_a_run_that_has_ended_is_deleted(checkpoints: CheckpointStore, new_run: Checkpoint, status: RunStatus) -> None:
    assert await checkpoints.update("user-a", new_run.run_id, RunPatch(status=status))
    assert await checkpoints.delete_ended("user-a", new_run.run_id)
    assert await checkpoints.get("user-a", new_run.run_id) is None
    assert await checkpoints.delete_ended("user-a", new_run.run_id)  # already gone is gone


@pytest.mark.parametrize("status", [RunStatus.RUNNING, RunStatus.WAITING])
async def test_a_run_being_made_or_waiting_at_a_gate_is_not_deleted(
    checkpoints: CheckpointStore, new_run: Checkpoint, status: RunStatus
) -> None:
    assert await checkpoints.update("user-a", new_run.run_id, RunPatch(status=status))
    assert not await checkpoints.delete_ended("user-a", new_run.run_id)
    assert await checkpoints.get("user-a", new_run.run_id) is not None


class RecordingDynamoDB:
    """Keeps the update requests the store sends, answering each as DynamoDB would on success."""

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []

    async def update_item(self, **request: Any) -> dict[str, Any]:
        self.updates.append(request)
        return {}


def set_paths(request: dict[str, Any]) -> list[str]:
    """The attribute paths of an update's SET clause, in the order they are written."""
    names = request["ExpressionAttributeNames"]
    clause = request["UpdateExpression"].removeprefix("SET ").split(" ADD ")[0]
    return [".".join(names[part] for part in action.split(" = ")[0].split(".")) for action in clause.split(", ")]


async def test_what_readers_wait_on_is_written_after_what_they_read() -> None:
    dynamodb = RecordingDynamoDB()
    store = DynamoCheckpointStore(dynamodb, "runs")
    video = VideoResult(video_key="u/videos/r_final.mp4", duration_sec=31.5, thumbnail_key="u/videos/r_thumb.jpg")
    assert await store.update("user-a", "run-1", video_made(video, "pipeline-1"))
    paths = set_paths(dynamodb.updates[0])
    # A reader that sees the run complete (or the stage finished) sees the video too, even on a store that
    # writes an update one action at a time.
    assert paths.index("video_result") < paths.index("stages.video.finished_at") < paths.index("status")
    assert paths.index("stages.video.status") < paths.index("status")
    assert set(paths[-3:-1]) == {"status", "current_stage"} and paths[-1] == "updated_at"


async def test_documents_are_kept_as_text_and_read_back_whole(aws: AwsClients, settings: GatewaySettings, run_id: str) -> None:
    store, table = DynamoCheckpointStore(aws.dynamodb, settings.topology.checkpoints.name), settings.topology.checkpoints.name
    run = Checkpoint(user_id="user-a", run_id=run_id, mode=RunMode.ONE_SHOT, drawing_key="user-a/drawings/r.png", media_type="image/png")
    await store.create(run)
    spoken = [SpokenSentence(text="Hi.", start_sec=0.0, end_sec=0.5, words=[SpokenWord(text="Hi.", start_sec=0.0, end_sec=0.4)])]
    clip = GeneratedAudio(scene_number=1, key="user-a/audio/r_scene_1.mp3", duration_sec=1.5, sentences=spoken)
    analysis = DrawingAnalysis(subject="a smiling figure", colors=["sky blue"])
    usage = Usage(model="amazon.nova-lite-v1:0", requests=1, input_tokens=137, output_tokens=64, usd=0.000024)
    looked = stage_finished(Stage.VISION, usage=usage)
    assert await store.update("user-a", run_id, RunPatch(drawing_analysis=analysis) | scene_narrated(SceneNarration(clip=clip)) | looked)
    key = {"user_id": {"S": "user-a"}, "run_id": {"S": run_id}}
    item = (await aws.dynamodb.get_item(TableName=table, Key=key))["Item"]
    assert set(item["drawing_analysis"]) == {"S"} and set(item["narrations"]["M"]["1"]) == {"S"}
    assert set(item["stages"]["M"]["vision"]["M"]["usage"]) == {"S"}
    stored = await store.get("user-a", run_id)
    assert stored is not None and stored.drawing_analysis == analysis and stored.narrations["1"].clip == clip
    assert stored.stages[Stage.VISION].usage == usage
    # A run written before documents were kept as text (typed maps) reads the same.
    vision = item["stages"]["M"]["vision"]["M"]
    stages = {"M": {**item["stages"]["M"], "vision": {"M": {**vision, "usage": to_attribute(usage)}}}}
    older = {
        **item,
        "drawing_analysis": to_attribute(analysis),
        "narrations": {"M": {"1": to_attribute(SceneNarration(clip=clip))}},
        "stages": stages,
    }
    await aws.dynamodb.put_item(TableName=table, Item=older)
    assert await store.get("user-a", run_id) == stored
