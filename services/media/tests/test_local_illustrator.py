"""The local illustrator: full frames, four distinct styles, the child's own figure in every one."""

from __future__ import annotations

import itertools
import time
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from media.illustrate import FRAME_SIZE
from media.illustrate.backdrops import Setting, choose_setting, setting_for
from media.illustrate.local import LocalIllustrator
from shared.domain.models import DrawingAnalysis, Scene, SceneSetting, Style

INK = np.array((200, 30, 170))  # the stick figure's colour (see conftest)
SAMPLE = Path("/work/shared/samples/image-002.jpg")
ANALYSIS = DrawingAnalysis(subject="a girl", setting="a garden")
SCENE_TEXTS = (
    "Mia walked into the deep forest.",
    "She splashed in the waves at the beach.",
    "At night the moon and the stars watched over her bed.",
)

illustrator = LocalIllustrator()


def paint(drawing: bytes, mask: bytes, *, style: Style = Style.STORYBOOK, text: str = SCENE_TEXTS[0], number: int = 2) -> bytes:
    scene = Scene(number=number, text=text)
    return illustrator.illustrate(drawing=drawing, figure_mask=mask, analysis=ANALYSIS, scene=scene, scene_count=4, style=style)


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(BytesIO(png)).convert("RGB"), dtype=np.int16)


def ink_pixels(png: bytes) -> int:
    return int((np.abs(pixels(png) - INK).max(axis=2) < 40).sum())


@pytest.mark.parametrize("style", list(Style))
@pytest.mark.parametrize("text", SCENE_TEXTS)
def test_every_style_paints_a_full_frame_png(drawing, style: Style, text: str) -> None:
    png = paint(drawing.image, drawing.mask, style=style, text=text)

    image = Image.open(BytesIO(png))
    assert png.startswith(b"\x89PNG") and image.format == "PNG"
    assert image.size == FRAME_SIZE and image.mode == "RGB"


@pytest.mark.parametrize("style", list(Style))
def test_the_childs_figure_is_in_the_picture(drawing, style: Style) -> None:
    # The figure's strokes are 9 px wide and ~700 px long in the drawing; scaled down, thousands of pixels remain.
    assert ink_pixels(paint(drawing.image, drawing.mask, style=style)) > 1500


def test_an_empty_mask_places_the_whole_drawing(drawing) -> None:
    assert ink_pixels(paint(drawing.image, drawing.empty_mask)) > 1500


def test_the_four_styles_look_clearly_different(drawing) -> None:
    frames = {style: pixels(paint(drawing.image, drawing.mask, style=style)) for style in Style}

    for first, second in itertools.combinations(Style, 2):
        difference = np.abs(frames[first] - frames[second]).mean()
        assert difference > 10, f"{first} and {second} differ by only {difference:.1f} per channel"


def test_scenes_are_composed_differently(drawing) -> None:
    first, second = (pixels(paint(drawing.image, drawing.mask, number=number)) for number in (1, 2))

    assert np.abs(first - second).mean() > 10


@pytest.mark.parametrize("style", list(Style))
def test_the_same_scene_paints_the_same_picture(drawing, style: Style) -> None:
    assert paint(drawing.image, drawing.mask, style=style) == paint(drawing.image, drawing.mask, style=style)


def test_an_upright_mask_fits_a_photo_stored_sideways(drawing) -> None:
    page = Image.open(BytesIO(drawing.image))
    sideways = BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view, as phone cameras write it
    page.transpose(Image.Transpose.ROTATE_90).save(sideways, "JPEG", quality=95, exif=exif)

    assert ink_pixels(paint(sideways.getvalue(), drawing.mask)) > 1500


def test_a_frame_takes_well_under_a_second(drawing) -> None:
    paint(drawing.image, drawing.mask)  # warm caches
    for style in Style:
        started = time.perf_counter()
        paint(drawing.image, drawing.mask, style=style)
        assert time.perf_counter() - started < 1.0


@pytest.mark.skipif(not SAMPLE.exists(), reason="the sample drawings are not on this machine")
def test_a_photographed_drawing(drawing) -> None:
    photo = SAMPLE.read_bytes()
    page = np.asarray(Image.open(BytesIO(photo)).convert("L"))
    mask = BytesIO()
    Image.fromarray(np.where(page < 110, 255, 0).astype(np.uint8)).save(mask, "PNG")

    for style in Style:
        assert Image.open(BytesIO(paint(photo, mask.getvalue(), style=style))).size == FRAME_SIZE


@pytest.mark.parametrize(
    ("texts", "setting"),
    [
        (("A rocket flew past the moon.",), Setting.SPACE),  # a tie: the earlier setting wins
        (("Waves rolled onto the sandy beach.",), Setting.SEA),
        (("Under the stars she fell asleep in her bed.",), Setting.NIGHT),
        (("They had a picnic in the park.",), Setting.PARK),
        (("Then something wonderful happened.", "a big house"), Setting.HOME),
        (("Then something wonderful happened.", ""), Setting.MEADOW),
    ],
)
def test_the_setting_follows_the_words(texts: tuple[str, ...], setting: Setting) -> None:
    assert choose_setting(*texts) is setting


def test_the_scripts_own_setting_wins_over_the_words() -> None:
    indoors = Scene(number=5, text="Off wandered the happy hero, back indoors.", setting=SceneSetting.HOME)
    assert setting_for(indoors, "a sunny meadow") is Setting.HOME
    assert setting_for(Scene(number=1, text="A rocket flew past the moon.", setting=SceneSetting.SEA), "") is Setting.SEA
    assert setting_for(Scene(number=1, text="A rocket flew past the moon."), "") is Setting.SPACE
    assert {setting_for(Scene(number=1, text="x", setting=kind), "") for kind in SceneSetting} <= set(Setting)
