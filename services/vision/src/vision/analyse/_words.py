"""Putting what was found into the plain words of a DrawingAnalysis.

Only what the shapes and colours show is said: the subject is named when the main
figure's shape says clearly what it is, and is a placeholder the parent is asked
to replace otherwise.
"""

from dataclasses import dataclass

from shared.domain.models import DrawingAnalysis, Figure, LayoutHints, PaletteColour
from shared.domain.subjects import TRAITS, SubjectKind
from vision.analyse._colour import ALL_COLOURS
from vision.analyse._kinds import Naming

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_COOL_FAMILIES = {"blue", "green", "purple"}
_PLAIN_FAMILIES = {"black", "grey"}
# Mostly cool colours, or hardly any colour at all, read as a quiet picture.
_CALM_COOL_SHARE = 0.5
_CALM_MAX_COLOURED_SHARE = 0.1
# What the subject is called when the shapes do not tell: the parent is asked, and the story has a hero meanwhile.
UNSURE_SUBJECT = "your drawing's hero"
# A child or a rainbow is many colours at once: its colour word would mislead.
_COLOURLESS_KINDS = {SubjectKind.PERSON, SubjectKind.RAINBOW}


@dataclass(frozen=True)
class Scene:
    """What the page shows besides the figures."""

    sky: bool
    ground: str | None  # "green" or "brown"
    sun: str | None  # "yellow" or "orange"
    house: bool
    red_roof: bool
    has_ink: bool
    dark_page: bool = False  # drawn on dark paper: with no sun on it, a child's night


def describe(
    scene: Scene,
    figures: list[Figure],
    naming: Naming,
    palette: list[PaletteColour],
) -> DrawingAnalysis:
    return DrawingAnalysis(
        subject=_subject(scene, naming, len(figures)),
        subject_confidence=naming.confidence,
        subject_unsure=naming.kind is SubjectKind.UNKNOWN,
        setting=_setting(scene),
        details=_details(scene, len(figures), palette),
        mood=_mood(palette),
        colors=[colour.name for colour in palette],
        figure_count=len(figures),
        figures=figures,
        palette=palette,
        layout=LayoutHints(
            sky_at_top=scene.sky, ground_at_bottom=scene.ground is not None, sun=scene.sun is not None, house_like=scene.house
        ),
    )


def _subject(scene: Scene, naming: Naming, figure_count: int) -> str:
    if naming.kind is not SubjectKind.UNKNOWN:
        noun = TRAITS[naming.kind].noun
        colour = naming.family if naming.kind not in _COLOURLESS_KINDS else ""
        phrase = f"{colour} {noun}" if colour else noun
        return f"{_article(phrase)} {phrase}"
    if figure_count:
        return UNSURE_SUBJECT
    return "lines and colours" if scene.has_ink else "a blank page"


def _setting(scene: Scene) -> str:
    places = []
    if scene.dark_page and not scene.sun:  # a night is not "outdoors": a rocket's or an owl's night is theirs
        return _join(["under a dark night sky", *(["on green grass"] if scene.ground == "green" else [])])
    if scene.sky:
        places.append("under a blue sky")
    if scene.ground == "green":
        places.append("on green grass")
    elif scene.ground == "brown":
        places.append("on brown ground")
    if scene.sun:
        places.append("in the sunshine")
    return f"outdoors {_join(places)}" if places else ""


def _details(scene: Scene, figure_count: int, palette: list[PaletteColour]) -> list[str]:
    details = []
    if scene.sun:
        details.append(f"{_article(scene.sun)} {scene.sun} sun")
    if scene.house:
        details.append("a red-roofed shape" if scene.red_roof else "a house-like shape")
    if scene.sky:
        details.append("blue sky")
    if scene.ground:
        details.append("green grass" if scene.ground == "green" else "brown ground")
    if figure_count:
        details.append("1 figure" if figure_count == 1 else f"{figure_count} figures")
    if palette:
        details.append(f"drawn mostly in {palette[0].name}")
    return details


def _mood(palette: list[PaletteColour]) -> str:
    if not palette:
        return "happy"
    family_of = {colour.name: colour.family for colour in ALL_COLOURS}
    cool = sum(colour.share for colour in palette if family_of[colour.name] in _COOL_FAMILIES)
    coloured = sum(colour.share for colour in palette if family_of[colour.name] not in _PLAIN_FAMILIES)
    return "calm" if cool >= _CALM_COOL_SHARE or coloured < _CALM_MAX_COLOURED_SHARE else "happy"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
