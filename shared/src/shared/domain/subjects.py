"""What kind of thing a drawing's hero is, and what follows from that: where it lives and how it moves.

The analyser names a subject ("a red rocket"), a parent may correct it ("Zoom, my rocket"); either way the
story and the pictures need its kind, so they send a rocket into the sky and a fish into the sea, and let a
cat pounce but never swim. The kind is read from the words of the subject, so a parent's correction counts
exactly as the analyser's naming does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from shared.domain.models import Motion, SceneSetting


class SubjectKind(StrEnum):
    PERSON = "person"
    CAT = "cat"
    DOG = "dog"
    HORSE = "horse"
    BIRD = "bird"
    FISH = "fish"
    ROCKET = "rocket"
    CAR = "car"
    HOUSE = "house"
    TREE = "tree"
    FLOWER = "flower"
    SUN = "sun"
    RAINBOW = "rainbow"
    HEART = "heart"
    BOAT = "boat"
    DINOSAUR = "dinosaur"
    CREATURE = "creature"  # anything else with a face: a monster, a dragon, a bunny, a bear
    UNKNOWN = "unknown"  # the analyser could not tell, and nobody said


@dataclass(frozen=True)
class KindTraits:
    """What a kind of hero does in a story: its noun, its worlds (first is home), its ways of moving, its verbs."""

    noun: str  # how the story names it when nothing better is known: "rocket"
    worlds: tuple[SceneSetting, ...]  # at least three; the first is where its story starts
    moves: tuple[Motion, ...]  # how its figure may move; the first is its usual way
    verbs: tuple[str, ...]  # what it does, past tense, fitting its kind: "zoomed", "swam"
    words: tuple[str, ...]  # the words that name this kind in a subject (singular; plurals are read too)


TRAITS: dict[SubjectKind, KindTraits] = {
    SubjectKind.PERSON: KindTraits(
        "child",
        (SceneSetting.MEADOW, SceneSetting.TOWN, SceneSetting.HOME, SceneSetting.FOREST),
        (Motion.WALK, Motion.HOP, Motion.WAVE),
        ("ran", "skipped", "jumped", "waved"),
        (
            "person",
            "people",
            "girl",
            "boy",
            "child",
            "kid",
            "baby",
            "mum",
            "mom",
            "mummy",
            "mommy",
            "dad",
            "daddy",
            "sister",
            "brother",
            "grandma",
            "grandpa",
            "granny",
            "nana",
            "friend",
            "family",
            "princess",
            "prince",
            "queen",
            "king",
            "me",
            "man",
            "woman",
            "lady",
            "teacher",
            "fairy",
            "astronaut",
            "pirate",
            "superhero",
        ),
    ),
    SubjectKind.CAT: KindTraits(
        "cat",
        (SceneSetting.HOME, SceneSetting.MEADOW, SceneSetting.TOWN, SceneSetting.NIGHT_SKY),
        (Motion.HOP, Motion.WALK, Motion.SWAY),
        ("padded", "pounced", "crept", "leapt"),  # the first is how it goes from place to place
        ("cat", "kitten", "kitty", "tiger", "lion"),
    ),
    SubjectKind.DOG: KindTraits(
        "dog",
        (SceneSetting.MEADOW, SceneSetting.TOWN, SceneSetting.HOME, SceneSetting.FOREST),
        (Motion.WALK, Motion.HOP, Motion.WAVE),
        ("bounded", "sniffed", "fetched", "wagged"),
        ("dog", "puppy", "pup", "doggy", "doggie"),
    ),
    SubjectKind.HORSE: KindTraits(
        "horse",
        (SceneSetting.MEADOW, SceneSetting.FOREST, SceneSetting.SNOW, SceneSetting.TOWN),
        (Motion.WALK, Motion.HOP, Motion.SWAY),
        ("galloped", "trotted", "cantered", "leapt"),
        ("horse", "pony", "unicorn", "foal", "donkey", "zebra"),
    ),
    SubjectKind.BIRD: KindTraits(
        "bird",
        (SceneSetting.SKY, SceneSetting.FOREST, SceneSetting.MEADOW, SceneSetting.SEA),
        (Motion.FLY, Motion.HOP, Motion.BOB),
        ("flew", "fluttered", "soared", "swooped"),
        ("bird", "birdie", "owl", "duck", "chick", "parrot", "penguin", "eagle", "robin", "swan", "chicken"),
    ),
    SubjectKind.FISH: KindTraits(
        "fish",
        (SceneSetting.SEA, SceneSetting.LAKE, SceneSetting.NIGHT_SKY),
        (Motion.SWIM, Motion.BOB),
        ("swam", "splashed", "glided", "darted"),
        ("fish", "shark", "whale", "dolphin", "octopus", "mermaid", "turtle", "crab", "jellyfish", "seahorse"),
    ),
    SubjectKind.ROCKET: KindTraits(
        "rocket",
        (SceneSetting.SKY, SceneSetting.SPACE, SceneSetting.NIGHT_SKY, SceneSetting.MEADOW),
        (Motion.FLY, Motion.BOB),
        ("zoomed", "soared", "whooshed", "flew"),
        ("rocket", "spaceship", "spacecraft", "ufo", "shuttle", "satellite", "plane", "aeroplane", "airplane", "helicopter", "jet"),
    ),
    SubjectKind.CAR: KindTraits(
        "car",
        (SceneSetting.TOWN, SceneSetting.MEADOW, SceneSetting.SNOW, SceneSetting.NIGHT_SKY),
        (Motion.WALK, Motion.BOB),
        ("zoomed", "rolled", "raced", "beeped"),
        ("car", "truck", "bus", "train", "tractor", "digger", "van", "bike", "bicycle", "motorbike", "lorry"),
    ),
    SubjectKind.HOUSE: KindTraits(
        "house",
        (SceneSetting.MEADOW, SceneSetting.TOWN, SceneSetting.NIGHT_SKY, SceneSetting.SNOW),
        (Motion.SWAY, Motion.REST, Motion.BOB),
        ("stood", "glowed", "waited", "watched"),
        ("house", "home", "castle", "cottage", "palace", "building", "tower", "school", "igloo", "tent"),
    ),
    SubjectKind.TREE: KindTraits(
        "tree",
        (SceneSetting.FOREST, SceneSetting.MEADOW, SceneSetting.SNOW, SceneSetting.NIGHT_SKY),
        (Motion.SWAY, Motion.REST),
        ("swayed", "rustled", "grew", "stretched"),
        ("tree", "forest", "bush", "palm", "oak", "christmas tree"),
    ),
    SubjectKind.FLOWER: KindTraits(
        "flower",
        (SceneSetting.MEADOW, SceneSetting.FOREST, SceneSetting.HOME, SceneSetting.NIGHT_SKY),
        (Motion.SWAY, Motion.BOB),
        ("bloomed", "swayed", "opened", "nodded"),
        ("flower", "rose", "daisy", "tulip", "sunflower", "plant", "garden"),
    ),
    SubjectKind.SUN: KindTraits(
        "sun",
        (SceneSetting.SKY, SceneSetting.MEADOW, SceneSetting.SEA, SceneSetting.SNOW),
        (Motion.BOB, Motion.SWAY, Motion.FLY),
        ("rose", "shone", "beamed", "glowed"),
        ("sun", "sunshine", "moon", "star", "cloud"),
    ),
    SubjectKind.RAINBOW: KindTraits(
        "rainbow",
        (SceneSetting.SKY, SceneSetting.MEADOW, SceneSetting.SEA, SceneSetting.FOREST),
        (Motion.SWAY, Motion.BOB),
        ("shimmered", "arched", "glowed", "sparkled"),
        ("rainbow",),
    ),
    SubjectKind.HEART: KindTraits(
        "heart",
        (SceneSetting.HOME, SceneSetting.MEADOW, SceneSetting.SKY, SceneSetting.NIGHT_SKY),
        (Motion.BOB, Motion.SWAY, Motion.FLY),
        ("floated", "glowed", "bounced", "drifted"),
        ("heart", "hearts", "balloon", "kite"),
    ),
    SubjectKind.BOAT: KindTraits(
        "boat",
        (SceneSetting.SEA, SceneSetting.LAKE, SceneSetting.NIGHT_SKY, SceneSetting.TOWN),
        (Motion.BOB, Motion.SWIM),
        ("sailed", "bobbed", "drifted", "floated"),
        ("boat", "ship", "sailboat", "yacht", "canoe", "submarine", "raft"),
    ),
    SubjectKind.DINOSAUR: KindTraits(
        "dinosaur",
        (SceneSetting.FOREST, SceneSetting.MEADOW, SceneSetting.SNOW, SceneSetting.SEA),
        (Motion.WALK, Motion.HOP, Motion.SWAY),
        ("stomped", "roared", "thundered", "munched"),
        ("dinosaur", "dino", "t-rex", "trex", "dragon"),
    ),
    SubjectKind.CREATURE: KindTraits(
        "friend",
        (SceneSetting.MEADOW, SceneSetting.FOREST, SceneSetting.HOME, SceneSetting.NIGHT_SKY),
        (Motion.HOP, Motion.WALK, Motion.WAVE),
        ("bounced", "wandered", "skipped", "waved"),
        (
            "monster",
            "bunny",
            "rabbit",
            "bear",
            "teddy",
            "mouse",
            "frog",
            "butterfly",
            "bee",
            "ladybird",
            "ladybug",
            "snail",
            "elephant",
            "giraffe",
            "monkey",
            "pig",
            "cow",
            "sheep",
            "fox",
            "owl",
            "alien",
            "robot",
            "creature",
            "animal",
            "snake",
            "caterpillar",
            "spider",
            "hedgehog",
            "squirrel",
            "deer",
            "panda",
            "koala",
            "lamb",
        ),
    ),
    SubjectKind.UNKNOWN: KindTraits(
        "friend",
        (SceneSetting.MEADOW, SceneSetting.FOREST, SceneSetting.HOME, SceneSetting.NIGHT_SKY),
        (Motion.HOP, Motion.BOB, Motion.WAVE),
        ("wandered", "skipped", "bounced", "waved"),
        (),
    ),
}

_WORD = re.compile(r"[a-z][a-z'-]*")
# Words of a subject that say what a thing is made of or looks like, not what it is ("a drawing of a cat").
_NOT_A_KIND = frozenset({"drawing", "picture", "shape", "figure", "figures", "scribble", "colours", "colors", "hero"})


def _singular(word: str) -> str:
    for plural, singular in (("ies", "y"), ("ves", "f"), ("es", ""), ("s", "")):
        if word.endswith(plural) and len(word) > len(plural) + 2:
            return word[: -len(plural)] + singular
    return word


_BY_WORD: dict[str, SubjectKind] = {}
for _kind, _traits in TRAITS.items():
    for _word in _traits.words:
        _BY_WORD.setdefault(_word, _kind)


def kind_of(subject: str) -> SubjectKind:
    """The kind of a subject, from the first word that names one: English puts the head of a phrase first, so
    "a girl riding a horse" is a girl and "a red rocket named Zoom" a rocket."""
    words = _WORD.findall(subject.lower())
    for first, second in zip(words, [*words[1:], ""], strict=True):
        if f"{first} {second}" in _BY_WORD:
            return _BY_WORD[f"{first} {second}"]
        if first in _NOT_A_KIND:
            continue
        for candidate in (first, _singular(first), first.removesuffix("s")):
            if candidate in _BY_WORD:
                return _BY_WORD[candidate]
    return SubjectKind.UNKNOWN


def traits_of(subject: str) -> KindTraits:
    return TRAITS[kind_of(subject)]
