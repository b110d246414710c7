"""How well the offline analyser names what a child drew, and cuts it out, on a labelled set.

The set is the project's own crayon drawings of every common subject on every kind of paper (tests/crayon.py)
and the real sample drawings beside the repo. A subject may be left unsure (the parent is asked), but one that
is named must be right: no kind's precision under 0.9. `pytest -s` prints the table.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from shared.domain.models import DrawingAnalysis
from shared.domain.subjects import SubjectKind, kind_of
from tests.crayon import SUBJECTS, Drawing, Paper, evaluation_set
from tests.paths import SAMPLES, sample
from vision.analyse.local import LocalDrawingAnalyser

MIN_PRECISION = 0.9
# The figure's own strokes, and the pixels a stroke's soft edge and the mask's smoothing add around them.
_EDGE_PIXELS = 4


@dataclass(frozen=True)
class Labelled:
    name: str
    kind: SubjectKind  # what the drawing is of, for recall
    also_drawn: frozenset[SubjectKind]  # other subjects plainly on the page: naming one of them is not wrong


# Looked at one by one: what each sample drawing shows.
SAMPLE_LABELS = (
    Labelled("image-001.png", SubjectKind.PERSON, frozenset({SubjectKind.HOUSE})),  # four children by a house
    Labelled(
        "image-002.jpg", SubjectKind.HOUSE, frozenset({SubjectKind.PERSON, SubjectKind.SUN, SubjectKind.ROCKET})
    ),  # a blue house, "me", a sun, a plane
    Labelled(
        "image-003.jpg", SubjectKind.RAINBOW, frozenset({SubjectKind.PERSON, SubjectKind.HEART})
    ),  # two children and a heart under a rainbow
    Labelled("image-004.jpg", SubjectKind.HORSE, frozenset()),  # a black brush horse
    Labelled(
        "image-005.jpg",
        SubjectKind.PERSON,  # a page of doodles: four children in the middle
        frozenset({SubjectKind.FLOWER, SubjectKind.SUN, SubjectKind.HEART, SubjectKind.DOG, SubjectKind.CAR, SubjectKind.CAT}),
    ),
)


@dataclass(frozen=True)
class Result:
    source: str
    labelled: Labelled
    analysis: DrawingAnalysis

    @property
    def named(self) -> SubjectKind | None:
        return None if self.analysis.subject_unsure else kind_of(self.analysis.subject)

    @property
    def right(self) -> bool:
        return self.named in {self.labelled.kind, *self.labelled.also_drawn}


@cache
def _generated() -> list[tuple[Drawing, DrawingAnalysis, np.ndarray]]:
    analyser = LocalDrawingAnalyser()
    readings = []
    for drawing in evaluation_set(per_kind=3):
        reading = analyser.analyse(drawing.png)
        mask = np.asarray(Image.open(io.BytesIO(reading.figure_mask))) > 127
        readings.append((drawing, reading.analysis, mask))
    return readings


def _results() -> list[Result]:
    results = [
        Result(f"{drawing.kind} on {drawing.paper} paper", Labelled(drawing.kind, drawing.kind, frozenset()), analysis)
        for drawing, analysis, _ in _generated()
    ]
    if SAMPLES.is_dir():
        analyser = LocalDrawingAnalyser()
        for labelled in SAMPLE_LABELS:
            analysis = analyser.analyse(sample(labelled.name).read_bytes()).analysis
            results.append(Result(labelled.name, labelled, analysis))
    return results


def test_no_subject_is_named_wrongly_often_and_the_table_is_printed() -> None:
    results = _results()
    named = Counter(result.named for result in results if result.named)
    right = Counter(result.named for result in results if result.named and result.right)
    drawn = Counter(result.labelled.kind for result in results)
    found = Counter(result.labelled.kind for result in results if result.named == result.labelled.kind)
    print(f"\nvision: {len(results)} drawings ({len([r for r in results if r.labelled.name.startswith('image-')])} samples)")
    print(f"{'subject':<10} {'drawn':>5} {'named':>5} {'right':>5} {'precision':>9} {'recall':>6}")
    for kind in SUBJECTS:
        precision = f"{right[kind] / named[kind]:.2f}" if named[kind] else "-"
        recall = f"{found[kind] / drawn[kind]:.2f}" if drawn[kind] else "-"
        print(f"{kind:<10} {drawn[kind]:>5} {named[kind]:>5} {right[kind]:>5} {precision:>9} {recall:>6}")
    unsure = sum(result.analysis.subject_unsure for result in results)
    print(f"unsure: {unsure} of {len(results)}; named wrongly: {sum(named.values()) - sum(right.values())}")
    for result in results:
        if result.named and not result.right:
            print(f"  wrong: {result.source} read as {result.analysis.subject!r} ({result.analysis.subject_confidence})")
    for kind, count in named.items():
        assert right[kind] / count >= MIN_PRECISION, f"{kind} is named wrongly too often"
    # A subject the analyser is unsure of carries no kind the story could take for the truth.
    assert all(kind_of(result.analysis.subject) is SubjectKind.UNKNOWN for result in results if result.analysis.subject_unsure)
    assert sum(found.values()) >= 0.75 * len(results), "the analyser names too few of the drawings at all"


@pytest.mark.parametrize("paper", list(Paper))
def test_the_cut_out_is_the_figure_never_the_paper_its_lines_or_its_edge(paper: Paper) -> None:
    for drawing, _, mask in _generated():
        if drawing.paper is not paper:
            continue
        near_figure = ndimage.binary_dilation(drawing.figure, iterations=_EDGE_PIXELS)
        on_figure = (mask & near_figure).sum() / max(1, mask.sum())
        of_figure = (mask & drawing.figure).sum() / drawing.figure.sum()
        assert on_figure >= 0.97, f"{drawing.kind} on {paper} paper: {1 - on_figure:.0%} of the cut-out is not the figure"
        assert of_figure >= 0.9, f"{drawing.kind} on {paper} paper: the cut-out keeps only {of_figure:.0%} of the figure"
