"""The choices a parent makes, with their labels and the recommended defaults: one source of truth for the app."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from gateway.dependencies import CheckpointsDep, CurrentUser
from gateway.errors import error_responses
from gateway.runs.service import find_run
from shared.models import MAX_AGE, MIN_AGE, DrawingAnalysis, OptionChoices, StoryOptions
from shared.options import DEFAULT_AGE, STYLE_LABELS, THEME_LABELS, VOICE_LABELS, recommend_options

router = APIRouter(prefix="/api/v1", tags=["options"])

PERSONAL_CONTEXT_MAX_LENGTH = StoryOptions.model_fields["personal_context"].metadata[0].max_length


class Choice(BaseModel):
    value: str
    label: str
    description: str


class AgeRange(BaseModel):
    min: int
    max: int
    default: int


class Options(BaseModel):
    styles: list[Choice]
    themes: list[Choice]
    voices: list[Choice]
    age: AgeRange
    personal_context_max_length: int
    recommended: StoryOptions


def _choices(labels: dict) -> list[Choice]:
    return [Choice(value=value.value, label=label, description=description) for value, (label, description) in labels.items()]


@router.get("/options", response_model=Options, responses=error_responses(401, 404, 422))
async def options(
    caller: CurrentUser,
    checkpoints: CheckpointsDep,
    run_id: Annotated[str | None, Query(max_length=64, description="Recommend for this run's drawing.")] = None,
) -> Options:
    analysis = DrawingAnalysis(subject="a drawing")
    if run_id is not None:
        run = await find_run(user_id=caller.user_id, run_id=run_id, checkpoints=checkpoints)
        analysis = run.drawing_analysis or analysis
    return Options(
        styles=_choices(STYLE_LABELS),
        themes=_choices(THEME_LABELS),
        voices=_choices(VOICE_LABELS),
        age=AgeRange(min=MIN_AGE, max=MAX_AGE, default=DEFAULT_AGE),
        personal_context_max_length=PERSONAL_CONTEXT_MAX_LENGTH,
        recommended=recommend_options(analysis, OptionChoices()),
    )
