"""The printable picture book made with every video: its pages, words, pictures, fonts, paper and size, read back
with pypdf as a parent's PDF viewer would."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from media.compose.book import BookPage, picture_book
from media.compose.cards import load_frame
from media.compose.frames import PageArt
from media.illustrate import read_figure
from services.media.tests.conftest import TITLE, Rendered
from shared.domain.models import Language, Paper

POINTS_PER_MM = 72 / 25.4
PAPER_MM = {Paper.A4: (210.0, 297.0), Paper.LETTER: (215.9, 279.4)}
TEN_MB = 10 * 1024 * 1024


def still(page) -> Image.Image:  # noqa: ANN001 - a StoryPage
    return PageArt(load_frame(page.image), *read_figure(page.figure.read_bytes())).still()


def words(text: str) -> str:
    return " ".join(text.split())


def difference(one: Image.Image, other: Image.Image) -> float:
    """Mean absolute difference per channel (0-255) of the two pictures at a small common size."""
    small = [np.asarray(image.convert("RGB").resize((320, 180), Image.Resampling.BOX), dtype=np.int16) for image in (one, other)]
    return float(np.abs(small[0] - small[1]).mean())


@pytest.mark.parametrize("paper", list(Paper))
def test_the_book_has_a_cover_a_page_per_scene_and_an_end_page_on_its_paper(rendered: Rendered, paper: Paper) -> None:
    book = PdfReader(rendered.video.books[paper])

    assert len(book.pages) == 1 + len(rendered.pages) + 1
    for page in book.pages:
        width, height = (float(side) / POINTS_PER_MM for side in (page.mediabox.width, page.mediabox.height))
        assert (width, height) == pytest.approx(PAPER_MM[paper], abs=0.5)
    cover, *scenes, end = (words(page.extract_text()) for page in book.pages)
    assert cover == f"{TITLE} made with NoComelon"
    assert scenes == [
        f"{words(page.text)} {number}" for number, page in enumerate(rendered.pages, start=1)
    ]  # the text, then the page number
    assert end == "The End made with NoComelon"


def test_the_book_s_pictures_are_the_drawing_and_the_scenes_as_the_video_shows_them(rendered: Rendered) -> None:
    book = PdfReader(rendered.video.books[Paper.A4])
    (cover,) = book.pages[0].images
    with Image.open(rendered.drawing) as drawing:
        assert difference(Image.open(BytesIO(cover.data)), drawing.convert("RGB")) < 4

    for page, story_page in zip(book.pages[1:-1], rendered.pages, strict=True):
        (picture,) = page.images
        shown = Image.open(BytesIO(picture.data))
        assert shown.size == (1280, 720)
        assert difference(shown, still(story_page)) < 4
        others = [difference(shown, still(other)) for other in rendered.pages if other is not story_page]
        assert all(other > 4 for other in others)  # each page shows its own scene, not a neighbour's


def test_the_font_is_embedded_so_the_book_prints_the_same_anywhere(rendered: Rendered) -> None:
    book = PdfReader(rendered.video.books[Paper.LETTER])
    resources: list[Any] = [page["/Resources"] for page in book.pages]
    fonts: list[Any] = [font.get_object() for found in resources for font in found["/Font"].values()]

    assert fonts and all("FredokaOne" in font["/BaseFont"] for font in fonts)
    assert all("/FontFile2" in font["/DescendantFonts"][0].get_object()["/FontDescriptor"] for font in fonts)


def test_the_words_are_as_large_as_the_age_asks_and_five_scenes_stay_under_ten_megabytes(rendered: Rendered) -> None:
    pages = [BookPage(text=page.text, picture=still(page)) for page in rendered.pages]
    five = (pages * 2)[:5]
    sizes = {}
    for age in (3, 9):
        made = picture_book(title=TITLE, drawing=rendered.drawing, pages=five, paper=Paper.A4, age=age, language=Language.SPANISH)
        assert len(made) < TEN_MB
        reader = PdfReader(BytesIO(made))
        assert words(reader.pages[-1].extract_text()) == "Fin made with NoComelon"
        sizes[age] = _text_points(reader.pages[1])
    assert sizes[3] > sizes[9] >= 18


def _text_points(page) -> float:  # noqa: ANN001 - a pypdf page
    """The size the page's words are set in (the largest Tf operand on it)."""
    content = page.get_contents().get_data().decode("latin-1")
    sizes = [float(size) for size in re.findall(r"/F\d+ ([\d.]+) Tf", content)]
    return max(sizes)
