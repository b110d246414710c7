"""The choices a parent makes, with their labels and the recommended defaults: one source of truth for the app and the CLI."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Generic, TypeVar

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gateway.dependencies import CurrentUser, RunsDep, SettingsDep
from gateway.errors import error_responses
from shared.domain.models import (
    MAX_AGE,
    MIN_AGE,
    READ_ALONG_AGES,
    Choice,
    DrawingAnalysis,
    Language,
    OptionChoices,
    StoryOptions,
    Style,
    Theme,
    VoiceType,
)
from shared.domain.options import DEFAULT_AGE, PROVIDER_LANGUAGES, recommend_options

router = APIRouter(prefix="/api/v1", tags=["options"])

PERSONAL_CONTEXT_MAX_LENGTH = StoryOptions.model_fields["personal_context"].metadata[0].max_length

C = TypeVar("C", bound=Choice)


class Labelled(BaseModel, Generic[C]):
    value: C
    label: str
    description: str


class AgeRange(BaseModel):
    min: int
    max: int
    default: int
    read_along: list[int] = Field(description="The ages read-along is on for unless the parent chooses (`read_along` in the options).")


class Offered(BaseModel):
    """A provider a stage runs, and the languages it has."""

    provider: str
    languages: list[Language]


class Options(BaseModel):
    styles: list[Labelled[Style]]
    themes: list[Labelled[Theme]]
    voices: list[Labelled[VoiceType]]
    languages: list[Labelled[Language]] = Field(
        description="The languages a storybook can be told in here: those both the writer and the voice have."
    )
    providers: dict[str, Offered] = Field(description="Which provider writes the story and which speaks it, with the languages each has.")
    age: AgeRange
    personal_context_max_length: int
    recommended: StoryOptions


def _labelled(choices: Iterable[C]) -> list[Labelled[C]]:
    return [Labelled[C](value=choice, label=choice.label, description=choice.description) for choice in choices]


@router.get("/options", response_model=Options, responses=error_responses(401, 404, 422))
async def options(
    caller: CurrentUser,
    runs: RunsDep,
    settings: SettingsDep,
    run_id: Annotated[str | None, Query(max_length=64, description="Recommend for this run's drawing.")] = None,
) -> Options:
    analysis = DrawingAnalysis(subject="a drawing")
    if run_id is not None:
        run = await runs.find(caller.user_id, run_id)
        analysis = run.drawing_analysis or analysis
    return Options(
        styles=_labelled(Style),
        themes=_labelled(Theme),
        voices=_labelled(VoiceType),
        languages=_labelled(settings.languages),
        providers={
            "story": Offered(provider=settings.story_provider, languages=list(PROVIDER_LANGUAGES[settings.story_provider])),
            "voice": Offered(provider=settings.voice_provider, languages=list(PROVIDER_LANGUAGES[settings.voice_provider])),
        },
        age=AgeRange(min=MIN_AGE, max=MAX_AGE, default=DEFAULT_AGE, read_along=list(READ_ALONG_AGES)),
        personal_context_max_length=PERSONAL_CONTEXT_MAX_LENGTH,
        recommended=recommend_options(analysis, OptionChoices()),
    )
