"""The run: its checkpoint (what every stage reads) and the transitions that move it on.

A transition is a function that returns a `RunPatch`: the fields it sets,
typed, so a misspelt field fails where the patch is built rather than being
dropped when the checkpoint is read back. Only the checkpoint store's adapter
turns a patch into a write; handlers and the gateway speak in transitions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum, StrEnum
from typing import Any, Final, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.costs import Usage
from shared.domain.events import RunMode, Stage
from shared.domain.models import (
    AudioResult,
    DrawingAnalysis,
    GeneratedAudio,
    GeneratedImage,
    ImageResult,
    OptionChoices,
    PageVideo,
    StoryOptions,
    StoryScript,
    VideoResult,
)

COMPLETE: Final = "complete"
# Where a run is: at one of its stages, or past the last one.
CurrentStage = Stage | Literal["complete"]


class StageStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class RunStatus(StrEnum):
    RUNNING = "running"
    WAITING = "waiting"  # for the parent, at a gate of an interactive run
    COMPLETE = "complete"
    FAILED = "failed"


# How long each stage may take, at most, before it is stopped and its run failed (a hung handler, a stuck process):
# several times what it takes on a loaded 2-core machine, so only something wrong reaches it.
STAGE_BUDGET_SECONDS: dict[Stage, int] = {Stage.VISION: 120, Stage.STORY: 120, Stage.IMAGES: 600, Stage.VOICE: 600, Stage.VIDEO: 900}


# A run that takes up a place in its parent's budget: being worked on, or waiting for the parent.
ACTIVE_STATUSES = (RunStatus.RUNNING, RunStatus.WAITING)


@dataclass(frozen=True)
class RunBudget:
    """How much one parent may have on the go: runs active at once, and runs started (or restarted) per day."""

    max_active: int
    max_per_day: int


class StageState(BaseModel):
    status: StageStatus = StageStatus.PENDING
    # Which pipeline (the pipeline.requested event id) a media stage's state belongs to.
    attempt: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    # What the stage asked of paid models (none for the offline providers).
    usage: Usage | None = None


class RunError(BaseModel):
    stage: Stage
    code: str
    message: str


class ScenePicture(BaseModel):
    """One scene's picture as its worker left it on the checkpoint, with what a paid model was asked for it."""

    image: GeneratedImage
    usage: Usage | None = None


class SceneNarration(BaseModel):
    clip: GeneratedAudio
    usage: Usage | None = None


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class Checkpoint(BaseModel):
    # Attributes this version does not know are ignored, so a newer writer (mid-deployment) never breaks an older reader;
    # writes cannot misspell one, as every write is a RunPatch.
    model_config = ConfigDict(extra="ignore")

    user_id: str
    run_id: str
    mode: RunMode
    status: RunStatus = RunStatus.RUNNING
    current_stage: CurrentStage = Stage.VISION
    stages: dict[Stage, StageState] = Field(default_factory=lambda: {stage: StageState() for stage in Stage})
    drawing_key: str
    media_type: str
    figure_mask_key: str | None = None
    choices: OptionChoices = Field(default_factory=OptionChoices)
    options: StoryOptions | None = None
    drawing_analysis: DrawingAnalysis | None = None
    story_script: StoryScript | None = None
    # What the parent is told about how the story was written, e.g. why their personal context was left out.
    story_notes: list[str] = Field(default_factory=list[str])
    pipeline_id: str | None = None
    # The current pipeline's pages so far, by scene number (as text: a DynamoDB map's keys). Each scene's worker adds
    # its own entry; the fan-in counts them, so a scene delivered twice is still one entry.
    pictures: dict[str, ScenePicture] = Field(default_factory=dict[str, ScenePicture])
    narrations: dict[str, SceneNarration] = Field(default_factory=dict[str, SceneNarration])
    page_videos: dict[str, PageVideo] = Field(default_factory=dict[str, PageVideo])
    # "<pipeline id>:<n>": the current pipeline's first n pages are asked for (see Claim.pages).
    pages_claim: str | None = None
    video_claim: str | None = None
    image_result: ImageResult | None = None
    audio_result: AudioResult | None = None
    video_result: VideoResult | None = None
    error: RunError | None = None
    created_at: str = Field(default_factory=now_iso)
    updated_at: str = Field(default_factory=now_iso)
    ttl: int = 0
    version: int = 0
    processed_events: set[str] = Field(default_factory=set[str])
    outbox: dict[str, list[str]] = Field(default_factory=dict[str, list[str]])
    # The run's trace (W3C traceparent of the gateway's span that started it): later decisions and sweeps join it.
    trace_parent: str | None = None

    def stage_done(self, stage: Stage, attempt: str | None = None) -> bool:
        """Done for this attempt; with no attempt given, done for any."""
        state = self.stages[stage]
        return state.status == StageStatus.DONE and (attempt is None or state.attempt == attempt)

    def stage_running(self, stage: Stage, attempt: str | None = None) -> bool:
        """Running for exactly this attempt: None is the attempt of the stages that have none (vision, story), not any."""
        state = self.stages[stage]
        return state.status == StageStatus.RUNNING and state.attempt == attempt

    def pictures_done(self) -> ImageResult | None:
        """Every scene's picture, once each scene of the script has one."""
        if self.story_script is None or self.options is None or not self._every_scene(self.pictures):
            return None
        images = [self.pictures[str(scene.number)].image for scene in self.story_script.scenes]
        return ImageResult(style=self.options.style, images=images)

    def narrations_done(self) -> AudioResult | None:
        """Every scene's narration, once each scene of the script has one."""
        if self.story_script is None or self.options is None or not self._every_scene(self.narrations):
            return None
        clips = [self.narrations[str(scene.number)].clip for scene in self.story_script.scenes]
        return AudioResult(voice=self.options.voice, clips=clips)

    def scenes_made(self) -> int:
        """How many scenes, from the first, have both their picture and their narration: the pages that can be rendered
        (a page's crossfade starts from the page before it)."""
        scenes = self.story_script.scenes if self.story_script is not None else []
        made = [str(scene.number) in self.pictures and str(scene.number) in self.narrations for scene in scenes]
        return made.index(False) if False in made else len(made)

    def pages_asked_for(self) -> int:
        """How many of the current pipeline's pages are asked for."""
        pipeline, _, count = (self.pages_claim or "").partition(":")
        return int(count) if self.pipeline_id and pipeline == self.pipeline_id else 0

    def page_videos_done(self) -> list[PageVideo] | None:
        """Every page's segment in page order, once each scene of the script has one."""
        if self.story_script is None or not self._every_scene(self.page_videos):
            return None
        return [self.page_videos[str(scene.number)] for scene in self.story_script.scenes]

    def _every_scene(self, pages: dict[str, Any]) -> bool:
        return self.story_script is not None and all(str(scene.number) in pages for scene in self.story_script.scenes)

    def cost_usd(self) -> float:
        """The estimate for every paid model the run used so far (0 for a storybook made offline)."""
        return round(sum(state.usage.usd or 0 for state in self.stages.values() if state.usage is not None), 4)

    def public_view(self) -> dict[str, Any]:
        """What the API shows: everything but the delivery bookkeeping."""
        return self.model_dump(
            mode="json",
            exclude={
                "processed_events",
                "outbox",
                "video_claim",
                "pages_claim",
                "pictures",
                "narrations",
                "page_videos",
                "trace_parent",
            },
        )

    def apply(self, patch: RunPatch) -> Checkpoint:
        """This checkpoint with the patch's fields set, as the store would have it after writing the patch."""
        stages = {
            stage: state.model_copy(update=patch.stages[stage].values()) if stage in patch.stages else state
            for stage, state in self.stages.items()
        }
        maps = {name: getattr(self, name) for name in {entry.map for entry in patch.entries} - patch.values().keys()}
        for entry in patch.entries:
            maps[entry.map] = {**maps[entry.map], entry.key: entry.value}
        return self.model_copy(update={**patch.values(), **maps, "stages": stages})


class Unset(Enum):
    """A patch field left alone, as opposed to one set to None."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET
T = TypeVar("T")
Settable = T | Literal[Unset.UNSET]


def _set_values(patch: StagePatch | RunPatch, leave_out: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {
        item.name: value
        for item in dataclasses.fields(patch)
        if item.name not in leave_out and (value := getattr(patch, item.name)) is not UNSET
    }


@dataclass(frozen=True, kw_only=True)
class StagePatch:
    """The fields of one stage's state that a transition sets."""

    status: Settable[StageStatus] = UNSET
    attempt: Settable[str | None] = UNSET
    started_at: Settable[str | None] = UNSET
    finished_at: Settable[str | None] = UNSET
    usage: Settable[Usage | None] = UNSET

    def values(self) -> dict[str, Any]:
        return _set_values(self)

    def __or__(self, other: StagePatch) -> StagePatch:
        return StagePatch(**_merged(self.values(), other.values()))


@dataclass(frozen=True)
class MapEntry:
    """One entry set inside one of the checkpoint's maps, the map's other entries left as they are: two workers that
    each add their own scene never overwrite each other's."""

    map: Literal["pictures", "narrations", "page_videos"]
    key: str
    value: ScenePicture | SceneNarration | PageVideo


@dataclass(frozen=True, kw_only=True)
class RunPatch:
    """The fields of a checkpoint that a transition sets; the stages are patched field by field.

    Every field is a field of `Checkpoint` (a test holds them together); the
    delivery bookkeeping (processed events, outbox, claims, version) is the store's.
    """

    status: Settable[RunStatus] = UNSET
    current_stage: Settable[CurrentStage] = UNSET
    stages: dict[Stage, StagePatch] = field(default_factory=dict[Stage, StagePatch])
    figure_mask_key: Settable[str] = UNSET
    options: Settable[StoryOptions] = UNSET
    drawing_analysis: Settable[DrawingAnalysis] = UNSET
    story_script: Settable[StoryScript] = UNSET
    story_notes: Settable[list[str]] = UNSET
    pipeline_id: Settable[str] = UNSET
    pictures: Settable[dict[str, ScenePicture]] = UNSET
    narrations: Settable[dict[str, SceneNarration]] = UNSET
    page_videos: Settable[dict[str, PageVideo]] = UNSET
    entries: tuple[MapEntry, ...] = ()
    image_result: Settable[ImageResult] = UNSET
    audio_result: Settable[AudioResult] = UNSET
    video_result: Settable[VideoResult] = UNSET
    error: Settable[RunError | None] = UNSET

    def values(self) -> dict[str, Any]:
        """The top-level fields this patch sets (the stages and the map entries apart)."""
        return _set_values(self, leave_out=frozenset({"stages", "entries"}))

    def __or__(self, other: RunPatch) -> RunPatch:
        """Both patches at once; a field both set is a mistake in the transitions, not a choice."""
        stages = dict(self.stages)
        for stage, patch in other.stages.items():
            stages[stage] = stages[stage] | patch if stage in stages else patch
        return RunPatch(**_merged(self.values(), other.values()), stages=stages, entries=self.entries + other.entries)


def _merged(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    if clash := first.keys() & second.keys():
        raise ValueError(f"two transitions set {sorted(clash)}")
    return first | second


@dataclass(frozen=True)
class Expect:
    """What must still hold of the run when a write lands; if it no longer does, the write changes nothing.

    Handlers decide from the checkpoint they were given, which may be stale by the time their result is written: a
    parent replaced the pipeline, cancelled the run, or a duplicate delivery finished the stage first.
    """

    # The run's current pipeline is this one: a replaced pipeline's results never overwrite the current one's.
    pipeline_id: str | None = None
    # This stage is not yet done for this attempt: a late duplicate delivery never rewinds it.
    stage_not_done: tuple[Stage, str | None] | None = None
    # The run has not failed (or been cancelled): nothing a worker finishes afterwards brings it back.
    not_failed: bool = True

    def holds(self, run: Checkpoint) -> bool:
        if self.not_failed and run.status == RunStatus.FAILED:
            return False
        if self.pipeline_id is not None and run.pipeline_id != self.pipeline_id:
            return False
        return self.stage_not_done is None or not run.stage_done(*self.stage_not_done)


@dataclass(frozen=True)
class Claim:
    """A follow-up only one event may emit, by setting the checkpoint's `field` to `value`: if it does not hold `value`
    yet or, for a claim that moves on from what it `saw`, only if it still holds that."""

    field: Literal["video_claim", "pages_claim"]
    value: str
    saw: Seen | None = None

    @classmethod
    def video(cls, pipeline_id: str) -> Claim:
        """The pipeline's video is asked for once, by whichever page finishes last."""
        return cls(field="video_claim", value=pipeline_id)

    @classmethod
    def pages(cls, pipeline_id: str, count: int, saw: str | None) -> Claim:
        """The pipeline's first `count` pages are asked for, after those the claim it `saw` asked for: two events that
        saw the same claim cannot both ask for the same pages."""
        return cls(field="pages_claim", value=f"{pipeline_id}:{count}", saw=Seen(saw))

    def can_take(self, current: str | None) -> bool:
        return current != self.value if self.saw is None else current == self.saw.value


@dataclass(frozen=True)
class Seen:
    value: str | None  # None: the field was not there


# The transitions. Each returns what it changes; `|` combines them.


def stage_started(stage: Stage, attempt: str | None = None) -> RunPatch:
    state = StagePatch(status=StageStatus.RUNNING, attempt=attempt, started_at=now_iso(), finished_at=None)
    return RunPatch(current_stage=stage, stages={stage: state})


def stage_finished(stage: Stage, attempt: str | None = None, usage: Usage | None = None) -> RunPatch:
    # Field by field: started_at was written when the stage started, after the handler's snapshot was read.
    # A stage done again (a new story, a new pipeline) replaces its usage: the run's cost is what its current results cost.
    return RunPatch(stages={stage: StagePatch(status=StageStatus.DONE, attempt=attempt, finished_at=now_iso(), usage=usage)})


def run_failed(error: RunError) -> RunPatch:
    """The run ends at the failed stage, with a message the parent reads."""
    failed = StagePatch(status=StageStatus.FAILED, finished_at=now_iso())
    return RunPatch(status=RunStatus.FAILED, error=error, stages={error.stage: failed})


def run_cancelled(stage: Stage) -> RunPatch:
    """The parent stopped the run; workers leave a failed run alone, so nothing more is made for it."""
    return run_failed(RunError(stage=stage, code="cancelled", message="You stopped making this storybook."))


def gate_reached() -> RunPatch:
    """An interactive run waits for the parent."""
    return RunPatch(status=RunStatus.WAITING)


def drawing_read(analysis: DrawingAnalysis, figure_mask_key: str, usage: Usage | None = None) -> RunPatch:
    return RunPatch(drawing_analysis=analysis, figure_mask_key=figure_mask_key, current_stage=Stage.STORY) | stage_finished(
        Stage.VISION, usage=usage
    )


def story_written(script: StoryScript, options: StoryOptions, notes: Sequence[str] = (), usage: Usage | None = None) -> RunPatch:
    """The script and what the parent is told about it; a rewrite replaces the notes of the story before."""
    return RunPatch(story_script=script, options=options, story_notes=list(notes)) | stage_finished(Stage.STORY, usage=usage)


def story_requested(analysis: DrawingAnalysis, options: StoryOptions) -> RunPatch:
    """The parent confirmed the analysis and chose the options: the story is (re)written from them."""
    fresh = StagePatch(status=StageStatus.PENDING, attempt=None, started_at=None, finished_at=None)
    return RunPatch(
        drawing_analysis=analysis,
        options=options,
        current_stage=Stage.STORY,
        error=None,
        status=RunStatus.RUNNING,
        stages={Stage.STORY: fresh},
    )


def pipeline_requested() -> RunPatch:
    """The parent approved the script. The earlier pictures, narration and video stay until the new ones replace them."""
    return RunPatch(current_stage=Stage.IMAGES, error=None, status=RunStatus.RUNNING)


def pipeline_started(
    pipeline_id: str,
    script: StoryScript,
    analysis: DrawingAnalysis,
    options: StoryOptions,
    kept: tuple[Sequence[GeneratedImage], Sequence[GeneratedAudio]] = ((), ()),
) -> RunPatch:
    """A new pipeline replaces any earlier one: its media stages start afresh, under its id, with the pages it keeps
    (a redo keeps every page but the one made again). Pictures and narration are under way from now: their scenes'
    messages are on their way to the media workers."""
    started = now_iso()
    pictures, narrations = kept
    return RunPatch(
        pipeline_id=pipeline_id,
        story_script=script,
        drawing_analysis=analysis,
        options=options,
        pictures={str(image.scene_number): ScenePicture(image=image) for image in pictures},
        narrations={str(clip.scene_number): SceneNarration(clip=clip) for clip in narrations},
        page_videos={},
        status=RunStatus.RUNNING,
        current_stage=Stage.IMAGES,
        stages={
            Stage.IMAGES: StagePatch(status=StageStatus.RUNNING, attempt=pipeline_id, started_at=started, finished_at=None),
            Stage.VOICE: StagePatch(status=StageStatus.RUNNING, attempt=pipeline_id, started_at=started, finished_at=None),
            Stage.VIDEO: StagePatch(status=StageStatus.PENDING, attempt=pipeline_id, started_at=None, finished_at=None),
        },
    )


def scene_painted(picture: ScenePicture) -> RunPatch:
    return RunPatch(entries=(MapEntry("pictures", str(picture.image.scene_number), picture),))


def scene_narrated(narration: SceneNarration) -> RunPatch:
    return RunPatch(entries=(MapEntry("narrations", str(narration.clip.scene_number), narration),))


def images_painted(result: ImageResult, pipeline_id: str, usage: Usage | None = None) -> RunPatch:
    return RunPatch(image_result=result) | stage_finished(Stage.IMAGES, pipeline_id, usage)


def voice_recorded(result: AudioResult, pipeline_id: str, usage: Usage | None = None) -> RunPatch:
    return RunPatch(audio_result=result) | stage_finished(Stage.VOICE, pipeline_id, usage)


def page_rendered(page: PageVideo) -> RunPatch:
    return RunPatch(entries=(MapEntry("page_videos", str(page.scene_number), page),))


def pages_started(pipeline_id: str) -> RunPatch:
    """The first pages are asked for: the video is under way, while narration may still be."""
    return RunPatch(stages={Stage.VIDEO: StagePatch(status=StageStatus.RUNNING, attempt=pipeline_id, started_at=now_iso())})


def video_claimed() -> RunPatch:
    return RunPatch(current_stage=Stage.VIDEO)


def video_made(result: VideoResult, pipeline_id: str) -> RunPatch:
    return RunPatch(video_result=result, status=RunStatus.COMPLETE, current_stage=COMPLETE) | stage_finished(Stage.VIDEO, pipeline_id)
