"""An analyser in the cloud: a vision model (Bedrock's, or any OpenAI-compatible one) looks at the drawing and
answers with structured data, through the StructuredModel port: the subject, the setting, the details, the mood, the colours
and a short character card that every later stage reuses.

The classical analysis still runs, for what it does well: the figure mask, the figures' places and the
palette. The model's words replace its guesses, never its measurements. An answer that does not fit is asked
for once more with the reason; after that, or for a model the account cannot use, the classical analysis is
the answer (the log says so).
"""

from __future__ import annotations

import asyncio
import logging
from io import BytesIO
from typing import Any

from PIL import Image, ImageOps
from pydantic import Field, ValidationError

from shared.domain.answers import ModelMiss, ModelUnavailable, Picture, StructuredModel, Wanted
from shared.domain.costs import combined
from shared.domain.errors import StageFailure
from shared.domain.models import ColourName, Model, ShortText
from shared.domain.safety import find_banned
from vision.analyse import DrawingAnalyser, DrawingReading

log = logging.getLogger(__name__)

DRAWING_NOT_READ = "drawing_not_read"
DRAWING_NOT_READ_MESSAGE = "We couldn't look at the drawing properly this time. Please try again in a little while."
# Converse takes images up to 3.75 MB and models see about 1.5 megapixels: a drawing needs no more.
IMAGE_LONG_SIDE = 1280


class DrawingSeen(Model):
    """What a model says a drawing shows: the words of a DrawingAnalysis (its measurements are the classical analyser's)."""

    subject: str = Field(
        min_length=1, max_length=120, description="What the main figure is, with its colour: 'a red rocket', 'an orange cat'."
    )
    character: str = Field(
        min_length=1, max_length=300, description="The main character's look in one or two sentences: colours, features, clothing."
    )
    setting: str = Field(default="", max_length=120, description="Where it is, as drawn: 'under a rainbow', 'on a dark night'.")
    details: list[ShortText] = Field(
        default_factory=list, max_length=12, description="Other things drawn: 'a yellow sun', 'three flowers'."
    )
    mood: str = Field(default="happy", max_length=40, description="One word: happy, calm, excited, sleepy...")
    colors: list[ColourName] = Field(default_factory=list, max_length=12, description="The main colours, as simple colour words.")


SEEN = Wanted(name="describe_drawing", description="Hand over what the child's drawing shows.", model=DrawingSeen)
SYSTEM = "\n".join(
    [
        "You look at a young child's drawing, photographed by a parent, so a picture book can be made about it.",
        "Say what the child drew as the child would: the main figure first, with its colour, in a few plain words.",
        "The character card describes the main character's look so an illustrator can draw it the same on every page.",
        "Describe only what is drawn; if something is unclear, choose the friendliest reading.",
        "Use gentle, simple words for a young child: nothing frightening, no names of real people or brands.",
        "Answer only with the structured data asked for.",
    ]
)


class CloudDrawingAnalyser:
    """Implements the DrawingAnalyser port with a vision model behind the StructuredModel port."""

    def __init__(
        self, model: StructuredModel, *, classical: DrawingAnalyser, classical_stands_in: bool = True, max_tokens: int = 800
    ) -> None:
        """With `classical_stands_in` false, a drawing the model will not read fails the stage with a readable message."""
        self._model, self._classical, self._max_tokens, self._classical_stands_in = model, classical, max_tokens, classical_stands_in

    async def analyse(self, drawing: bytes) -> DrawingReading:
        measured = await self._classical.analyse(drawing)  # a file that is no drawing stops here, with the parent's message
        picture = Picture(data=await asyncio.to_thread(_as_jpeg, drawing), format="jpeg")
        reason, usage, model = "", None, self._model.model_id
        for attempt in (1, 2):
            asked = "What does this drawing show?"
            if reason:
                asked += f" Your last answer could not be used: {reason}. Answer again, keeping to every rule."
            try:
                answer = await self._model.answer(
                    system=SYSTEM, parts=[picture, asked], wanted=SEEN, max_tokens=self._max_tokens, temperature=0.2
                )
                usage = combined([usage, answer.usage])
                seen = self._checked(answer.data)
            except ModelMiss as miss:
                log.warning("the vision model's answer was not used", extra={"attempt": attempt, "reason": miss.reason, "model": model})
                reason = miss.reason
                continue
            except ModelUnavailable as unavailable:
                log.warning("the vision model cannot be used", extra={"code": unavailable.code, "model": model})
                break
            merged = measured.analysis.model_copy(update={**seen.model_dump(), "subject_confidence": 1.0, "subject_unsure": False})
            return DrawingReading(analysis=merged, figure_mask=measured.figure_mask, usage=usage)
        if not self._classical_stands_in:
            raise StageFailure(DRAWING_NOT_READ, DRAWING_NOT_READ_MESSAGE)
        log.warning("the classical analysis read the drawing instead of the model", extra={"model": model})
        return DrawingReading(analysis=measured.analysis, figure_mask=measured.figure_mask, usage=usage)

    @staticmethod
    def _checked(answered: dict[str, Any]) -> DrawingSeen:
        try:
            seen = DrawingSeen.model_validate(answered)
        except ValidationError as error:
            raise ModelMiss(
                "the answer did not fit the tool's schema: " + "; ".join(problem["msg"] for problem in error.errors()[:3])
            ) from None
        texts = [seen.subject, seen.character, seen.setting, seen.mood, *seen.details, *seen.colors]
        if any(find_banned(text) for text in texts):
            raise ModelMiss("the answer uses a word that is not for children")
        return seen


def _as_jpeg(drawing: bytes) -> bytes:
    """The drawing upright, on white, at most IMAGE_LONG_SIDE pixels long: a JPEG every vision model takes."""
    image = ImageOps.exif_transpose(Image.open(BytesIO(drawing)))
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image)
    image = image.convert("RGB")
    image.thumbnail((IMAGE_LONG_SIDE, IMAGE_LONG_SIDE))
    out = BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()
