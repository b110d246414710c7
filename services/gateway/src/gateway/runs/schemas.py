"""What the run routes take and answer, in the seed's field names."""

from __future__ import annotations

from fastapi import UploadFile
from pydantic import BaseModel, ConfigDict, Field

from shared.domain.events import RunMode, Stage
from shared.domain.models import (
    AudioResult,
    DrawingAnalysis,
    ImageResult,
    Model,
    OptionChoices,
    StoryOptions,
    StoryScript,
    Style,
    VideoResult,
    VoiceType,
)
from shared.domain.run import Checkpoint, CurrentStage, RunError, RunStatus, StageState


class RunAccepted(BaseModel):
    run_id: str
    status: RunStatus
    current_stage: CurrentStage

    @classmethod
    def of(cls, run: Checkpoint) -> RunAccepted:
        return cls(run_id=run.run_id, status=run.status, current_stage=run.current_stage)


class RunView(BaseModel):
    """The checkpoint as the seed describes it, with S3 keys (never URLs)."""

    model_config = ConfigDict(extra="ignore")

    run_id: str
    mode: RunMode
    status: RunStatus
    current_stage: CurrentStage
    stages: dict[Stage, StageState]
    drawing_key: str
    figure_mask_key: str | None
    options: StoryOptions | None
    drawing_analysis: DrawingAnalysis | None
    story_script: StoryScript | None
    story_notes: list[str] = Field(
        default_factory=list[str], description="What the parent is told about the story, e.g. why their personal context was left out."
    )
    image_result: ImageResult | None
    audio_result: AudioResult | None
    video_result: VideoResult | None
    error: RunError | None
    cost_usd: float = Field(
        default=0, description="The estimated price of the paid models the run used (each stage's usage is in its state)."
    )
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, run: Checkpoint) -> RunView:
        return cls.model_validate({**run.public_view(), "cost_usd": run.cost_usd()})


class OneShotRunForm(OptionChoices):
    """A drawing and any choices; a field left out is recommended from the drawing."""

    # The form also carries the file, and clients may send fields of their own: those are ignored, as before.
    model_config = ConfigDict(extra="ignore")

    drawing: UploadFile = Field(description="A photo of the drawing: JPEG, PNG, WebP or HEIC.")

    def choices(self) -> OptionChoices:
        return OptionChoices.model_validate(self.model_dump(include=set(OptionChoices.model_fields)))


class AnalyzeJson(Model):
    image_base64: str = Field(min_length=1, description="The drawing as base64 (or a data URL).")


class StoryGenerateRequest(StoryOptions):
    """The corrected analysis and the parent's options, side by side as the seed has them."""

    run_id: str = Field(min_length=1, max_length=64)
    drawing_analysis: DrawingAnalysis = Field(description="The analysis as the parent corrected it.")

    def options(self) -> StoryOptions:
        return StoryOptions.model_validate(self.model_dump(include=set(StoryOptions.model_fields)))


class SceneRedoRequest(Model):
    """What to make again on one page of a finished storybook: its picture, its words (narrated again), or both."""

    picture: bool = Field(default=False, description="Paint the page's picture again.")
    text: str | None = Field(
        default=None, min_length=1, max_length=600, description="The page's words as the parent edited them: narrated again, and captioned."
    )


class PipelineRequest(Model):
    """The seed's PipelineRequest; the user is always the signed-in one, so there is no user_id."""

    run_id: str = Field(min_length=1, max_length=64)
    story: StoryScript = Field(description="The script as the parent edited and approved it.")
    drawing: DrawingAnalysis
    style: Style
    voice_type: VoiceType
