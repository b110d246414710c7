"""Bedrock's image models through InvokeModel as the fake answers them: each family's native JSON body, checked with
a JSON schema of what the real model accepts, answered with a real PNG painted from the condition image.

The fake's page is easy to tell from the offline illustrator's: a peach sky (`SKY`) over a green hill, with the
drawing's ink laid on it where the child drew it (scaled as the model would). Stability's sketch control answers
in the sketch's proportions; Titan Image v2 and Nova Canvas at the size asked. Fault: `refuse` (the content filter:
Stability says so in `finish_reasons`, Titan and Nova refuse with a ValidationException).
"""

from __future__ import annotations

import base64
import binascii
import json
from io import BytesIO
from typing import Any

import jsonschema
import numpy as np
from PIL import Image, ImageDraw, UnidentifiedImageError

from devstack.generative_fake.wire import WireError

SKY = (255, 190, 150)
HILL = (120, 190, 110)
IMAGE_MODELS = {
    "us.stability.stable-image-control-sketch-v1:0": "stability",
    "stability.stable-image-control-sketch-v1:0": "stability",
    "amazon.titan-image-generator-v2:0": "titan",
    "amazon.nova-canvas-v1:0": "nova",
}
_STABILITY = {
    "type": "object",
    "required": ["prompt", "image"],
    "additionalProperties": False,
    "properties": {
        "prompt": {"type": "string", "minLength": 1, "maxLength": 10000},
        "negative_prompt": {"type": "string", "maxLength": 10000},
        "image": {"type": "string", "minLength": 1},
        "control_strength": {"type": "number", "minimum": 0, "maximum": 1},
        "seed": {"type": "integer", "minimum": 0, "maximum": 4294967294},
        "output_format": {"enum": ["png", "jpeg", "webp"]},
    },
}
_CANVAS = {  # Titan Image Generator v2 and Nova Canvas share the request
    "type": "object",
    "required": ["taskType", "textToImageParams"],
    "additionalProperties": False,
    "properties": {
        "taskType": {"const": "TEXT_IMAGE"},
        "textToImageParams": {
            "type": "object",
            "required": ["text"],
            "additionalProperties": False,
            "properties": {
                "text": {"type": "string", "minLength": 1, "maxLength": 1024},
                "negativeText": {"type": "string", "minLength": 3, "maxLength": 1024},
                "conditionImage": {"type": "string"},
                "controlMode": {"enum": ["CANNY_EDGE", "SEGMENTATION"]},
                "controlStrength": {"type": "number", "minimum": 0, "maximum": 1},
            },
        },
        "imageGenerationConfig": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "numberOfImages": {"type": "integer", "minimum": 1, "maximum": 5},
                "width": {"type": "integer", "minimum": 320, "maximum": 4096, "multipleOf": 16},
                "height": {"type": "integer", "minimum": 320, "maximum": 4096, "multipleOf": 16},
                "cfgScale": {"type": "number", "minimum": 1.1, "maximum": 10},
                "seed": {"type": "integer", "minimum": 0, "maximum": 2147483646},
                "quality": {"enum": ["standard", "premium"]},
            },
        },
    },
}


def invoke(params: dict[str, Any], *, refuse: bool = False) -> dict[str, Any]:
    family = IMAGE_MODELS.get(params["modelId"])
    if family is None:
        raise WireError(403, "AccessDeniedException", "You don't have access to the model with the specified model ID.")
    try:
        body = json.loads(params.get("body") or b"")
        jsonschema.validate(body, _STABILITY if family == "stability" else _CANVAS)
    except (ValueError, jsonschema.ValidationError) as error:
        raise WireError(
            400, "ValidationException", f"Malformed input request: {str(error).splitlines()[0]}, please reformat your input and try again."
        ) from None
    if family == "stability":
        answer = _stability(body, refuse)
    else:
        if refuse:
            raise WireError(400, "ValidationException", "This request has been blocked by our content filters.")
        answer = _canvas(body)
    return {"body": json.dumps(answer).encode(), "contentType": "application/json"}


def _stability(body: dict[str, Any], refuse: bool) -> dict[str, Any]:
    sketch = _image(body["image"])
    seed = body.get("seed", 0)
    if refuse:
        return {"seeds": [seed], "finish_reasons": ["Filter reason: prompt"], "images": []}
    width = 1344  # Stability answers about a megapixel, in the sketch's proportions
    page = paint(sketch, (width, round(width * sketch.height / sketch.width)))
    return {"seeds": [seed], "finish_reasons": [None], "images": [_png64(page)]}


def _canvas(body: dict[str, Any]) -> dict[str, Any]:
    config = body.get("imageGenerationConfig", {})
    size = (config.get("width", 1024), config.get("height", 1024))
    condition = body["textToImageParams"].get("conditionImage")
    sketch = _image(condition) if condition else Image.new("RGB", (64, 64), "white")
    return {"images": [_png64(paint(sketch, size)) for _ in range(config.get("numberOfImages", 1))]}


def paint(sketch: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The fake's page: a peach sky, a green hill, and the sketch's ink on it where it was drawn."""
    page = Image.new("RGB", size, SKY)
    ImageDraw.Draw(page).ellipse((-size[0] // 4, size[1] * 2 // 3, size[0] * 5 // 4, size[1] * 2), fill=HILL)
    fitted = sketch.convert("RGB").resize(size, Image.Resampling.BILINEAR)
    pixels = np.asarray(fitted, dtype=np.int16)
    ink = (pixels.max(axis=2) - pixels.min(axis=2) > 60) | (pixels.max(axis=2) < 110)  # coloured or dark: what was drawn
    page.paste(fitted, (0, 0), Image.fromarray((ink * 255).astype(np.uint8)))
    return page


def _image(encoded: str) -> Image.Image:
    try:
        image = Image.open(BytesIO(base64.b64decode(encoded, validate=True)))
        image.load()
    except (binascii.Error, ValueError, UnidentifiedImageError, OSError):
        raise WireError(400, "ValidationException", "Malformed input request: the image is not a base64 PNG or JPEG.") from None
    return image


def _png64(image: Image.Image) -> str:
    out = BytesIO()
    image.save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()
