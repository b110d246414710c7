"""The local illustrator: full frames, four distinct styles, a backdrop per setting, the child's own figure on its own layer."""

from __future__ import annotations

import itertools
import time
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from media.compose.cards import CAPTION_AREA
from media.illustrate import FRAME_SIZE, Illustration, PageToPaint, on_page, read_figure
from media.illustrate.backdrops import choose_setting
from media.illustrate.local import LocalIllustrator, motion_for, setting_for
from shared.domain.models import DrawingAnalysis, Figure, Motion, Scene, SceneSetting, StoryOptions, Style, Theme, VoiceType

INK = np.array((200, 30, 170))  # the stick figure's colour (see conftest)
PAPER = np.array((246, 243, 236))
SAMPLE = Path("/work/shared/samples/image-002.jpg")
ANALYSIS = DrawingAnalysis(subject="a girl", setting="a garden")
SCENE_TEXTS = (
    "Mia walked into the deep forest.",
    "She splashed in the waves at the beach.",
    "At night the moon and the stars watched over her bed.",
)

illustrator = LocalIllustrator()


def layers(
    drawing: bytes, mask: bytes, *, style: Style = Style.STORYBOOK, text: str = SCENE_TEXTS[0], number: int = 2, **scene: object
) -> Illustration:
    options = StoryOptions(theme=Theme.ADVENTURE, age=6, voice=VoiceType.CHEERFUL, style=style)
    page = Scene.model_validate({"number": number, "text": text, **scene})
    return illustrator.illustrate(
        PageToPaint(drawing=drawing, figure_mask=mask, analysis=ANALYSIS, scene=page, scene_count=4, options=options)
    )


def paint(drawing: bytes, mask: bytes, **choices: object) -> bytes:
    """The page as a still PNG: the figure layer pasted on its backdrop where it stands at rest."""
    illustration = layers(drawing, mask, **choices)  # pyright: ignore[reportArgumentType]
    out = BytesIO()
    on_page(Image.open(BytesIO(illustration.backdrop)), *read_figure(illustration.figure)).save(out, "PNG")
    return out.getvalue()


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(BytesIO(png)).convert("RGB"), dtype=np.int16)


def ink_pixels(png: bytes) -> int:
    return int((np.abs(pixels(png) - INK).max(axis=2) < 40).sum())


@pytest.mark.parametrize("style", list(Style))
@pytest.mark.parametrize("text", SCENE_TEXTS)
def test_every_style_paints_a_full_frame_png(drawing, style: Style, text: str) -> None:
    png = layers(drawing.image, drawing.mask, style=style, text=text).backdrop

    image = Image.open(BytesIO(png))
    assert png.startswith(b"\x89PNG") and image.format == "PNG"
    assert image.size == FRAME_SIZE and image.mode == "RGB"


@pytest.mark.parametrize("style", list(Style))
def test_the_childs_figure_is_in_the_picture(drawing, style: Style) -> None:
    # The figure's strokes are 9 px wide and ~700 px long in the drawing; scaled down, thousands of pixels remain.
    assert ink_pixels(paint(drawing.image, drawing.mask, style=style)) > 1500


@pytest.mark.parametrize("style", list(Style))
def test_the_figure_is_its_own_layer_and_the_backdrop_has_none_of_it(drawing, style: Style) -> None:
    illustration = layers(drawing.image, drawing.mask, style=style)

    assert ink_pixels(illustration.backdrop) == 0
    sticker, _ = read_figure(illustration.figure)
    assert ink_pixels(png_of(sticker)) > 1500


def test_the_figure_layer_is_the_masked_ink_never_the_paper(drawing) -> None:
    sticker, _ = read_figure(layers(drawing.image, drawing.mask).figure)
    rgba = np.asarray(sticker, dtype=np.int16)
    shown = rgba[..., 3] > 0
    paper = (np.abs(rgba[..., :3] - PAPER).max(axis=2) < 6) & shown

    # Only the sticker's white border and the ink show; the paper's cream (and with it its edge and lines) never does.
    assert paper.sum() < 0.01 * shown.sum()


def png_of(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


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
def test_every_setting_has_its_own_backdrop_in_every_style(drawing, style: Style) -> None:
    backdrops = {
        setting: pixels(layers(drawing.image, drawing.mask, style=style, setting=setting, motion=Motion.HOP).backdrop)
        for setting in SceneSetting
    }

    for first, second in itertools.combinations(SceneSetting, 2):
        difference = np.abs(backdrops[first] - backdrops[second]).mean()
        assert difference > 12, f"{style}: {first} and {second} differ by only {difference:.1f} per channel"


def test_a_swimmer_gets_water_along_the_bottom(drawing) -> None:
    def bottom(motion: Motion) -> np.ndarray:
        backdrop = layers(drawing.image, drawing.mask, setting=SceneSetting.MEADOW, motion=motion).backdrop
        return pixels(backdrop)[-120:]

    swimming, walking = bottom(Motion.SWIM), bottom(Motion.WALK)
    blue = lambda rows: (rows[..., 2] > rows[..., 1] + 20).mean()  # noqa: E731
    assert blue(swimming) > 0.6 > blue(walking)


def feet_and_height(illustration: Illustration) -> tuple[float, int]:
    """Where the figure's ink ends (the feet) as a share of the frame's height, and how tall its layer is."""
    sticker, stance = read_figure(illustration.figure)
    box = sticker.getchannel("A").getbbox()
    assert box is not None
    return (stance.top + box[3]) / FRAME_SIZE[1], sticker.height


def test_the_figure_stands_where_its_motion_takes_it(drawing) -> None:
    feet = {
        motion: feet_and_height(layers(drawing.image, drawing.mask, setting=SceneSetting.SEA, motion=motion))[0]
        for motion in (Motion.FLY, Motion.WALK, Motion.SWIM, Motion.HOP)
    }

    assert feet[Motion.FLY] < 0.6  # up in the sky
    assert feet[Motion.FLY] < feet[Motion.WALK] < feet[Motion.SWIM]
    assert 0.6 < feet[Motion.HOP] <= CAPTION_AREA[0]  # on the ground, just above the captions' band


def test_a_figure_that_crosses_the_page_starts_on_one_side_heading_for_the_other(drawing) -> None:
    for number in (1, 2, 3, 4):
        sticker, stance = read_figure(layers(drawing.image, drawing.mask, number=number, motion=Motion.FLY).figure)
        middle = (stance.left + sticker.width / 2) / FRAME_SIZE[0]
        assert (middle < 0.5 and stance.heading == 1) or (middle > 0.5 and stance.heading == -1)


def test_the_scripts_setting_and_motion_win_and_the_words_or_the_kind_fill_in() -> None:
    rocket = DrawingAnalysis(subject="a red rocket", setting="")
    assert setting_for(Scene(number=1, text="Zoom!", setting=SceneSetting.SNOW), rocket) is SceneSetting.SNOW
    assert setting_for(Scene(number=1, text="Off to the shops in town."), rocket) is SceneSetting.TOWN
    assert setting_for(Scene(number=1, text="Zoom!"), rocket) is SceneSetting.SKY  # a rocket's home world
    assert motion_for(Scene(number=1, text="It swam.", motion=Motion.BOB), "a fish") is Motion.BOB
    assert motion_for(Scene(number=1, text="The fish swam to the reef."), "a fish") is Motion.SWIM
    assert motion_for(Scene(number=1, text="The cat swam away."), "a cat") is Motion.HOP  # cats do not swim: its usual way
    assert motion_for(Scene(number=1, text="Then the rocket slept."), "a rocket") is Motion.REST


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
    layers(drawing.image, drawing.mask)  # warm caches
    for style in Style:
        started = time.perf_counter()
        layers(drawing.image, drawing.mask, style=style)
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
        (("A rocket flew past the moon.",), SceneSetting.SPACE),  # a tie: the earlier setting wins
        (("Waves rolled onto the sandy beach.",), SceneSetting.SEA),
        (("Under the moon and the stars she fell asleep.",), SceneSetting.NIGHT_SKY),
        (("They had a picnic in the park.",), SceneSetting.MEADOW),
        (("The ducks paddled across the pond.",), SceneSetting.LAKE),
        (("They built a snowman in the snow.",), SceneSetting.SNOW),
        (("Then something wonderful happened.", "in her bedroom"), SceneSetting.HOME),
        (("Then something wonderful happened.", ""), None),
    ],
)
def test_the_setting_follows_the_words(texts: tuple[str, ...], setting: SceneSetting | None) -> None:
    assert choose_setting(*texts) is setting


def test_with_several_figures_the_main_character_leads() -> None:
    """A big blue cat and a small red sun: the cat alone is on the moving layer; the sun stays on the backdrop."""
    page, mask = Image.new("RGB", (800, 600), (250, 250, 246)), Image.new("L", (800, 600), 0)
    for picture, blue, red in ((ImageDraw.Draw(page), (30, 60, 200), (220, 40, 40)), (ImageDraw.Draw(mask), 255, 255)):
        picture.rectangle([150, 200, 450, 520], fill=blue)
        picture.ellipse([600, 60, 700, 160], fill=red)
    analysis = DrawingAnalysis(
        subject="a blue cat",
        figures=[
            Figure(x=150 / 800, y=200 / 600, width=301 / 800, height=321 / 600, area_share=0.2),
            Figure(x=0.75, y=0.1, width=0.125, height=1 / 6, area_share=0.016),
        ],
    )
    options = StoryOptions(theme=Theme.ADVENTURE, age=6, voice=VoiceType.CHEERFUL, style=Style.STORYBOOK)
    scene = Scene(number=2, text="The cat hopped.", setting=SceneSetting.MEADOW, motion=Motion.HOP)
    illustration = illustrator.illustrate(
        PageToPaint(drawing=png_of(page), figure_mask=png_of(mask), analysis=analysis, scene=scene, scene_count=4, options=options)
    )

    sticker, _ = read_figure(illustration.figure)
    rgba = np.asarray(sticker)
    ink = rgba[rgba[..., 3] > 200][:, :3].astype(int)
    assert (np.abs(ink - (30, 60, 200)).max(axis=1) < 40).sum() > 1000, "the cat is on the figure layer"
    assert (np.abs(ink - (220, 40, 40)).max(axis=1) < 40).sum() == 0, "the sun is not on the figure layer"
    backdrop = np.asarray(Image.open(BytesIO(illustration.backdrop)).convert("RGB")).reshape(-1, 3).astype(int)
    assert (np.abs(backdrop - (220, 40, 40)).max(axis=1) < 30).sum() > 500, "the sun stays on the backdrop"
