"""The printable picture book: a PDF with a cover, one page per scene and an end page, made with fpdf2.

Portrait pages, for a fridge or a ring binder: the scene's picture across the top (as the video shows it at rest, the
child's figure on it) and its words below in Fredoka One, the video's rounded face, embedded as a subset. The text is
set as large as the child's age asks and made smaller only if a long scene would not fit. Pictures go in as JPEG, so
five scenes stay a few megabytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import font_fredoka_one
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from PIL import Image, ImageOps

from media.compose.cards import THE_END
from shared.domain.models import Language, Paper

FONT = "Fredoka"
SIZES_MM = {Paper.A4: (210.0, 297.0), Paper.LETTER: (215.9, 279.4)}
MARGIN_MM = 15.0
GAP_MM = 10.0  # between a picture and its words
FOOTER_MM = 8.0  # the page number
INK = (40, 35, 90)  # the captions' storybook blue
SOFT = (120, 115, 150)
# Points of text by the child's age: big for a first reader, book-sized at nine.
TEXT_POINTS = ((3, 30.0), (5, 26.0), (7, 22.0), (9, 18.0))
SMALLEST_POINTS = 12.0
LINE_HEIGHT = 1.35  # of the font size
JPEG_QUALITY = 88
DRAWING_LONGEST_PX = 1600  # a phone photo is downscaled: paper shows no more at this size


@dataclass(frozen=True)
class BookPage:
    text: str
    picture: Image.Image  # the scene as the video shows it at rest


def text_points(age: int) -> float:
    return next(points for oldest, points in TEXT_POINTS if age <= oldest)


def picture_book(*, title: str, drawing: Path, pages: list[BookPage], paper: Paper, age: int, language: Language) -> bytes:
    """The whole book as PDF bytes. Blocking (Pillow and fpdf2)."""
    width, height = SIZES_MM[paper]
    pdf = FPDF(orientation="portrait", unit="mm", format=(width, height))
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.add_font(FONT, "", font_fredoka_one.font_files["FredokaOne"])
    pdf.set_title(title)
    pdf.set_creator("NoComelon")
    pdf.set_lang(language.value)
    inner = width - 2 * MARGIN_MM

    pdf.add_page()
    pdf.set_text_color(*INK)
    _centred(pdf, title, points=40.0, top=MARGIN_MM + 10, width=inner, bottom=height * 0.3)
    with Image.open(drawing) as opened:
        child = ImageOps.exif_transpose(opened).convert("RGB")
    child.thumbnail((DRAWING_LONGEST_PX, DRAWING_LONGEST_PX), Image.Resampling.LANCZOS)
    _picture(pdf, child, left=MARGIN_MM, top=height * 0.3, width=inner, height=height * 0.55)
    pdf.set_text_color(*SOFT)
    _centred(pdf, "made with NoComelon", points=14.0, top=height - MARGIN_MM - 12, width=inner, bottom=height - MARGIN_MM)

    for number, page in enumerate(pages, start=1):
        pdf.add_page()
        picture_height = inner * page.picture.height / page.picture.width
        room = height - 2 * MARGIN_MM - picture_height - GAP_MM - FOOTER_MM
        points, lines = _fitted_lines(pdf, page.text, points=text_points(age), width=inner, room=room)
        # The picture and its words as one block, a little above the middle of the page, as a picture book sets them.
        block = picture_height + GAP_MM + len(lines) * _line_mm(points)
        top = MARGIN_MM + max(0.0, (height - 2 * MARGIN_MM - FOOTER_MM - block) * 0.4)
        _picture(pdf, page.picture, left=MARGIN_MM, top=top, width=inner, height=picture_height)
        pdf.set_text_color(*INK)
        pdf.set_xy(MARGIN_MM, top + picture_height + GAP_MM)
        pdf.multi_cell(inner, _line_mm(points), text=page.text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*SOFT)
        _centred(pdf, str(number), points=12.0, top=height - MARGIN_MM - FOOTER_MM, width=inner, bottom=height - MARGIN_MM)

    pdf.add_page()
    pdf.set_text_color(*INK)
    _centred(pdf, THE_END[language], points=54.0, top=height * 0.38, width=inner, bottom=height * 0.55)
    pdf.set_text_color(*SOFT)
    _centred(pdf, "made with NoComelon", points=14.0, top=height * 0.6, width=inner, bottom=height * 0.66)
    return bytes(pdf.output())


def _picture(pdf: FPDF, picture: Image.Image, *, left: float, top: float, width: float, height: float) -> None:
    """The picture as large as fits the box, centred in it, as a JPEG."""
    scale = min(width / picture.width, height / picture.height)
    shown = (picture.width * scale, picture.height * scale)
    jpeg = BytesIO()
    picture.convert("RGB").save(jpeg, "JPEG", quality=JPEG_QUALITY, optimize=True)
    jpeg.seek(0)
    pdf.image(jpeg, x=left + (width - shown[0]) / 2, y=top + (height - shown[1]) / 2, w=shown[0], h=shown[1])


def _fitted_lines(pdf: FPDF, text: str, *, points: float, width: float, room: float) -> tuple[float, list[str]]:
    """The largest size up to `points` (down to a legible floor) at which the text fits `room` millimetres of height."""
    while True:
        pdf.set_font(FONT, size=points)
        lines = pdf.multi_cell(width, text=text, dry_run=True, output="LINES")
        assert isinstance(lines, list)  # output="LINES" asks for the lines alone
        if len(lines) * _line_mm(points) <= room or points <= SMALLEST_POINTS:
            return points, lines
        points -= 1


def _centred(pdf: FPDF, text: str, *, points: float, top: float, width: float, bottom: float) -> None:
    """`text` centred across the page and down the band [top, bottom]."""
    points, lines = _fitted_lines(pdf, text, points=points, width=width, room=bottom - top)
    pdf.set_xy(MARGIN_MM, top + (bottom - top - len(lines) * _line_mm(points)) / 2)
    pdf.multi_cell(width, _line_mm(points), text=text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _line_mm(points: float) -> float:
    return points * LINE_HEIGHT * 25.4 / 72
