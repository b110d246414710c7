"""A drawing analyser that needs no model and no network: classical image analysis.

It reads what shapes and colours show (how many figures, where, in which
colours, a sky, the ground, a sun, a house-like block) and says no more.
"""

from io import BytesIO

import numpy as np
from PIL import Image

from shared.domain.models import Figure
from vision.analyse import DrawingReading
from vision.analyse._colour import in_families, read_colours
from vision.analyse._ink import find_ink
from vision.analyse._kinds import name_main_figure
from vision.analyse._picture import read_picture
from vision.analyse._shapes import (
    GROUND_FAMILIES,
    SKY_FAMILIES,
    Region,
    band_mask,
    edge_strip,
    find_figures,
    find_house,
    find_sun,
    strip_dominated,
)
from vision.analyse._words import Scene, describe


class LocalDrawingAnalyser:
    """Implements the DrawingAnalyser port with Pillow, numpy and scipy, in well under a second."""

    def analyse(self, drawing: bytes) -> DrawingReading:
        picture = read_picture(drawing)
        ink = find_ink(picture.rgb)
        colours = read_colours(ink.colours, ink.mask, ink.core)
        sky_band, ground_band = band_mask(colours.names)
        figures = find_figures(ink.mask & ~sky_band & ~ground_band)
        house = find_house(colours.names)
        scene = Scene(
            sky=bool(sky_band.any()) or strip_dominated(ink.mask, in_families(colours.names, SKY_FAMILIES), at_top=True),
            ground=_ground(ink.mask, colours.names, ground_band),
            sun=find_sun(colours.names),
            house=house is not None,
            red_roof=house is not None and house.red_roof,
            has_ink=bool(ink.mask.any()),
            dark_page=ink.dark_paper,
        )
        analysis = describe(
            scene,
            figures=[_figure(region, figures.labels.shape) for region in figures.regions],
            naming=name_main_figure(figures, colours.names, house=house is not None),
            palette=colours.palette,
        )
        return DrawingReading(analysis=analysis, figure_mask=_mask_png(figures.labels > 0, picture.upright_size))


def _ground(ink: np.ndarray, names: np.ndarray, ground_band: np.ndarray) -> str | None:
    """The colour family of a ground along the bottom ("green" or "brown"), None when there is none."""
    if ground_band.any():
        area = ground_band
    elif strip_dominated(ink, in_families(names, GROUND_FAMILIES), at_top=False):
        area = np.zeros_like(ink)
        area[edge_strip(ink.shape[0], at_top=False)] = True
    else:
        return None
    return max(sorted(GROUND_FAMILIES), key=lambda family: int((in_families(names, {family}) & area).sum()))


def _figure(region: Region, shape: tuple[int, int]) -> Figure:
    height, width = shape
    return Figure(
        x=round(region.left / width, 4),
        y=round(region.top / height, 4),
        width=round((region.right - region.left) / width, 4),
        height=round((region.bottom - region.top) / height, 4),
        area_share=round(region.ink_pixels / (height * width), 4),
    )


def _thresholded(value: int) -> int:
    return 255 if value >= 128 else 0


def _mask_png(mask: np.ndarray, size: tuple[int, int]) -> bytes:
    image = Image.fromarray(mask.astype(np.uint8) * 255)
    if image.size != size:
        # Resizing smoothly and then thresholding keeps stroke edges round instead of blocky.
        image = image.resize(size, Image.Resampling.BILINEAR).point(_thresholded)
    buffer = BytesIO()
    # The fastest compression still shrinks a mostly black mask well; a phone photo's is 12 MP.
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
