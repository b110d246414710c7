"""The event catalogue: every event type, its payload, and the envelope.

One SNS topic carries all of them; the `type` message attribute routes each
to the queue whose filter policy names it (see topology.json). Delivery is at
least once, so `id` is the idempotency key every handler checks.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, ValidationError

from shared.domain.models import (
    AudioResult,
    DrawingAnalysis,
    ImageResult,
    Model,
    OptionChoices,
    PageVideo,
    Scene,
    StoryOptions,
    StoryScript,
    VideoResult,
)


class EventType(StrEnum):
    DRAWING_SUBMITTED = "drawing.submitted"
    VISION_COMPLETED = "vision.completed"
    STORY_REQUESTED = "story.requested"
    STORY_COMPLETED = "story.completed"
    PIPELINE_REQUESTED = "pipeline.requested"
    # A pipeline's work, a message per scene and half, so that any media worker takes any page of any storybook.
    PICTURE_REQUESTED = "picture.requested"
    NARRATION_REQUESTED = "narration.requested"
    PICTURE_COMPLETED = "picture.completed"
    NARRATION_COMPLETED = "narration.completed"
    # A page of the video is rendered as soon as its scene and the one before are made, while later scenes still are.
    PAGE_REQUESTED = "page.requested"
    PAGE_RENDERED = "page.rendered"
    VIDEO_REQUESTED = "video.requested"
    VIDEO_COMPLETED = "video.completed"
    RUN_FAILED = "run.failed"


class RunMode(StrEnum):
    INTERACTIVE = "interactive"  # wait for the parent at each gate
    ONE_SHOT = "one_shot"  # drawing to video without stopping


class Stage(StrEnum):
    VISION = "vision"
    STORY = "story"
    IMAGES = "images"
    VOICE = "voice"
    VIDEO = "video"


class DrawingSubmitted(Model):
    drawing_key: str
    media_type: str
    choices: OptionChoices = Field(default_factory=OptionChoices)


class VisionCompleted(Model):
    drawing_analysis: DrawingAnalysis
    figure_mask_key: str


class StoryRequested(Model):
    drawing_analysis: DrawingAnalysis
    options: StoryOptions


class StoryCompleted(Model):
    story_script: StoryScript


class SceneRedo(Model):
    """One page of a finished storybook made again: its picture, its narration or both. Every other page's picture
    and narration are the ones already made, reused untouched."""

    scene_number: int = Field(ge=1)
    picture: bool  # paint it again (a new take: the illustrator is told to vary it)
    narration: bool  # narrate it again (its words were edited)
    images: ImageResult  # the storybook's pictures as they are now
    audio: AudioResult  # and its narration

    def repaints(self, scene_number: int) -> bool:
        return self.picture and scene_number == self.scene_number

    def renarrates(self, scene_number: int) -> bool:
        return self.narration and scene_number == self.scene_number


class PipelineRequested(Model):
    story_script: StoryScript
    drawing_analysis: DrawingAnalysis
    options: StoryOptions
    drawing_key: str
    figure_mask_key: str
    redo: SceneRedo | None = None  # only one page is made again; None: every page is made


class SceneJob(Model):
    """One scene's picture or narration for a pipeline; `pipeline_id` is the id of the pipeline.requested event."""

    pipeline_id: str
    scene_number: int = Field(ge=1)
    request: PipelineRequested

    @property
    def scene(self) -> Scene:
        return next(scene for scene in self.request.story_script.scenes if scene.number == self.scene_number)


class SceneDone(Model):
    """A scene's picture, narration or page of the video is on the checkpoint; the fan-in reads what it is from there."""

    pipeline_id: str
    scene_number: int


class PageRequested(Model):
    """One page of the video to render; what it shows is on the checkpoint."""

    pipeline_id: str
    scene_number: int = Field(ge=1)


class VideoRequested(Model):
    """Every page is rendered: the video is joined from them, with its sound, captions and books."""

    pipeline_id: str
    story_script: StoryScript
    drawing_key: str
    image_result: ImageResult
    audio_result: AudioResult
    page_videos: list[PageVideo]  # in page order


class VideoCompleted(Model):
    pipeline_id: str
    video_result: VideoResult


class RunFailed(Model):
    stage: Stage
    code: str
    message: str


CATALOGUE: dict[EventType, type[Model]] = {
    EventType.DRAWING_SUBMITTED: DrawingSubmitted,
    EventType.VISION_COMPLETED: VisionCompleted,
    EventType.STORY_REQUESTED: StoryRequested,
    EventType.STORY_COMPLETED: StoryCompleted,
    EventType.PIPELINE_REQUESTED: PipelineRequested,
    EventType.PICTURE_REQUESTED: SceneJob,
    EventType.NARRATION_REQUESTED: SceneJob,
    EventType.PICTURE_COMPLETED: SceneDone,
    EventType.NARRATION_COMPLETED: SceneDone,
    EventType.PAGE_REQUESTED: PageRequested,
    EventType.PAGE_RENDERED: SceneDone,
    EventType.VIDEO_REQUESTED: VideoRequested,
    EventType.VIDEO_COMPLETED: VideoCompleted,
    EventType.RUN_FAILED: RunFailed,
}

ENVELOPE_VERSION = 1

P = TypeVar("P", bound=Model)
Q = TypeVar("Q", bound=Model)


class Envelope(BaseModel, Generic[P]):
    """What travels on the topic: who and which run it is about, and its typed payload.

    On the wire the payload is the field `data`; an envelope read from the wire
    has the payload class its `type` names in the catalogue.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    type: EventType
    version: int = ENVELOPE_VERSION
    run_id: str = Field(min_length=1, max_length=64)
    user_id: str = Field(min_length=1, max_length=128)
    mode: RunMode
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    # The event that caused this one, to follow a run through the logs.
    causation_id: str | None = None
    payload: SerializeAsAny[P] = Field(alias="data")

    @classmethod
    def new(cls, payload: P, *, type: EventType, run_id: str, user_id: str, mode: RunMode, causation_id: str | None = None) -> Envelope[P]:
        if not isinstance(payload, CATALOGUE[type]):
            raise TypeError(f"{type} carries {CATALOGUE[type].__name__}, not {payload.__class__.__name__}")
        return Envelope(type=type, run_id=run_id, user_id=user_id, mode=mode, causation_id=causation_id, data=payload)

    def follow(self, payload: Q, *, type: EventType) -> Envelope[Q]:
        """The next event of the same run, caused by this one."""
        return Envelope[Q].new(payload, type=type, run_id=self.run_id, user_id=self.user_id, mode=self.mode, causation_id=self.id)


class UnsupportedEnvelope(ValueError):
    """A message no version of this code can read: it goes to the dead-letter queue."""


class _Header(BaseModel):
    """The envelope's fields that say how to read the rest."""

    type: EventType
    version: int


@cache
def _envelope_of(payload_type: type[Model]) -> type[Envelope[Any]]:
    return Envelope[payload_type]


def parse_envelope(body: str | bytes) -> Envelope[Any]:
    """The envelope and its payload, read and validated once, or UnsupportedEnvelope."""
    try:
        header = _Header.model_validate_json(body)
        if header.version != ENVELOPE_VERSION:
            raise UnsupportedEnvelope(f"envelope version {header.version} is not {ENVELOPE_VERSION}")
        return _envelope_of(CATALOGUE[header.type]).model_validate_json(body)
    except ValidationError as error:
        raise UnsupportedEnvelope(str(error)) from error
