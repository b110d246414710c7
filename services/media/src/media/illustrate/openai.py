"""An illustrator on an OpenAI-compatible image endpoint: the Images API's edit, with the child's drawing (whole, on a
white sheet of the size asked) as the reference image, so the pages keep the child's character, and the character
card, the style words and the page's words in the prompt. The answer is fitted to 16:9.

A page the safety system stops is asked for once more, then painted offline (or, with no stand-in allowed, fails
the stage in the product's words); a model the endpoint does not have for images is the same miss, at once.
"""

from __future__ import annotations

import asyncio
import base64
import logging

import openai
from openai import AsyncOpenAI
from opentelemetry.trace import SpanKind

from media.illustrate import Illustration, Illustrator, PageToPaint
from media.illustrate.painted import (
    NEGATIVE,
    PICTURES_FAILED,
    PICTURES_FAILED_MESSAGE,
    blank_figure,
    drawing_sheet,
    fitted_page,
    page_prompt,
)
from shared.adapters.openai import UNUSABLE
from shared.domain.costs import PriceTable
from shared.domain.errors import StageFailure
from shared.runtime.tracing import tracer

log = logging.getLogger(__name__)

PAINTED_SIZE = (1536, 1024)  # the edit endpoint's landscape size, the nearest it paints to 16:9


class OpenAIIllustrator:
    """Implements the Illustrator port with the `openai` SDK's async client."""

    def __init__(self, client: AsyncOpenAI, *, model_id: str, fallback: Illustrator | None, prices: PriceTable) -> None:
        self._client, self._model_id, self._fallback, self._prices = client, model_id, fallback, prices

    async def illustrate(self, page: PageToPaint) -> Illustration:
        # The images endpoint takes no seed: every call paints anew, so a page's next take needs nothing more.
        scene = page.scene
        prompt = f"{page_prompt(page.analysis, scene, page.options)} Leave out: {NEGATIVE}."
        sheet = await asyncio.to_thread(drawing_sheet, page.drawing, PAINTED_SIZE)
        for attempt in (1, 2):
            with tracer.start_as_current_span(
                "openai images.edit", kind=SpanKind.CLIENT, attributes={"model_id": self._model_id, "attempt": attempt}
            ):
                try:
                    answer = await self._client.images.edit(
                        model=self._model_id, image=("drawing.png", sheet, "image/png"), prompt=prompt, size="1536x1024", n=1
                    )
                except UNUSABLE as error:
                    if not (isinstance(error, openai.BadRequestError) and error.code == "moderation_blocked"):
                        log.warning(
                            "the image endpoint cannot paint this page", extra={"error": type(error).__name__, "scene": scene.number}
                        )
                        break
                    log.warning("the image endpoint's safety system stopped a page", extra={"attempt": attempt, "scene": scene.number})
                    continue
            painted = answer.data[0].b64_json if answer.data else None
            if painted is None:  # a server that answers with a link, which a worker in a private network may not reach
                log.warning("the image endpoint answered without the picture", extra={"scene": scene.number})
                break
            backdrop = await asyncio.to_thread(fitted_page, base64.b64decode(painted))
            return Illustration(backdrop=backdrop, figure=blank_figure(), usage=self._prices.usage(self._model_id, images=1))
        if self._fallback is None:
            raise StageFailure(PICTURES_FAILED, PICTURES_FAILED_MESSAGE)
        log.warning("the offline illustrator painted the page instead of the model", extra={"model": self._model_id, "scene": scene.number})
        return await self._fallback.illustrate(page)
