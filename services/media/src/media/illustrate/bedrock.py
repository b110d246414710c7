"""An illustrator in the cloud: a Bedrock image model paints each page conditioned on the child's drawing, so the
pages keep the child's character where and as the child drew it.

Stability's sketch-control model is the default: it takes the drawing as the sketch. Titan Image Generator v2 and
Nova Canvas take it as a canny-edge condition image. Every page of a book has the same seed (from the drawing),
the same style words and the character card, and a negative prompt for anything frightening; the answer is fitted
to the 16:9 frame. The whole page is the model's, so the figure layer is empty and the camera alone moves.

A page the model refuses (its content filter) is asked for once more with another seed; after that, or for a
model the account cannot use, the offline illustrator paints that page (the log says so). Throttling past
botocore's retries and outages raise, so the message comes round again.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from typing import Any

from botocore.exceptions import ClientError

from media.illustrate import Illustration, Illustrator, PageToPaint
from media.illustrate.painted import (
    NEGATIVE,
    PICTURES_FAILED,
    PICTURES_FAILED_MESSAGE,
    blank_figure,
    drawing_seed,
    drawing_sheet,
    fitted_page,
    page_prompt,
)
from shared.adapters.bedrock import error_code, filtered, invoke_json, unusable
from shared.domain.costs import PriceTable
from shared.domain.errors import StageFailure

log = logging.getLogger(__name__)

# Titan's and Nova Canvas's prompts stop at 1024 characters; Stability's at 10000.
PROMPT_LIMIT = {"stability": 10000, "titan": 1024, "nova": 1024}
# The sizes each family paints closest to 16:9 (Titan only paints sizes from its list; Nova Canvas any multiple of 16).
PAINTED_SIZE = {"titan": (1280, 768), "nova": (1280, 720)}


class BedrockIllustrator:
    """Implements the Illustrator port with Bedrock InvokeModel; `client` is an aioboto3 bedrock-runtime client."""

    def __init__(
        self, client: Any, *, model_id: str, fallback: Illustrator | None, prices: PriceTable, control_strength: float = 0.7
    ) -> None:
        """`fallback` paints a page the model will not; with none, the stage fails with a readable message."""
        self._client, self._model_id, self._fallback, self._prices = client, model_id, fallback, prices
        self._family = family_of(model_id)
        self._control_strength = control_strength

    async def illustrate(self, page: PageToPaint) -> Illustration:
        scene = page.scene
        prompt = page_prompt(page.analysis, scene, page.options)[: PROMPT_LIMIT[self._family]]
        control, seed = await asyncio.to_thread(drawing_sheet, page.drawing), drawing_seed(page.drawing, page.take)
        for attempt in (0, 1):
            try:
                painted = self._painted(
                    await invoke_json(self._client, model_id=self._model_id, body=self._body(prompt, control, seed + attempt))
                )
            except ClientError as error:
                if not unusable(error):
                    raise
                if not filtered(error):
                    log.warning("the image model cannot paint this page", extra={"code": error_code(error), "scene": scene.number})
                    break
                painted = None
            if painted is not None:
                usage = self._prices.usage(self._model_id, images=1)
                return Illustration(backdrop=await asyncio.to_thread(fitted_page, painted), figure=blank_figure(), usage=usage)
            log.warning("the image model's filter stopped a page", extra={"attempt": attempt + 1, "scene": scene.number})
        if self._fallback is None:
            raise StageFailure(PICTURES_FAILED, PICTURES_FAILED_MESSAGE)
        log.warning("the offline illustrator painted the page instead of the model", extra={"model": self._model_id, "scene": scene.number})
        return await self._fallback.illustrate(page)

    def _body(self, prompt: str, control: bytes, seed: int) -> dict[str, Any]:
        image = base64.b64encode(control).decode()
        if self._family == "stability":
            return {
                "prompt": prompt,
                "negative_prompt": NEGATIVE,
                "image": image,
                "control_strength": self._control_strength,
                "seed": seed,
                "output_format": "png",
            }
        width, height = PAINTED_SIZE[self._family]
        return {
            "taskType": "TEXT_IMAGE",
            "textToImageParams": {
                "text": prompt,
                "negativeText": NEGATIVE,
                "conditionImage": image,
                "controlMode": "CANNY_EDGE",
                "controlStrength": self._control_strength,
            },
            "imageGenerationConfig": {"numberOfImages": 1, "width": width, "height": height, "cfgScale": 6.5, "seed": seed},
        }

    @staticmethod
    def _painted(answer: dict[str, Any]) -> bytes | None:
        """The picture, or None when the model's filter stopped it (Stability says so in `finish_reasons`)."""
        if any(answer.get("finish_reasons") or []) or answer.get("error") or not answer.get("images"):
            return None
        return base64.b64decode(answer["images"][0])


def family_of(model_id: str) -> str:
    for family in ("stability", "titan", "nova"):
        if f"{family}." in model_id or f".{family}-" in model_id:
            return family
    raise SystemExit(f"{model_id!r} is not an image model NoComelon can paint with: use a Stability, Titan Image or Nova Canvas model")
