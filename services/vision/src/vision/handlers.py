"""Vision's handler: a submitted drawing in, its analysis (and figure mask) out."""

from __future__ import annotations

import asyncio

from shared.checkpoints import Checkpoint, RunStatus
from shared.events import DrawingSubmitted, Envelope, EventType, RunMode, Stage, VisionCompleted
from shared.processing import Outcome, stage_finished
from shared.storage import AssetKeys, AssetStore, Retention
from vision.analyse import DrawingAnalyser


async def analyse_drawing(event: Envelope, checkpoint: Checkpoint, *, assets: AssetStore, analyser: DrawingAnalyser) -> Outcome:
    submitted = event.payload()
    assert isinstance(submitted, DrawingSubmitted)
    drawing = await assets.get(submitted.drawing_key)
    reading = await asyncio.to_thread(analyser.analyse, drawing)
    mask_key = AssetKeys.figure_mask(event.user_id, event.run_id)
    await assets.put(mask_key, reading.figure_mask, "image/png", retention=Retention.INTERMEDIATE)

    changes = {
        "drawing_analysis": reading.analysis,
        "figure_mask_key": mask_key,
        "current_stage": Stage.STORY.value,
        **stage_finished(Stage.VISION),
    }
    if event.mode is RunMode.INTERACTIVE:
        # The parent reviews and corrects the analysis before any story is written.
        return Outcome(changes={**changes, "status": RunStatus.WAITING})
    completed = VisionCompleted(drawing_analysis=reading.analysis, figure_mask_key=mask_key)
    return Outcome(changes=changes, events=[event.follow(completed, type=EventType.VISION_COMPLETED)])
