"""Vision's handler: a submitted drawing in, its analysis (and figure mask) out."""

from __future__ import annotations

from shared.domain.assets import AssetKeys, Retention, run_file
from shared.domain.events import DrawingSubmitted, Envelope, EventType, RunMode, VisionCompleted
from shared.domain.ports import AssetStore
from shared.domain.run import Checkpoint, drawing_read, gate_reached
from shared.runtime.processing import Outcome
from shared.runtime.tracing import tracer
from vision.analyse import DrawingAnalyser


async def analyse_drawing(
    event: Envelope[DrawingSubmitted], checkpoint: Checkpoint, *, assets: AssetStore, analyser: DrawingAnalyser
) -> Outcome:
    drawing = await assets.get(run_file(event.payload.drawing_key, event.user_id, event.run_id))
    with tracer.start_as_current_span("analyse", attributes={"provider": type(analyser).__name__}):
        reading = await analyser.analyse(drawing)
    mask_key = AssetKeys.figure_mask(event.user_id, event.run_id)
    await assets.put(mask_key, reading.figure_mask, "image/png", retention=Retention.INTERMEDIATE)

    changes = drawing_read(reading.analysis, mask_key, reading.usage)
    if event.mode is RunMode.INTERACTIVE:
        # The parent reviews and corrects the analysis before any story is written.
        return Outcome(changes=changes | gate_reached())
    completed = VisionCompleted(drawing_analysis=reading.analysis, figure_mask_key=mask_key)
    return Outcome(changes=changes, events=[event.follow(completed, type=EventType.VISION_COMPLETED)])
