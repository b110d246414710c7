"""Defence in depth: the narrator never says a banned word, even one that got past the story stage and the gateway."""

from __future__ import annotations

import pytest

from media.handlers import narrate_scene
from media.narrate import Narration
from shared.domain.errors import StageFailure
from shared.domain.events import Envelope, EventType, PipelineRequested, RunMode, SceneJob
from shared.domain.models import DrawingAnalysis, Language, Scene, StoryOptions, StoryScript, Style, Theme, VoiceType
from shared.domain.run import Checkpoint
from tests.fakes import InMemoryAssetStore


class RefusingNarrator:
    """A narrator that must not be asked to speak at all."""

    async def narrate(self, *, text: str, voice: VoiceType, age: int, language: Language) -> Narration:
        raise AssertionError(f"the narrator was asked to say {text!r}")


def voice_job(script: StoryScript) -> Envelope[SceneJob]:
    request = PipelineRequested(
        story_script=script,
        drawing_analysis=DrawingAnalysis(subject="a kite"),
        options=StoryOptions(theme=Theme.NATURE, age=4, voice=VoiceType.WISE, style=Style.ANIME),
        drawing_key="u/drawings/r.png",
        figure_mask_key="u/drawings/r_mask.png",
    )
    return Envelope.new(
        SceneJob(pipeline_id="p1", scene_number=1, request=request),
        type=EventType.NARRATION_REQUESTED,
        run_id="r",
        user_id="u",
        mode=RunMode.ONE_SHOT,
    )


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (
            StoryScript(title="The Kite", scenes=[Scene(number=1, text="A kite."), Scene(number=2, text="It wanted to k1ll a cloud.")]),
            "Scene 2 says 'k1ll', which we don't put in children's stories. Please change it.",
        ),
        (
            StoryScript(title="The ｆｕｃｋｉｎｇ Kite", scenes=[Scene(number=1, text="A kite.")]),  # the title card is read too
            "The title says 'ｆｕｃｋｉｎｇ', which we don't put in children's stories. Please change it.",
        ),
    ],
)
async def test_a_script_with_a_banned_word_is_not_narrated(script: StoryScript, message: str, assets: InMemoryAssetStore) -> None:
    checkpoint = Checkpoint(user_id="u", run_id="r", mode=RunMode.ONE_SHOT, drawing_key="u/drawings/r.png", media_type="image/png")
    with pytest.raises(StageFailure) as failed:
        await narrate_scene(
            voice_job(script), checkpoint.model_copy(update={"pipeline_id": "p1"}), assets=assets, narrator=RefusingNarrator()
        )
    assert (failed.value.code, failed.value.message) == ("not_for_children", message)
    assert assets.objects == {}
