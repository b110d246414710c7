"""Vision's handler with a fake analyser and in-memory storage."""

import pytest

from shared.domain.assets import Retention
from shared.domain.errors import ForeignAsset
from shared.domain.events import DrawingSubmitted, Envelope, EventType, RunMode, Stage, VisionCompleted
from shared.domain.models import DrawingAnalysis
from shared.domain.run import Checkpoint, RunStatus, StageStatus
from vision.analyse import DrawingReading
from vision.handlers import analyse_drawing

ANALYSIS = DrawingAnalysis(subject="two smiling figures", colors=["sky blue", "grass green"], figure_count=2)


class FakeAnalyser:
    def __init__(self) -> None:
        self.seen: list[bytes] = []

    async def analyse(self, drawing: bytes) -> DrawingReading:
        self.seen.append(drawing)
        return DrawingReading(analysis=ANALYSIS, figure_mask=b"mask-png")


def submitted(mode: RunMode) -> tuple[Envelope[DrawingSubmitted], Checkpoint]:
    event = Envelope.new(
        DrawingSubmitted(drawing_key="u/drawings/r.jpg", media_type="image/jpeg"),
        type=EventType.DRAWING_SUBMITTED,
        run_id="r",
        user_id="u",
        mode=mode,
    )
    return event, Checkpoint(user_id="u", run_id="r", mode=mode, drawing_key="u/drawings/r.jpg", media_type="image/jpeg")


async def test_one_shot_analysis_goes_on_to_the_story(assets) -> None:
    await assets.put("u/drawings/r.jpg", b"drawing-bytes", "image/jpeg", retention=Retention.RUN)
    analyser = FakeAnalyser()
    event, checkpoint = submitted(RunMode.ONE_SHOT)
    outcome = await analyse_drawing(event, checkpoint, assets=assets, analyser=analyser)
    assert analyser.seen == [b"drawing-bytes"]
    assert assets.objects["u/drawings/r_mask.png"] == (b"mask-png", "image/png")
    assert outcome.changes.drawing_analysis == ANALYSIS
    assert outcome.changes.stages[Stage.VISION].status == StageStatus.DONE
    [follow] = outcome.events
    assert follow.type == EventType.VISION_COMPLETED
    assert follow.payload == VisionCompleted(drawing_analysis=ANALYSIS, figure_mask_key="u/drawings/r_mask.png")


async def test_interactive_analysis_waits_for_the_parent(assets) -> None:
    await assets.put("u/drawings/r.jpg", b"drawing-bytes", "image/jpeg", retention=Retention.RUN)
    event, checkpoint = submitted(RunMode.INTERACTIVE)
    outcome = await analyse_drawing(event, checkpoint, assets=assets, analyser=FakeAnalyser())
    assert outcome.events == []
    assert outcome.changes.status == RunStatus.WAITING
    assert outcome.changes.current_stage == Stage.STORY.value


async def test_a_drawing_key_outside_the_run_is_never_read(assets) -> None:
    await assets.put("someone-else/drawings/theirs.jpg", b"their drawing", "image/jpeg", retention=Retention.RUN)
    event, checkpoint = submitted(RunMode.ONE_SHOT)
    forged = event.model_copy(update={"payload": DrawingSubmitted(drawing_key="someone-else/drawings/theirs.jpg", media_type="image/jpeg")})
    analyser = FakeAnalyser()
    with pytest.raises(ForeignAsset):
        await analyse_drawing(forged, checkpoint, assets=assets, analyser=analyser)
    assert analyser.seen == []
