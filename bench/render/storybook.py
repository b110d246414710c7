"""The benchmark's storybook: a drawing, five illustrated pages and their narration, made the same way every run."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw

from media.compose import StoryPage
from media.illustrate import PageToPaint
from media.illustrate.local import LocalIllustrator
from media.narrate.local import PiperNarrator
from shared.domain.models import DrawingAnalysis, Scene, StoryOptions, Style, Theme, VoiceType

TITLE = "Pip and the Paper Kite"
SCENES = (  # about 30 s of video with the title and end cards
    "Pip found a red kite under the big oak tree. It had a long yellow tail.",
    "The wind came dancing over the hill. Up went the kite, higher than the birds!",
    "Pip ran across the grass and held the string tight. The kite waved at the clouds.",
    "When the sun went down, the kite floated back to Pip. What a day!",
    "That night Pip dreamed of flying with the little red kite. Sharing the sky is fun.",
)
INK, PAPER = (40, 90, 200), (246, 243, 236)


def drawing() -> tuple[bytes, bytes]:
    """A child's stick figure on paper (PNG) and the mask of its ink (PNG, mode L)."""
    page, mask = Image.new("RGB", (800, 600), PAPER), Image.new("L", (800, 600), 0)
    for target, colour in ((page, INK), (mask, 255)):
        pen = ImageDraw.Draw(target)
        pen.ellipse((350, 90, 450, 190), outline=colour, width=12)
        for line in ((400, 190, 400, 380), (310, 250, 490, 250), (400, 380, 330, 510), (400, 380, 470, 510)):
            pen.line(line, fill=colour, width=12)
    return _png(page), _png(mask)


def make_storybook(folder: Path, *, style: Style = Style.STORYBOOK, voice: VoiceType = VoiceType.GENTLE) -> tuple[Path, list[StoryPage]]:
    """Writes the drawing, the page pictures and their narrations into `folder`; returns the drawing and the pages."""
    folder.mkdir(parents=True, exist_ok=True)
    image, mask = drawing()
    drawing_path = folder / "drawing.png"
    drawing_path.write_bytes(image)
    illustrator, narrator = LocalIllustrator(), PiperNarrator()
    pages = []
    for number, text in enumerate(SCENES, start=1):
        picture, figure, audio = folder / f"page-{number}.png", folder / f"page-{number}-figure.png", folder / f"page-{number}.mp3"
        illustration = illustrator.illustrate(
            PageToPaint(
                drawing=image,
                figure_mask=mask,
                analysis=DrawingAnalysis(subject="Pip", setting="park"),
                scene=Scene(number=number, text=text),
                scene_count=len(SCENES),
                options=StoryOptions(theme=Theme.ADVENTURE, age=6, voice=voice, style=style),
            )
        )
        picture.write_bytes(illustration.backdrop)
        figure.write_bytes(illustration.figure)
        narration = narrator.narrate(text=text, voice=voice, age=6)
        audio.write_bytes(narration.audio)
        pages.append(
            StoryPage(
                number=number,
                text=text,
                image=picture,
                figure=figure,
                audio=audio,
                duration_sec=narration.duration_sec,
                sentences=narration.sentences,
            )
        )
    return drawing_path, pages


def _png(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
