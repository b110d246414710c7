"""The classical drawing analyser, on real children's drawings and on pages drawn here."""

import time
from functools import cache
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from shared.domain.errors import StageFailure
from vision.analyse import BlockingDrawingAnalyser, DrawingReading
from vision.analyse._words import UNSURE_SUBJECT
from vision.analyse.local import LocalDrawingAnalyser

SAMPLES = Path("/work/shared/samples")

RED_NAMES = {"fire-engine red", "dark red"}
BLUE_NAMES = {"sky blue", "light blue", "blue", "navy blue", "turquoise"}
GREEN_NAMES = {"grass green", "light green", "lime green", "dark green"}


@cache
def analyse(drawing: bytes) -> DrawingReading:
    return LocalDrawingAnalyser().analyse(drawing)


def encode(image: Image.Image, format: str = "PNG", **options: object) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def mask_of(reading: DrawingReading) -> np.ndarray:
    mask = Image.open(BytesIO(reading.figure_mask))
    assert mask.mode == "L"
    values = np.asarray(mask)
    assert set(np.unique(values)) <= {0, 255}
    return values == 255


def white_page(size: tuple[int, int] = (800, 600)) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    page = Image.new("RGB", size, (250, 250, 246))
    return page, ImageDraw.Draw(page)


def stick_figure(draw: ImageDraw.ImageDraw, x: int, y: int, colour: tuple[int, int, int] = (25, 25, 25)) -> None:
    """A head at (x, y), feet 170 pixels below."""
    draw.ellipse([x - 20, y - 20, x + 20, y + 20], outline=colour, width=4)
    draw.line([x, y + 20, x, y + 100], fill=colour, width=4)
    draw.line([x - 35, y + 50, x + 35, y + 50], fill=colour, width=4)
    draw.line([x, y + 100, x - 25, y + 170], fill=colour, width=4)
    draw.line([x, y + 100, x + 25, y + 170], fill=colour, width=4)


# --- the port -------------------------------------------------------------------------------


def test_it_implements_the_port() -> None:
    analyser: BlockingDrawingAnalyser = LocalDrawingAnalyser()
    page, draw = white_page()
    stick_figure(draw, 400, 200)
    reading = analyser.analyse(encode(page))
    assert isinstance(reading, DrawingReading)
    assert reading.analysis.figure_count == 1


# --- unreadable files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "drawing",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"this is not a picture at all" * 10, id="garbage"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, id="png-signature-then-noise"),
        pytest.param(encode(Image.new("RGB", (400, 300), "white"), "JPEG")[:300], id="truncated-jpeg"),
        pytest.param(encode(Image.new("RGB", (8, 8), "white")), id="too-small"),
    ],
)
def test_a_file_that_is_no_readable_drawing_fails_in_plain_words(drawing: bytes) -> None:
    with pytest.raises(StageFailure) as failure:
        LocalDrawingAnalyser().analyse(drawing)
    assert failure.value.code == "unreadable_drawing"
    assert "photo" in failure.value.message
    assert "Pillow" not in failure.value.message and "Error" not in failure.value.message


# --- drawings made here ---------------------------------------------------------------------


def test_a_red_square_and_a_blue_circle_are_two_figures_in_red_and_blue() -> None:
    page, draw = white_page()
    draw.rectangle([100, 200, 300, 400], fill=(220, 30, 30))
    draw.ellipse([500, 200, 700, 400], fill=(30, 60, 220))
    reading = analyse(encode(page))
    analysis = reading.analysis

    assert analysis.figure_count == 2
    square, circle = analysis.figures
    assert square.x == pytest.approx(100 / 800, abs=0.02)
    assert square.width == pytest.approx(200 / 800, abs=0.02)
    assert circle.x == pytest.approx(500 / 800, abs=0.02)
    assert circle.y == pytest.approx(200 / 600, abs=0.02)
    assert square.area_share == pytest.approx(200 * 200 / (800 * 600), rel=0.1)
    assert set(analysis.colors) & RED_NAMES and set(analysis.colors) & BLUE_NAMES
    assert sum(colour.share for colour in analysis.palette) == pytest.approx(1, abs=0.05)
    # Two plain blocks are not anything a child draws for sure: the parent is asked.
    assert analysis.subject == UNSURE_SUBJECT and analysis.subject_unsure
    assert analysis.layout.house_like is False

    mask = mask_of(reading)
    assert mask.shape == (600, 800)
    assert mask[300, 200] and mask[300, 600]
    assert not mask[50, 50] and not mask[300, 400]


def test_palette_entries_are_well_formed_and_largest_first() -> None:
    page, draw = white_page()
    draw.rectangle([50, 50, 250, 250], fill=(250, 210, 40))
    draw.rectangle([300, 100, 400, 200], fill=(120, 60, 175))
    stick_figure(draw, 600, 200)
    analysis = analyse(encode(page)).analysis
    assert analysis.colors[0] == "sunshine yellow"
    assert {"purple", "black"} <= set(analysis.colors)
    shares = [colour.share for colour in analysis.palette]
    assert shares == sorted(shares, reverse=True)
    assert all(colour.hex == colour.hex.lower() and len(colour.hex) == 7 for colour in analysis.palette)
    assert analysis.colors == [colour.name for colour in analysis.palette]


def test_a_transparent_png_reads_its_see_through_parts_as_paper() -> None:
    page = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    draw = ImageDraw.Draw(page)
    stick_figure(draw, 300, 200, colour=(20, 20, 20))
    draw.ellipse([450, 50, 550, 150], fill=(230, 40, 40, 255))
    reading = analyse(encode(page))
    assert reading.analysis.figure_count == 2
    assert set(reading.analysis.colors) <= {"black", "grey"} | RED_NAMES
    mask = mask_of(reading)
    assert mask.shape == (600, 600)
    assert mask[100, 500] and mask[200 + 60, 300]
    assert mask.mean() < 0.1


def test_a_quarter_turned_phone_photo_is_read_upright() -> None:
    # Stored on its side, with the EXIF tag that tells a viewer to turn it upright.
    upright, draw = white_page((400, 600))
    draw.rectangle([40, 40, 140, 140], fill=(30, 60, 220))
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    reading = analyse(encode(stored, "JPEG", quality=95, exif=exif))

    mask = mask_of(reading)
    assert mask.shape == (600, 400)
    assert mask[90, 90] and not mask[500, 300]
    (square,) = reading.analysis.figures
    assert square.x == pytest.approx(40 / 400, abs=0.02)
    assert square.y == pytest.approx(40 / 600, abs=0.02)


@pytest.mark.parametrize("mode", ["L", "P", "CMYK", "LA"])
def test_every_common_image_mode_is_read(mode: str) -> None:
    page, draw = white_page()
    stick_figure(draw, 400, 200)
    converted = page.convert(mode)
    reading = analyse(encode(converted, "JPEG" if mode == "CMYK" else "PNG"))
    assert reading.analysis.figure_count == 1
    assert reading.analysis.colors[0] == "black"
    assert mask_of(reading).shape == (600, 800)


def test_a_sixteen_bit_greyscale_scan_is_read() -> None:
    scan = np.full((600, 800), 60_000, dtype=np.uint16)
    scan[200:400, 300:500] = 3_000
    reading = analyse(encode(Image.fromarray(scan)))
    assert reading.analysis.figure_count == 1 and reading.analysis.colors[0] == "black"
    assert mask_of(reading)[300, 400]


def test_shadow_across_the_page_is_not_ink() -> None:
    # A photo lit from the left: the paper darkens by 40% to the right, with camera noise.
    light = np.linspace(250, 150, 800)[None, :, None] * np.linspace(1.0, 0.85, 600)[:, None, None]
    noise = np.random.default_rng(1).normal(0, 4, (600, 800, 3))
    page = Image.fromarray(np.clip(light + noise, 0, 255).astype(np.uint8))
    stick_figure(ImageDraw.Draw(page), 600, 200, colour=(20, 20, 20))
    reading = analyse(encode(page, "JPEG", quality=85))
    assert reading.analysis.figure_count == 1
    assert reading.analysis.colors == ["black"]
    assert mask_of(reading)[:, :450].sum() == 0


def test_the_table_around_a_photographed_page_is_not_a_figure() -> None:
    photo = Image.new("RGB", (1000, 750), (110, 80, 50))
    draw = ImageDraw.Draw(photo)
    draw.polygon([(80, 60), (940, 40), (960, 700), (60, 720)], fill=(235, 232, 220))
    stick_figure(draw, 500, 250)
    reading = analyse(encode(photo, "JPEG"))
    assert reading.analysis.figure_count == 1
    assert reading.analysis.colors == ["black"]
    mask = mask_of(reading)
    assert not mask[:30].any() and not mask[-20:].any() and not mask[:, :50].any()


def test_a_blank_page_has_no_figures() -> None:
    page, _ = white_page()
    reading = analyse(encode(page, "JPEG"))
    assert reading.analysis.figure_count == 0
    assert reading.analysis.figures == [] and reading.analysis.palette == []
    assert reading.analysis.subject == "a blank page"
    assert not mask_of(reading).any()


def test_sky_ground_sun_and_house_are_recognised_and_the_bands_left_out_of_the_mask() -> None:
    page, draw = white_page()
    draw.rectangle([0, 0, 800, 70], fill=(90, 170, 230))  # sky
    draw.rectangle([0, 520, 800, 600], fill=(60, 170, 60))  # grass
    draw.ellipse([600, 100, 700, 200], fill=(250, 210, 40))  # sun
    for angle in np.radians(np.arange(0, 360, 30)):
        inner, outer = (650 + 60 * np.cos(angle), 150 + 60 * np.sin(angle)), (650 + 90 * np.cos(angle), 150 + 90 * np.sin(angle))
        draw.line([inner, outer], fill=(250, 210, 40), width=5)
    draw.rectangle([150, 330, 350, 520], fill=(160, 100, 50), outline=(20, 20, 20), width=4)  # walls
    draw.polygon([(130, 330), (250, 230), (370, 330)], fill=(210, 35, 40))  # roof
    stick_figure(draw, 490, 350)
    reading = analyse(encode(page))
    analysis = reading.analysis

    assert analysis.layout.model_dump() == {"sky_at_top": True, "ground_at_bottom": True, "sun": True, "house_like": True}
    assert analysis.setting == "outdoors under a blue sky, on green grass and in the sunshine"
    assert {"a yellow sun", "a red-roofed shape", "blue sky", "green grass"} <= set(analysis.details)
    assert analysis.figure_count == 3  # the house, the figure and the sun; not the sky or the grass
    assert analysis.subject == "a brown house" and not analysis.subject_unsure
    mask = mask_of(reading)
    assert not mask[:60].any() and not mask[535:].any()
    assert mask[400, 250] and mask[350 + 60, 490]


def test_a_stick_figure_is_a_child() -> None:
    page, draw = white_page()
    stick_figure(draw, 400, 200)
    analysis = analyse(encode(page)).analysis
    assert analysis.subject == "a child" and not analysis.subject_unsure
    assert analysis.setting == ""
    assert analysis.details == ["1 figure", "drawn mostly in black"]


def test_a_drawing_on_a_dark_page_happens_at_night() -> None:
    page = Image.new("RGB", (800, 600), (30, 40, 80))
    stick_figure(ImageDraw.Draw(page), 400, 200, colour=(250, 240, 200))
    analysis = analyse(encode(page)).analysis
    assert analysis.setting == "under a dark night sky"


def test_a_dark_page_with_a_sun_on_it_is_not_a_night() -> None:
    page = Image.new("RGB", (800, 600), (30, 40, 80))
    draw = ImageDraw.Draw(page)
    stick_figure(draw, 400, 250, colour=(250, 240, 200))
    draw.ellipse([620, 40, 720, 140], fill=(250, 210, 30))
    assert "night" not in analyse(encode(page)).analysis.setting


def test_a_figure_it_cannot_name_is_left_for_the_parent_to_name() -> None:
    page, draw = white_page()
    # A zigzag scribble: no shape test's figure.
    draw.line([(250, 300), (320, 180), (380, 320), (450, 170), (520, 330), (600, 200)], fill=(25, 25, 25), width=6)
    analysis = analyse(encode(page)).analysis
    assert analysis.subject == UNSURE_SUBJECT and analysis.subject_unsure
    assert analysis.subject_confidence < 0.6
    assert analysis.details == ["1 figure", "drawn mostly in black"]


def test_mostly_blue_and_green_reads_calm_and_warm_colours_happy() -> None:
    cool, draw = white_page()
    draw.ellipse([100, 100, 350, 350], fill=(40, 80, 200))
    draw.ellipse([450, 100, 700, 350], fill=(25, 95, 55))
    warm, draw = white_page()
    draw.ellipse([100, 100, 350, 350], fill=(250, 210, 40))
    draw.ellipse([450, 100, 700, 350], fill=(235, 90, 160))
    assert analyse(encode(cool)).analysis.mood == "calm"
    assert analyse(encode(warm)).analysis.mood == "happy"


def test_the_reading_is_repeatable() -> None:
    page, draw = white_page()
    draw.ellipse([100, 100, 350, 350], fill=(250, 130, 30))
    stick_figure(draw, 550, 150)
    first = LocalDrawingAnalyser().analyse(encode(page))
    second = LocalDrawingAnalyser().analyse(encode(page))
    assert first == second


def test_a_phone_sized_photo_is_read_in_well_under_two_seconds() -> None:
    page, draw = white_page((4032, 3024))
    for x in range(400, 4000, 700):
        draw.ellipse([x - 100, 600, x + 100, 800], outline=(30, 30, 30), width=18)
        draw.line([x, 800, x, 1900], fill=(200, 40, 40), width=18)
    photo = encode(page, "JPEG", quality=90)
    started = time.perf_counter()
    reading = LocalDrawingAnalyser().analyse(photo)
    assert time.perf_counter() - started < 2.0
    assert reading.analysis.figure_count == 6
    assert mask_of(reading).shape == (3024, 4032)


# --- the real drawings ----------------------------------------------------------------------

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"the sample drawings are not on this machine ({SAMPLES} is missing)")


def read_sample(name: str) -> tuple[DrawingReading, tuple[int, int]]:
    drawing = (SAMPLES / name).read_bytes()
    return analyse(drawing), Image.open(BytesIO(drawing)).size


@needs_samples
@pytest.mark.parametrize("name", ["image-001.png", "image-002.jpg", "image-003.jpg", "image-004.jpg", "image-005.jpg"])
def test_every_sample_gets_a_consistent_reading_and_a_mask_of_its_size(name: str) -> None:
    reading, (width, height) = read_sample(name)
    analysis = reading.analysis
    mask = mask_of(reading)
    assert mask.shape == (height, width)
    assert 0.01 < mask.mean() < 0.6
    assert analysis.figure_count == len(analysis.figures) >= 1
    assert [figure.x for figure in analysis.figures] == sorted(figure.x for figure in analysis.figures)
    assert all(figure.x + figure.width <= 1.0001 and figure.y + figure.height <= 1.0001 for figure in analysis.figures)
    assert 1 <= len(analysis.palette) <= 6
    assert sum(colour.share for colour in analysis.palette) <= 1.0001


@needs_samples
def test_sample_001_four_children_by_a_house_in_felt_tip() -> None:
    # Four stick children holding hands (so their ink joins), blue squiggles across the
    # top, a red scribble and an outlined house with a red roof on the right.
    analysis = read_sample("image-001.png")[0].analysis
    assert {"black", "fire-engine red", "purple"} <= set(analysis.colors)
    assert set(analysis.colors) & BLUE_NAMES
    assert 3 <= analysis.figure_count <= 8
    assert analysis.layout.sky_at_top  # blue is all the ink along the top
    assert not analysis.layout.sun and not analysis.layout.ground_at_bottom


@needs_samples
def test_sample_002_a_blue_house_under_an_orange_corner_sun() -> None:
    analysis = read_sample("image-002.jpg")[0].analysis
    assert {"sky blue", "orange"} <= set(analysis.colors)
    assert analysis.layout.sun and analysis.layout.house_like
    assert not analysis.layout.sky_at_top  # the sky is white paper with pencil clouds
    assert analysis.figure_count >= 3  # sun, house, aeroplane, tree
    assert analysis.subject == "a blue house"
    assert analysis.mood == "calm"  # mostly blue


@needs_samples
def test_sample_003_a_rainbow_over_two_children_and_a_heart() -> None:
    analysis = read_sample("image-003.jpg")[0].analysis
    colours = set(analysis.colors)
    # Seven crayons, and the palette holds six: most of the rainbow's bands make it.
    rainbow = [{"fire-engine red"}, {"orange"}, {"sunshine yellow"}, {"purple"}, GREEN_NAMES, BLUE_NAMES]
    assert sum(bool(colours & band) for band in rainbow) >= 5
    assert 1 <= analysis.figure_count <= 4  # the rainbow; the children and the heart they hold
    # A rainbow is neither a sky nor a sun, and nothing here is a house.
    assert analysis.layout.model_dump() == {"sky_at_top": False, "ground_at_bottom": False, "sun": False, "house_like": False}


@needs_samples
def test_sample_004_a_greyscale_horse_is_one_black_figure() -> None:
    analysis = read_sample("image-004.jpg")[0].analysis
    assert analysis.figure_count == 1
    assert analysis.subject == "a black horse" and not analysis.subject_unsure  # four legs under a body, its head held high
    assert set(analysis.colors) <= {"black", "grey"} and analysis.colors[0] == "black"
    assert not any(analysis.layout.model_dump().values())


@needs_samples
def test_sample_005_a_page_of_crayon_doodles_with_a_sun() -> None:
    analysis = read_sample("image-005.jpg")[0].analysis
    assert {"pink", "orange", "sky blue", "black"} <= set(analysis.colors)
    assert analysis.layout.sun
    assert not analysis.layout.sky_at_top and not analysis.layout.house_like
    assert analysis.figure_count >= 8  # flower, bunting, scribble, sun, balloon, children, dog, bus, cat, sweet
