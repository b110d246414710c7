"""A hero's kind, read from the words of its subject, decides where its story happens and how it moves."""

from __future__ import annotations

import pytest

from shared.domain.models import Motion, SceneSetting
from shared.domain.subjects import TRAITS, SubjectKind, kind_of


@pytest.mark.parametrize(
    ("subject", "kind"),
    [
        ("a red rocket named Zoom", SubjectKind.ROCKET),
        ("a cat under a rainbow", SubjectKind.CAT),
        ("a girl riding a horse", SubjectKind.PERSON),  # the head of the phrase comes first
        ("my cat Luna", SubjectKind.CAT),
        ("three little fishes", SubjectKind.FISH),
        ("puppies", SubjectKind.DOG),
        ("a Christmas tree", SubjectKind.TREE),
        ("a drawing of a boat", SubjectKind.BOAT),  # "drawing" says what it is made of, not what it is
        ("two figures", SubjectKind.UNKNOWN),
        ("your drawing's hero", SubjectKind.UNKNOWN),
    ],
)
def test_the_kind_is_read_from_the_subjects_words(subject: str, kind: SubjectKind) -> None:
    assert kind_of(subject) == kind


@pytest.mark.parametrize("kind", list(SubjectKind))
def test_every_kind_has_three_worlds_and_a_way_to_move(kind: SubjectKind) -> None:
    traits = TRAITS[kind]
    assert len(set(traits.worlds)) >= 3 and traits.moves and traits.verbs and traits.noun


def test_kinds_move_the_way_they_do() -> None:
    assert TRAITS[SubjectKind.FISH].moves[0] == Motion.SWIM and SceneSetting.SPACE not in TRAITS[SubjectKind.FISH].worlds
    assert TRAITS[SubjectKind.ROCKET].moves[0] == Motion.FLY and SceneSetting.SPACE in TRAITS[SubjectKind.ROCKET].worlds
    assert Motion.SWIM not in TRAITS[SubjectKind.CAT].moves
