"""The run service on the ports' fakes: what a parent may do at each gate, in domain errors."""

from __future__ import annotations

import pytest

from gateway.errors import status_of
from gateway.runs.service import RunService
from gateway.runs.uploads import PreparedDrawing
from shared.domain.errors import (
    DomainError,
    DrawingNotRead,
    InvalidInput,
    NotForChildren,
    PageNotFound,
    RunBusy,
    RunChanged,
    RunFinished,
    RunNotFound,
    StorybookNotFinished,
    StoryNotWritten,
    TooManyRuns,
)
from shared.domain.events import DrawingSubmitted, EventType, PipelineRequested, RunMode, Stage, StoryRequested, parse_envelope
from shared.domain.models import (
    AudioResult,
    DrawingAnalysis,
    GeneratedAudio,
    GeneratedImage,
    ImageResult,
    Scene,
    StoryOptions,
    StoryScript,
    Style,
    Theme,
    VideoResult,
    VoiceType,
)
from shared.domain.run import (
    Checkpoint,
    RunBudget,
    RunPatch,
    RunStatus,
    StageStatus,
    drawing_read,
    gate_reached,
    story_written,
    video_made,
)
from tests.fakes import InMemoryAssetStore, InMemoryCheckpointStore, InMemoryRunPlaces, RecordingPublisher

DRAWING = PreparedDrawing(body=b"png-bytes", media_type="image/png", extension="png")
ANALYSIS = DrawingAnalysis(subject="a red rocket")
OPTIONS = StoryOptions(theme=Theme.ADVENTURE, age=5, voice=VoiceType.CHEERFUL, style=Style.STORYBOOK)
SCRIPT = StoryScript(title="Zoom", scenes=[Scene(number=1, text="Zoom flew up.")])


class Parts:
    def __init__(self, max_running_runs: int = 3, max_per_day: int = 30) -> None:
        self.checkpoints = InMemoryCheckpointStore()
        self.assets = InMemoryAssetStore()
        self.publisher = RecordingPublisher()
        self.runs = RunService(
            checkpoints=self.checkpoints,
            places=InMemoryRunPlaces(self.checkpoints),
            assets=self.assets,
            publisher=self.publisher,
            budget=RunBudget(max_running_runs, max_per_day),
            progress_poll_seconds=0.25,
        )

    async def at_story_gate(self) -> str:
        run = await self.runs.start("u", DRAWING, mode=RunMode.INTERACTIVE)
        await self.checkpoints.update("u", run.run_id, drawing_read(ANALYSIS, f"u/drawings/{run.run_id}_mask.png") | gate_reached())
        return run.run_id


async def test_a_run_starts_with_its_drawing_stored_and_submitted() -> None:
    parts = Parts()
    run = await parts.runs.start("u", DRAWING, mode=RunMode.ONE_SHOT)
    assert parts.assets.objects[run.drawing_key] == (b"png-bytes", "image/png")
    assert run.drawing_key == f"u/drawings/{run.run_id}.png"
    [submitted] = parts.publisher.published
    assert (submitted.type, submitted.run_id, submitted.mode) == (EventType.DRAWING_SUBMITTED, run.run_id, RunMode.ONE_SHOT)
    assert isinstance(submitted.payload, DrawingSubmitted) and submitted.payload.drawing_key == run.drawing_key


async def test_a_parent_with_too_many_runs_being_made_is_asked_to_wait() -> None:
    parts = Parts(max_running_runs=2)
    for _ in range(2):
        await parts.runs.start("u", DRAWING, mode=RunMode.ONE_SHOT)
    with pytest.raises(TooManyRuns) as refused:
        await parts.runs.start("u", DRAWING, mode=RunMode.ONE_SHOT)
    assert (status_of(refused.value), refused.value.retry_after_seconds) == (429, 30)
    assert "2 storybooks" in refused.value.message
    # Another parent is not held back by this one's runs.
    await parts.runs.start("someone-else", DRAWING, mode=RunMode.ONE_SHOT)


async def test_another_parents_run_or_a_made_up_id_is_not_found() -> None:
    parts = Parts()
    run_id = await parts.at_story_gate()
    for user_id, wanted in (("someone-else", run_id), ("u", "not-a-uuid")):
        with pytest.raises(RunNotFound):
            await parts.runs.find(user_id, wanted)


async def test_the_story_gate_opens_only_once_the_drawing_is_read_and_while_nothing_runs() -> None:
    parts = Parts()
    run = await parts.runs.start("u", DRAWING, mode=RunMode.INTERACTIVE)
    await parts.checkpoints.update("u", run.run_id, gate_reached())
    with pytest.raises(DrawingNotRead):
        await parts.runs.request_story("u", run.run_id, analysis=ANALYSIS, options=OPTIONS)
    await parts.checkpoints.update("u", run.run_id, RunPatch(status=RunStatus.RUNNING))
    with pytest.raises(RunBusy):
        await parts.runs.request_story("u", run.run_id, analysis=ANALYSIS, options=OPTIONS)


async def test_the_corrected_analysis_and_the_options_go_to_the_story() -> None:
    parts = Parts()
    run_id = await parts.at_story_gate()
    corrected = ANALYSIS.model_copy(update={"subject": "a red rocket named Zoom"})
    accepted = await parts.runs.request_story("u", run_id, analysis=corrected, options=OPTIONS)
    assert (accepted.status, accepted.current_stage) == (RunStatus.RUNNING, Stage.STORY)
    stored = await parts.checkpoints.get("u", run_id)
    assert stored is not None and stored.drawing_analysis == corrected and stored.options == OPTIONS
    assert stored.stages[Stage.STORY].status == StageStatus.PENDING
    requested = parts.publisher.published[-1]
    assert requested.type == EventType.STORY_REQUESTED
    assert requested.payload == StoryRequested(drawing_analysis=corrected, options=OPTIONS)


class AnotherWindow(InMemoryCheckpointStore):
    """Between a request's read of the run and its write, the parent's other window changes the run once."""

    def __init__(self) -> None:
        super().__init__()
        self.races = 0

    async def get(self, user_id: str, run_id: str) -> Checkpoint | None:
        seen = await super().get(user_id, run_id)
        if self.races:
            self.races -= 1
            await super().update(user_id, run_id, RunPatch(error=None))
        return seen


async def test_a_decision_made_on_a_run_that_changed_meanwhile_is_refused() -> None:
    parts = Parts()
    parts.checkpoints = checkpoints = AnotherWindow()
    parts.runs = RunService(
        checkpoints=checkpoints,
        places=InMemoryRunPlaces(checkpoints),
        assets=parts.assets,
        publisher=parts.publisher,
        budget=RunBudget(3, 30),
        progress_poll_seconds=0.25,
    )
    run_id = await parts.at_story_gate()
    published = len(parts.publisher.published)
    checkpoints.races = 1
    with pytest.raises(RunChanged) as refused:
        await parts.runs.request_story("u", run_id, analysis=ANALYSIS, options=OPTIONS)
    assert status_of(refused.value) == 409
    assert len(parts.publisher.published) == published


async def test_the_pipeline_gate_needs_a_written_story_and_takes_the_new_look() -> None:
    parts = Parts()
    run_id = await parts.at_story_gate()
    with pytest.raises(StoryNotWritten):
        await parts.runs.request_pipeline("u", run_id, script=SCRIPT, analysis=ANALYSIS, style=Style.ANIME, voice=VoiceType.WISE)
    await parts.checkpoints.update("u", run_id, story_written(SCRIPT, OPTIONS) | gate_reached())
    await parts.runs.request_pipeline("u", run_id, script=SCRIPT, analysis=ANALYSIS, style=Style.ANIME, voice=VoiceType.WISE)
    requested = parts.publisher.published[-1]
    assert isinstance(requested.payload, PipelineRequested)
    assert (requested.payload.options.style, requested.payload.options.voice) == (Style.ANIME, VoiceType.WISE)
    assert requested.payload.options.theme == OPTIONS.theme


async def finished(parts: Parts) -> str:
    """A run whose storybook is made: two pages, their pictures and narration, the video."""
    run_id = await parts.at_story_gate()
    script = StoryScript(title="Zoom", scenes=[Scene(number=1, text="Zoom flew up."), Scene(number=2, text="Zoom came home.")])
    images = ImageResult(
        style=Style.STORYBOOK, images=[GeneratedImage(scene_number=n, key=f"u/images/{run_id}_scene_{n}.png") for n in (1, 2)]
    )
    clips = [GeneratedAudio(scene_number=n, key=f"u/audio/{run_id}_scene_{n}.mp3", duration_sec=3.0) for n in (1, 2)]
    video = VideoResult(video_key=f"u/videos/{run_id}_final.mp4", duration_sec=11.0, thumbnail_key=f"u/videos/{run_id}_thumb.jpg")
    done = RunPatch(image_result=images, audio_result=AudioResult(voice=VoiceType.CHEERFUL, clips=clips))
    await parts.checkpoints.update("u", run_id, story_written(script, OPTIONS) | done | video_made(video, "p1"))
    return run_id


async def test_a_redo_asks_for_one_page_again_with_the_parent_s_words_and_the_rest_kept() -> None:
    parts = Parts()
    run_id = await finished(parts)
    run = await parts.runs.redo_scene("u", run_id, 2, picture=True, text="  Zoom   came home, happy. ")
    assert run.status == RunStatus.RUNNING
    requested = parts.publisher.published[-1]
    assert isinstance(requested.payload, PipelineRequested) and requested.payload.redo is not None
    redo = requested.payload.redo
    assert (redo.scene_number, redo.picture, redo.narration) == (2, True, True)
    assert [scene.text for scene in requested.payload.story_script.scenes] == ["Zoom flew up.", "Zoom came home, happy."]
    assert [image.key for image in redo.images.images] == [f"u/images/{run_id}_scene_{n}.png" for n in (1, 2)]
    await parts.checkpoints.update("u", run_id, RunPatch(status=RunStatus.COMPLETE))
    with pytest.raises(InvalidInput, match="already the page's words"):  # spaced differently, the words are the same
        await parts.runs.redo_scene("u", run_id, 1, picture=False, text=" Zoom  flew up. ")


async def test_a_redo_is_refused_before_anything_is_made_where_it_cannot_be_done() -> None:
    parts = Parts()
    run_id = await parts.at_story_gate()
    with pytest.raises(StorybookNotFinished):
        await parts.runs.redo_scene("u", run_id, 1, picture=True, text=None)
    run_id = await finished(parts)
    with pytest.raises(PageNotFound, match="no page 3: its pages are 1 to 2"):
        await parts.runs.redo_scene("u", run_id, 3, picture=True, text=None)
    with pytest.raises(NotForChildren):
        await parts.runs.redo_scene("u", run_id, 1, picture=False, text="Zoom saw a gun.")
    with pytest.raises(InvalidInput, match="Change them, or ask for a new picture"):
        await parts.runs.redo_scene("u", run_id, 1, picture=False, text=None)
    published = len(parts.publisher.published)
    await parts.checkpoints.update("u", run_id, RunPatch(status=RunStatus.RUNNING))
    with pytest.raises(RunBusy):
        await parts.runs.redo_scene("u", run_id, 1, picture=True, text=None)
    assert len(parts.publisher.published) == published  # nothing was asked for


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (RunNotFound(), 404),
        (RunBusy(), 409),
        (DrawingNotRead(), 409),
        (StoryNotWritten(), 409),
        (RunChanged(), 409),
        (TooManyRuns(3), 429),
        (PageNotFound(3, 2), 404),
        (StorybookNotFinished(), 409),
    ],
)
def test_each_domain_error_has_one_answer(error: DomainError, status: int) -> None:
    assert status_of(error) == status


async def test_a_cancelled_run_is_failed_frees_its_place_and_stays_cancelled() -> None:
    parts = Parts(max_running_runs=1)
    run_id = await parts.at_story_gate()
    with pytest.raises(TooManyRuns):
        await parts.runs.start("u", DRAWING, mode=RunMode.ONE_SHOT)
    cancelled = await parts.runs.cancel("u", run_id)
    assert cancelled.status == RunStatus.FAILED and cancelled.error is not None and cancelled.error.code == "cancelled"
    assert (await parts.runs.cancel("u", run_id)).status == RunStatus.FAILED
    await parts.runs.start("u", DRAWING, mode=RunMode.ONE_SHOT)


async def test_a_finished_run_cannot_be_cancelled() -> None:
    parts = Parts()
    run_id = await parts.at_story_gate()
    await parts.checkpoints.update("u", run_id, RunPatch(status=RunStatus.COMPLETE))
    with pytest.raises(RunFinished):
        await parts.runs.cancel("u", run_id)


async def test_a_decision_stays_in_the_outbox_until_published_and_the_parent_is_answered_anyway() -> None:
    parts = Parts()
    run_id = await parts.at_story_gate()
    parts.publisher.fail_next = True
    await parts.runs.request_story("u", run_id, analysis=ANALYSIS, options=OPTIONS)
    stored = await parts.checkpoints.get("u", run_id)
    assert stored is not None and stored.status == RunStatus.RUNNING
    [(_, [body])] = stored.outbox.items()
    assert parse_envelope(body).type == EventType.STORY_REQUESTED
