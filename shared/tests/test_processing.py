import asyncio
import signal
import subprocess
import uuid

import pytest

from shared.domain.errors import StageFailure
from shared.domain.events import DrawingSubmitted, Envelope, EventType, RunMode, Stage, StoryCompleted
from shared.domain.models import Scene, StoryScript
from shared.domain.ports import CheckpointStore, Disposition
from shared.domain.run import Checkpoint, Claim, Expect, RunPatch, RunStatus, StageStatus, stage_finished
from shared.runtime import subprocesses
from shared.runtime.processing import EventProcessor, Outcome, Route

SCRIPT = StoryScript(title="The Kite", scenes=[Scene(number=1, text="A kite flew.")])


def submitted(run: Checkpoint) -> Envelope[DrawingSubmitted]:
    return Envelope.new(
        DrawingSubmitted(drawing_key=run.drawing_key, media_type="image/png"),
        type=EventType.DRAWING_SUBMITTED,
        run_id=run.run_id,
        user_id=run.user_id,
        mode=RunMode.ONE_SHOT,
    )


class CountingHandler:
    def __init__(self, failure: Exception | None = None) -> None:
        self.calls = 0
        self.failure = failure

    async def __call__(self, event: Envelope[DrawingSubmitted], checkpoint: Checkpoint) -> Outcome:
        self.calls += 1
        if self.failure:
            raise self.failure
        return Outcome(
            changes=RunPatch(story_script=SCRIPT),
            events=[event.follow(StoryCompleted(story_script=SCRIPT), type=EventType.STORY_COMPLETED)],
        )


def processor(checkpoints, publisher, handler) -> EventProcessor:
    return EventProcessor(
        checkpoints=checkpoints,
        publisher=publisher,
        routes={EventType.DRAWING_SUBMITTED: Route(DrawingSubmitted, Stage.VISION, handler)},
        max_receive_count=3,
    )


async def test_a_repeated_event_changes_nothing_and_emits_nothing(checkpoints: CheckpointStore, publisher, new_run: Checkpoint) -> None:
    handler = CountingHandler()
    process = processor(checkpoints, publisher, handler)
    event = submitted(new_run)
    assert await process(event, 1) is Disposition.DONE
    assert await process(event, 2) is Disposition.DONE
    assert handler.calls == 1
    assert [published.type for published in publisher.published] == [EventType.STORY_COMPLETED]
    stored = await checkpoints.get(new_run.user_id, new_run.run_id)
    assert stored is not None and stored.story_script == SCRIPT and stored.outbox == {}


async def test_an_event_lost_between_recording_and_publishing_is_published_on_redelivery(
    checkpoints: CheckpointStore, publisher, new_run: Checkpoint
) -> None:
    handler = CountingHandler()
    process = processor(checkpoints, publisher, handler)
    event = submitted(new_run)
    publisher.fail_next = True
    with pytest.raises(ConnectionError):
        await process(event, 1)
    assert publisher.published == []
    await process(event, 2)
    assert handler.calls == 1
    assert len(publisher.published) == 1
    assert publisher.published[0].causation_id == event.id


async def test_a_stage_failure_fails_the_run_with_the_parents_message(checkpoints: CheckpointStore, publisher, new_run: Checkpoint) -> None:
    failure = StageFailure("unreadable_drawing", "We couldn't read this picture.")
    disposition = await processor(checkpoints, publisher, CountingHandler(failure))(submitted(new_run), 1)
    assert disposition is Disposition.DEAD_LETTER
    stored = await checkpoints.get(new_run.user_id, new_run.run_id)
    assert stored is not None
    assert stored.status == RunStatus.FAILED
    assert stored.error is not None and stored.error.message == "We couldn't read this picture."
    assert stored.stages[Stage.VISION].status == StageStatus.FAILED
    assert [event.type for event in publisher.published] == [EventType.RUN_FAILED]


async def test_an_unexpected_error_is_retried_until_the_last_attempt(checkpoints: CheckpointStore, publisher, new_run: Checkpoint) -> None:
    process = processor(checkpoints, publisher, CountingHandler(RuntimeError("boom: internal detail")))
    event = submitted(new_run)
    for attempt in (1, 2):
        with pytest.raises(RuntimeError):
            await process(event, attempt)
    running = await checkpoints.get(new_run.user_id, new_run.run_id)
    assert running is not None and running.stages[Stage.VISION].status == StageStatus.RUNNING
    assert await process(event, 3) is Disposition.DEAD_LETTER
    stored = await checkpoints.get(new_run.user_id, new_run.run_id)
    assert stored is not None and stored.status == RunStatus.FAILED
    assert stored.error is not None and "internal detail" not in stored.error.message
    assert "try again" in stored.error.message


async def test_events_of_a_failed_run_are_not_processed(checkpoints: CheckpointStore, publisher, new_run: Checkpoint) -> None:
    await checkpoints.update(new_run.user_id, new_run.run_id, RunPatch(status=RunStatus.FAILED))
    handler = CountingHandler()
    assert await processor(checkpoints, publisher, handler)(submitted(new_run), 1) is Disposition.DONE
    assert handler.calls == 0


async def test_an_event_for_an_unknown_run_goes_to_the_dead_letter_queue(checkpoints: CheckpointStore, publisher, run_id: str) -> None:
    event = Envelope.new(
        DrawingSubmitted(drawing_key="k", media_type="image/png"),
        type=EventType.DRAWING_SUBMITTED,
        run_id=run_id,
        user_id="u",
        mode=RunMode.ONE_SHOT,
    )
    handler = CountingHandler()
    assert await processor(checkpoints, publisher, handler)(event, 1) is Disposition.DEAD_LETTER
    assert handler.calls == 0


class JoiningHandler:
    """Like the media fan-in: every completion that finds the work done asks for the one follow-up, under a claim."""

    async def __call__(self, event: Envelope[DrawingSubmitted], checkpoint: Checkpoint) -> Outcome:
        return Outcome(
            changes=RunPatch(current_stage=Stage.VIDEO),
            events=[event.follow(StoryCompleted(story_script=SCRIPT), type=EventType.STORY_COMPLETED)],
            claim=Claim(field="video_claim", value="pipeline-1"),
        )


async def test_of_two_events_claiming_one_follow_up_only_the_first_emits_it(
    checkpoints: CheckpointStore, publisher, new_run: Checkpoint
) -> None:
    process = processor(checkpoints, publisher, JoiningHandler())
    first, second = submitted(new_run), submitted(new_run)

    assert await process(first, 1) is Disposition.DONE
    assert await process(second, 1) is Disposition.DONE

    assert [published.causation_id for published in publisher.published] == [first.id]
    stored = await checkpoints.get(new_run.user_id, new_run.run_id)
    assert stored is not None and {first.id, second.id} <= stored.processed_events and stored.outbox == {}


def test_a_route_must_take_the_payload_the_catalogue_names(checkpoints: CheckpointStore, publisher) -> None:
    with pytest.raises(TypeError, match="the catalogue says DrawingSubmitted"):
        EventProcessor(
            checkpoints=checkpoints,
            publisher=publisher,
            # The type checker refuses this route too (its handler takes DrawingSubmitted); the processor refuses it at run time.
            routes={EventType.DRAWING_SUBMITTED: Route(StoryCompleted, Stage.VISION, CountingHandler())},  # pyright: ignore[reportArgumentType]
            max_receive_count=3,
        )


class LatePipelineHandler:
    """Like a media handler that started on pipeline-1 and finishes after the parent asked for pipeline-2."""

    async def __call__(self, event: Envelope[DrawingSubmitted], checkpoint: Checkpoint) -> Outcome:
        return Outcome(
            changes=RunPatch(story_script=SCRIPT),
            events=[event.follow(StoryCompleted(story_script=SCRIPT), type=EventType.STORY_COMPLETED)],
            expect=Expect(pipeline_id="pipeline-1"),
        )


async def test_a_result_of_a_replaced_pipeline_changes_nothing_and_emits_nothing(
    checkpoints: CheckpointStore, publisher, new_run: Checkpoint
) -> None:
    await checkpoints.update(new_run.user_id, new_run.run_id, RunPatch(pipeline_id="pipeline-2"))
    assert await processor(checkpoints, publisher, LatePipelineHandler())(submitted(new_run), 1) is Disposition.DONE
    stored = await checkpoints.get(new_run.user_id, new_run.run_id)
    assert stored is not None and stored.story_script is None and stored.pipeline_id == "pipeline-2"
    assert publisher.published == []


async def test_nothing_a_worker_finishes_brings_a_cancelled_run_back(checkpoints: CheckpointStore, publisher, new_run: Checkpoint) -> None:
    class CancelledMeanwhile:
        async def __call__(self, event: Envelope[DrawingSubmitted], checkpoint: Checkpoint) -> Outcome:
            await checkpoints.update(new_run.user_id, new_run.run_id, RunPatch(status=RunStatus.FAILED))
            return Outcome(changes=RunPatch(status=RunStatus.COMPLETE))

    await processor(checkpoints, publisher, CancelledMeanwhile())(submitted(new_run), 1)
    stored = await checkpoints.get(new_run.user_id, new_run.run_id)
    assert stored is not None and stored.status == RunStatus.FAILED


async def test_a_late_duplicate_delivery_does_not_mark_a_finished_stage_running_again(
    checkpoints: CheckpointStore, publisher, new_run: Checkpoint
) -> None:
    handler = CountingHandler()
    process = processor(checkpoints, publisher, handler)
    first = submitted(new_run)
    await process(first, 1)
    # The same work delivered under another id (as a racing redelivery would look by the time it starts).
    racing = first.model_copy(update={"id": str(uuid.uuid4())})
    await checkpoints.update(new_run.user_id, new_run.run_id, stage_finished(Stage.VISION))
    assert await process(racing, 1) is Disposition.DONE
    assert handler.calls == 1
    stored = await checkpoints.get(new_run.user_id, new_run.run_id)
    assert stored is not None and stored.stages[Stage.VISION].status == StageStatus.DONE


async def test_a_stage_keeps_the_time_its_first_message_started_it(checkpoints: CheckpointStore, publisher, new_run: Checkpoint) -> None:
    # A stage of many messages (a scene's picture each) is started by the first; the others find it running.
    process = processor(checkpoints, publisher, CountingHandler())
    await process(submitted(new_run), 1)
    first = await checkpoints.get(new_run.user_id, new_run.run_id)
    assert first is not None and first.stages[Stage.VISION].status == StageStatus.RUNNING
    await asyncio.sleep(0.01)
    assert await process(submitted(new_run), 1) is Disposition.DONE
    later = await checkpoints.get(new_run.user_id, new_run.run_id)
    assert later is not None and later.stages[Stage.VISION].started_at == first.stages[Stage.VISION].started_at
    assert later.version == first.version + 1  # only the second message's own outcome was written


class HangingHandler:
    """A handler stuck on a child process that never ends (a wedged ffmpeg), waited on from a thread."""

    def __init__(self) -> None:
        self.child: subprocess.Popen[bytes] | None = None

    async def __call__(self, event: Envelope[DrawingSubmitted], checkpoint: Checkpoint) -> Outcome:
        def wait_for_a_child_that_hangs() -> None:
            self.child = subprocesses.popen(["sleep", "600"])
            self.child.wait()

        await asyncio.to_thread(wait_for_a_child_that_hangs)
        return Outcome()


async def test_a_handler_over_its_stage_budget_is_stopped_with_its_processes_and_fails_the_run(
    checkpoints: CheckpointStore, publisher, new_run: Checkpoint
) -> None:
    handler = HangingHandler()
    process = EventProcessor(
        checkpoints=checkpoints,
        publisher=publisher,
        routes={EventType.DRAWING_SUBMITTED: Route(DrawingSubmitted, Stage.VISION, handler)},
        max_receive_count=3,
        stage_budgets={Stage.VISION: 0.5},
    )
    assert await process(submitted(new_run), 1) is Disposition.DEAD_LETTER
    assert handler.child is not None and handler.child.wait(timeout=5) == -signal.SIGKILL
    stored = await checkpoints.get(new_run.user_id, new_run.run_id)
    assert stored is not None and stored.status == RunStatus.FAILED
    assert stored.error is not None and stored.error.code == "stage_timed_out" and "too long" in stored.error.message
    assert [event.type for event in publisher.published] == [EventType.RUN_FAILED]
