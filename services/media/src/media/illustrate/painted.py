"""A page painted whole by an image model from the child's drawing (Bedrock's or an OpenAI-compatible one): what
every such illustrator shares. The drawing goes whole on a white sheet of the model's proportions, the prompt carries
the style words, the character card, the place and the page's words, the seed is the book's, and the answer is
fitted to the 16:9 frame. The page's figure layer is empty: the child's character is in the picture.
"""

from __future__ import annotations

import hashlib
from io import BytesIO

from PIL import Image, ImageOps

from media.illustrate import FRAME_SIZE, Stance, figure_png
from media.illustrate.figures import load_drawing
from media.illustrate.local import setting_for
from shared.domain.models import DrawingAnalysis, Motion, Scene, StoryOptions, Style

STYLE_WORDS = {
    Style.STORYBOOK: "a warm children's picture-book illustration, flat friendly colours, soft rounded shapes",
    Style.WATERCOLOR: "a soft watercolour painting for a children's book, gentle washes on textured paper",
    Style.CARTOON_3D: "a bright, glossy 3D cartoon scene for young children, like an animated film",
    Style.ANIME: "a crisp, cheerful anime illustration for children, clean outlines and cel shading",
}
NEGATIVE = "scary, frightening, dark shadows, violence, weapons, blood, sharp teeth, monsters, crying, text, letters, words, watermark"
SHEET_WIDTH = 1024  # the drawing's sheet, sent to the model; the models resize it anyway
PICTURES_FAILED = "pictures_failed"
PICTURES_FAILED_MESSAGE = "We couldn't paint the pictures for this story this time. Please try making the video again."
BLANK_FIGURE = Image.new("RGBA", (2, 2), (0, 0, 0, 0))


def page_prompt(analysis: DrawingAnalysis, scene: Scene, options: StoryOptions) -> str:
    hero = analysis.character or f"{analysis.subject}, as a young child drew it"
    return " ".join(
        [
            f"{STYLE_WORDS[options.style]}.",
            f"The hero, exactly as in the child's drawing: {hero}.",
            f"The place: {setting_for(scene, analysis).value.replace('_', ' ')}.",
            f"This page of the story: {scene.text}",
            "Gentle, bright and safe for a small child.",
        ]
    )


def drawing_seed(drawing: bytes, take: str = "") -> int:
    """The same for every page of a book (and every new look of it), so the pages look alike; a page painted again
    (its own take) gets a seed of its own."""
    return int.from_bytes(hashlib.sha256(drawing + take.encode()).digest()[:4], "big") % 2_147_483_647


def fitted_page(painted: bytes) -> bytes:
    """The model's picture filling the 16:9 frame (cropped at the middle, never stretched), as PNG."""
    page = ImageOps.fit(Image.open(BytesIO(painted)).convert("RGB"), FRAME_SIZE, Image.Resampling.LANCZOS)
    out = BytesIO()
    page.save(out, "PNG", compress_level=3)
    return out.getvalue()


def drawing_sheet(drawing: bytes, aspect: tuple[int, int] = FRAME_SIZE) -> bytes:
    """The drawing whole on a white sheet of `aspect`: a model paints in the sheet's proportions, so no part of it is cropped."""
    width = SHEET_WIDTH
    sheet = Image.new("RGB", (width, width * aspect[1] // aspect[0]), "white")
    drawn = ImageOps.contain(load_drawing(drawing), sheet.size, Image.Resampling.LANCZOS)
    sheet.paste(drawn, ((sheet.width - drawn.width) // 2, (sheet.height - drawn.height) // 2))
    out = BytesIO()
    sheet.save(out, "PNG")
    return out.getvalue()


def blank_figure() -> bytes:
    """The figure layer of a page the model painted whole: nothing on it moves but the camera."""
    return figure_png(BLANK_FIGURE, Stance(left=0, top=0, motion=Motion.REST, heading=1, liveliness=0.0))
