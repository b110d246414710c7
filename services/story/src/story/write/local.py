"""An offline story writer: the theme arcs of `local_arcs`, filled in from the drawing.

No model and no network: stories come from phrasing tables and a small grammar, so
the same analysis, options and seed always give the same script, and a child only
ever hears words written here or text from the parent and the analyser that went
through the shared safety policy (`shared.domain.safety`).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from shared.domain.models import MIN_AGE, DrawingAnalysis, LayoutHints, Motion, Scene, SceneSetting, StoryOptions, StoryScript, Theme
from shared.domain.safety import PersonalContext, read_context, soften
from shared.domain.subjects import TRAITS, KindTraits, SubjectKind, kind_of
from story.write.local_arcs import (
    ARCS,
    ARRIVAL,
    CLOSING,
    DETOUR,
    LIKES_CLOSING,
    LIKES_ECHO,
    LOSS_CLOSING,
    LOSS_ECHO,
    NIGHT_WHEN,
    OPENING,
    PERSON_CLOSING,
    PERSON_ECHO,
    RETURN,
    SENTENCE_CLOSING,
    WORLDS,
    Arc,
    Phrasings,
)
from story.write.woven import ContextUse, WovenContext, weave

# --- The parent's and the analyser's words ---------------------------------------------


def _plain(text: str, keep: str = "'-") -> str:
    """Letters, digits, spaces and the `keep` punctuation; anything else becomes a space."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    kept = "".join(char if char.isalnum() or char in keep else " " for char in text)
    return " ".join(kept.split()).strip("'- ")


def _user_phrase(text: str, max_words: int = 20, max_chars: int = 120) -> str:
    """A short, safe phrase from the analysis or the parent, without loose ends ('a cat and')."""
    # A "word" longer than any word a child knows is noise, and would not fit a title.
    words = [word for word in _plain(soften(text)).split() if len(word) <= _LONGEST_WORD]
    if words and words[0].isupper() and len(words[0]) > 1 and text.upper() == text:
        words = [word.lower() for word in words]  # SHOUTED input reads as ordinary words
    while words and words[0].lower() in _LOOSE_STARTS:
        words.pop(0)
    words = words[:max_words]
    while words and (words[-1].lower() in _LOOSE_ENDS or len(" ".join(words)) > max_chars):
        words.pop()
    if words and words[0].lower() in _DETERMINERS:
        words[0] = words[0].lower()
    return " ".join(words)


_LONGEST_WORD = 24


# --- The cast: hero, setting, details and colours -------------------------------------

_DETERMINERS = frozenset({"a", "an", "the", "my", "our", "your", "his", "her", "their", "one", "this", "that",
                          "some"})  # fmt: skip
_FUNCTION_WORDS = _DETERMINERS | {"and", "or", "but", "of", "to", "for", "with", "in", "on", "at", "by"}
_LOOSE_STARTS = frozenset({"and", "or", "but", "with", "of", "to", "named", "called"})
_LOOSE_ENDS = _FUNCTION_WORDS | {"named", "called"}
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve")  # fmt: skip
_MANY = frozenset(_NUMBER_WORDS[2:]) | {"some", "many", "several", "lots"}
_FEMININE = frozenset({
    "girl", "princess", "queen", "sister", "mum", "mom", "mummy", "mommy", "mother", "grandma",
    "granny", "nana", "aunt", "auntie", "lady", "woman", "daughter", "she", "her",
})  # fmt: skip
_MASCULINE = frozenset({
    "boy", "prince", "king", "brother", "dad", "daddy", "father", "grandpa", "grandad", "uncle",
    "man", "son", "he", "his", "him",
})  # fmt: skip
# The analyser's mood, as an adjective for a hero it could only call "a figure".
_MOOD_ADJECTIVES: Mapping[str, str] = {
    "happy": "happy", "cheerful": "cheerful", "joyful": "joyful", "calm": "calm",
    "peaceful": "peaceful", "sleepy": "sleepy", "playful": "playful", "excited": "excited",
    "energetic": "lively", "lively": "lively", "curious": "curious", "proud": "proud",
    "silly": "silly", "dreamy": "dreamy", "friendly": "friendly", "bright": "bright",
}  # fmt: skip
_NAMED = re.compile(r"\b(?:named|called)\s+([^\W\d_][\w'-]*(?:\s+and\s+[^\W\d_][\w'-]*)?)", re.IGNORECASE)
_NAME_THE_KIND = re.compile(r"([A-Z][\w'-]*)\s+the\s+(.+)")  # "Max the purple dragon"
_KIND_NAME = re.compile(r"(?:(?:my|our|a|an|the)\s+)?([a-z][a-z' -]*?)\s+([A-Z][\w'-]*)")  # "my cat Luna"
_JUST_A_NAME = re.compile(r"[A-Z][\w'-]*")
# Whatever follows these is about where the hero is or what they have, not who they are.
_ATTACHMENT = re.compile(
    r"\s+(?:with|beside|near|next to|by|holding|under|on|in|inside|behind|at|wearing|who|that|from)\s+.*$",
    re.IGNORECASE,
)
_MAX_HERO_CHARS = 40
_ABOUT_THE_DRAWING = re.compile(r"^(?:(?:your|my|the|this|a)\s+)?(?:child's\s+)?(?:drawing|picture)'s\s+", re.IGNORECASE)
_COLOUR_WORDS = frozenset({
    "black", "white", "red", "blue", "green", "yellow", "orange", "purple", "pink", "brown", "grey", "gray",
    "golden", "gold", "silver", "dark", "light", "bright", "pale", "sky", "navy", "violet", "colourful", "colorful",
})  # fmt: skip
_PRONOUN_FORMS: Mapping[str, tuple[str, str, str]] = {
    "they": ("they", "them", "their"),
    "it": ("it", "it", "its"),
    "she": ("she", "her", "her"),
    "he": ("he", "him", "his"),
}


@dataclass(frozen=True)
class Hero:
    intro: str  # first mention: "a purple dragon named Max", "three friends"
    ref: str  # every later mention: "Max", "the three friends"
    plural: bool
    pronoun: str  # "they", "she", "he", or "it" for an animal or a thing nobody has named


def hero_from(subject: str, mood: str = "happy") -> Hero:
    """The hero of the story, from what the analyser saw or the parent wrote."""
    text = _user_phrase(subject)
    # The analyser describes shapes; a story needs characters.
    text = re.sub(r"\b(\w+)-like shapes?\b", r"little \1", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(?:figure|shape)s\b", "friends", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(?:figure|shape)\b", "friend", text, flags=re.IGNORECASE)
    # "your drawing's hero" is how an analyser that is not sure names the subject: a hero, but nobody in particular.
    text = _ABOUT_THE_DRAWING.sub("", text).strip() or "a little friend"

    if named := _NAMED.search(text):
        name = " and ".join(_capitalise(part) for part in re.split(r"\s+and\s+", named[1]))
        kind = text[: named.start()].strip()
        return _named_hero(name, f"{_with_article(kind)} named {name}" if kind else name, text)
    if (kind_first := _NAME_THE_KIND.fullmatch(text)) and kind_first[1].lower() not in _DETERMINERS:
        return _named_hero(kind_first[1], text, text)
    if (kind_name := _KIND_NAME.fullmatch(text)) and kind_name[1].lower() not in _DETERMINERS:
        return _named_hero(kind_name[2], f"{_with_article(kind_name[1])} named {kind_name[2]}", text)
    if _JUST_A_NAME.fullmatch(text):
        return _named_hero(text, text, text)

    core = _ATTACHMENT.sub("", text)
    described = [word for word in core.lower().split() if word not in _DETERMINERS]
    if described[-1:] in (["friend"], ["hero"]) and all(word in _COLOUR_WORDS for word in described[:-1]):
        # "a figure" or "a black figure" says too little, and a colour is not who someone is: the mood makes it someone.
        adjective = _MOOD_ADJECTIVES.get(_plain(mood).lower(), "little")
        text = re.sub(rf"^.*?\b({described[-1]})\b", rf"a {adjective} \1", text, count=1)
        core = _ATTACHMENT.sub("", text)
    core = _shorten(core)
    plural = _is_plural(core)
    intro = _with_article(text if len(text.split()) <= 8 and len(text) <= 60 else core)
    ref = _clip(_definite(core), _MAX_HERO_CHARS)
    pronoun = _pronoun(text, plural)
    if pronoun == "they" and not plural and kind_of(text) not in (SubjectKind.PERSON, SubjectKind.CREATURE, SubjectKind.UNKNOWN):
        pronoun = "it"  # "the black horse ... it galloped"; a hero with a name is someone, and keeps "they"
    return Hero(intro=_clip(intro, 60), ref=ref, plural=plural, pronoun=pronoun)


def _shorten(noun_phrase: str) -> str:
    """At most three words after the determiner on each side of an 'and'."""

    def shorten(part: str) -> str:
        words = part.split()
        lead = words[:1] if words[0].lower() in _DETERMINERS | _MANY else []
        return " ".join(lead + words[len(lead) :][-3:])

    return " and ".join(shorten(part) for part in re.split(r"\s+and\s+", noun_phrase)[:2] if part)


def _named_hero(name: str, intro: str, description: str) -> Hero:
    plural = " and " in name  # "two cats named Tom and Tim"
    ref = _clip(name, _MAX_HERO_CHARS)
    return Hero(intro=_clip(intro, 60), ref=ref, plural=plural, pronoun=_pronoun(description, plural))


def _pronoun(description: str, plural: bool) -> str:
    words = set(description.lower().split())
    if plural or (words & _FEMININE and words & _MASCULINE):
        return "they"
    if words & _FEMININE:
        return "she"
    return "he" if words & _MASCULINE else "they"


def _is_plural(phrase: str) -> bool:
    words = phrase.lower().split()
    if not words:
        return False
    first, head = words[0], words[-1]
    if first in _MANY or (first.isdigit() and int(first) > 1) or "and" in words:
        return True
    singular_head = not head.endswith("s") or head.endswith(("ss", "us", "is"))
    return first not in {"a", "an", "one", "this", "that"} and not singular_head


def _with_article(phrase: str) -> str:
    """'orange robot' -> 'an orange robot', 'my cat' -> 'a cat'; keeps 'three friends', 'Max'."""
    words = phrase.split()
    if not words:
        return phrase
    first = words[0].lower()
    if first in {"my", "our", "your"} and len(words) > 1:  # the parent's "my cat" is the story's "a cat"
        return _with_article(" ".join(words[1:]))
    if first in {"a", "an"} and len(words) > 1:
        return " ".join([_indefinite_article(words[1]), *words[1:]])
    if first in _DETERMINERS | _MANY or first.isdigit() or words[0][0].isupper() or _is_plural(phrase):
        return phrase
    if words[-1].lower() in _ONE_OF_A_KIND:
        return "the " + phrase
    return f"{_indefinite_article(first)} {phrase}"


def _definite(phrase: str) -> str:
    """'a cat and a dog' -> 'the cat and the dog'; 'three friends' -> 'the three friends'."""
    if phrase[:1].isupper():
        return phrase
    words = phrase.split()
    if words[0].lower() in _DETERMINERS:
        words = words[1:] or ["friend"]
    words = ["the" if word.lower() in {"a", "an", "my", "our", "some"} else word for word in words]
    return "the " + " ".join(words)


def _bare(phrase: str) -> str:
    """'a tree' -> 'tree', for 'Goodnight, tree'."""
    words = phrase.split()
    return " ".join(words[1:]) if len(words) > 1 and words[0].lower() in _DETERMINERS else phrase


_PREPOSITIONS = frozenset({
    "in", "on", "at", "by", "under", "near", "beside", "inside", "outside", "outdoors", "indoors",
    "up", "among", "behind", "across", "over", "above", "below", "underneath", "next", "around",
    "along", "through", "deep", "high", "far", "down",
})  # fmt: skip
_AT_PLACES = frozenset({
    "beach", "seaside", "seashore", "park", "zoo", "farm", "school", "fair", "funfair", "playground",
    "pool", "party", "circus", "museum", "home", "nursery", "market",
})  # fmt: skip
_PLACES_WITHOUT_ARTICLE = frozenset({"space", "outer space", "school", "home", "town", "nature", "nursery"})
# Things there is only one of, which take 'the' rather than 'a'.
_ONE_OF_A_KIND = frozenset({"sun", "moon", "sky", "sea", "ocean", "grass", "rain", "snow", "wind", "ground"})


def _setting_from(setting: str, layout: LayoutHints) -> tuple[str, str]:
    """Where the story happens, as a place to be: ('in a sunny meadow', 'in the sunny meadow')."""
    place = _user_phrase(setting, max_words=8, max_chars=50) or _setting_from_layout(layout)
    words = place.split()
    if words[0].lower() in _PREPOSITIONS:
        located = place
    elif place.lower() in _PLACES_WITHOUT_ARTICLE:
        located = ("at " if place.lower() in _AT_PLACES else "in ") + place
    else:
        if not (words[0].lower() in _DETERMINERS | _MANY or place[0].isupper() or words[0].isdigit()):
            place = "the " + place
        located = ("at " if words[-1].lower() in _AT_PLACES else "in ") + place
    return located, re.sub(r"\b(?:a|an)\b", "the", located, count=1)


def _setting_from_layout(layout: LayoutHints) -> str:
    if layout.sun:
        return "under a sunny sky"
    return "on a grassy hill" if layout.ground_at_bottom else "in a cosy little town"


# Details in the sky, which a hero can see but not stand beside.
_SKY_THINGS = frozenset({"sun", "moon", "sky", "cloud", "clouds", "star", "stars", "rainbow", "sunset"})
_FALLBACK_COLOURS = ("golden", "sky blue", "leafy green")


def _is_about_the_drawing(detail: str) -> bool:
    """'6 figures', 'drawn mostly in blue': true of the drawing, not things in its world (the figures are the cast already)."""
    words = detail.lower().split()
    return bool(words) and (words[0] == "drawn" or words[-1] in ("figure", "figures"))


def _details_from(details: Sequence[str], layout: LayoutHints, world: SceneSetting) -> list[str]:
    """The drawing's details as noun phrases ('a tree', 'the sun', 'flowers'), best first."""
    phrases = _unique(
        _with_article(phrase)
        for detail in details
        if not _is_about_the_drawing(detail) and (phrase := _user_phrase(detail, max_words=5, max_chars=40))
    )
    if phrases:
        return phrases
    if layout.sun:
        return ["the sun"]
    return ["a little house"] if layout.house_like else [WORLDS[world].landmarks[0]]


def _landmarks_from(details: Sequence[str], world: SceneSetting) -> list[str]:
    """The details one can stand beside, or stand-ins for them from the story's first world, at least two."""
    landmarks = [detail for detail in details if detail.split()[-1].lower() not in _SKY_THINGS]
    spares = [spare for spare in WORLDS[world].landmarks if spare not in landmarks]
    return landmarks + spares[: max(0, 2 - len(landmarks))]


def _colours_from(analysis: DrawingAnalysis) -> tuple[str, str]:
    """The drawing's main colour and a second one to go with it."""
    names = analysis.colors or [colour.name for colour in analysis.palette]
    phrases = (_user_phrase(name, max_words=3, max_chars=20).lower() for name in names)
    colours = _unique(phrase for phrase in phrases if phrase)
    main = colours[0] if colours else "sunny yellow"
    second = colours[1] if len(colours) > 1 else next(c for c in _FALLBACK_COLOURS if c != main)
    return main, second


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- Worlds and ways of moving -----------------------------------------------------------

# The words of an analysis's setting that say which world it is; the first one named decides ("a snowy garden" is snow).
_WORLD_WORDS: Mapping[str, SceneSetting] = {
    **dict.fromkeys(("space", "planet", "planets", "galaxy", "outer", "rocket", "astronaut"), SceneSetting.SPACE),
    **dict.fromkeys(("night", "stars", "starry", "moon", "moonlit", "evening", "dark"), SceneSetting.NIGHT_SKY),
    **dict.fromkeys(("sky", "clouds", "cloud", "cloudy", "air"), SceneSetting.SKY),
    **dict.fromkeys(("sea", "ocean", "beach", "seaside", "seashore", "underwater", "waves", "coral", "island"), SceneSetting.SEA),
    **dict.fromkeys(("lake", "pond", "river", "stream", "water"), SceneSetting.LAKE),
    **dict.fromkeys(("forest", "woods", "wood", "jungle", "trees"), SceneSetting.FOREST),
    **dict.fromkeys(("town", "city", "street", "village", "school", "shop", "shops", "castle", "kingdom", "palace"), SceneSetting.TOWN),
    **dict.fromkeys(("snow", "snowy", "winter", "ice", "icy", "arctic", "mountain", "mountains"), SceneSetting.SNOW),
    **dict.fromkeys(("meadow", "field", "fields", "garden", "grass", "grassy", "hill", "farm", "park", "countryside"), SceneSetting.MEADOW),
    **dict.fromkeys(("home", "house", "room", "bedroom", "kitchen", "indoors", "bed"), SceneSetting.HOME),
}  # fmt: skip
# Worlds a hero that can neither fly nor swim only reaches in the words of the drawing's own setting, never by itself.
_AIRBORNE = frozenset({SceneSetting.SKY, SceneSetting.SPACE})
_TRAVELLING_MOVES = (Motion.FLY, Motion.SWIM, Motion.WALK, Motion.HOP)
_GENTLE_MOVES = (Motion.REST, Motion.SWAY, Motion.BOB)
# How a hero that cannot move by itself (a house, a tree) gets from one world to another: it is a story.
_CARRIED = "drifted"


def _world_of(setting: str) -> SceneSetting | None:
    return next((_WORLD_WORDS[word] for word in _plain(setting).lower().split() if word in _WORLD_WORDS), None)


def _fits(world: SceneSetting, traits: KindTraits) -> bool:
    """Whether a hero of these traits may be in this world: one of its own, or, for one that walks, any on the ground."""
    return world in traits.worlds or (_walks(traits) and world not in _AIRBORNE)


@dataclass(frozen=True)
class _Worlds:
    start: SceneSetting  # where the story begins and comes home to
    away: tuple[SceneSetting, ...]  # where it goes, in the order it goes there
    told: bool  # whether the start is the analysis's own setting, so the story says it in the analysis's words


def _worlds_for(analysis: DrawingAnalysis, traits: KindTraits, theme: Theme) -> _Worlds:
    named = _world_of(analysis.setting)
    told = named is not None and _fits(named, traits)
    start = named if named is not None and told else traits.worlds[0]
    away = [world for world in traits.worlds if world != start]
    if theme is Theme.BEDTIME:  # a bedtime story goes out under the stars and comes home to bed
        away.sort(key=lambda world: world not in (SceneSetting.NIGHT_SKY, SceneSetting.HOME))
    # A setting that names no world ("a magical place") is still the drawing's: said as it is where a walker lives.
    unnamed_but_said = named is None and bool(_plain(analysis.setting)) and _walks(traits)
    return _Worlds(start=start, away=tuple(away), told=told or unnamed_but_said)


def _walks(traits: KindTraits) -> bool:
    return Motion.WALK in traits.moves or Motion.HOP in traits.moves


def _travel_verb(traits: KindTraits) -> str:
    """How the hero goes from place to place, past tense: its own first verb, if it goes anywhere by itself."""
    return traits.verbs[0] if any(move in traits.moves for move in _TRAVELLING_MOVES) else _CARRIED


def _motion(traits: KindTraits, beats: Sequence[str], *, arrives: bool, gentle: bool) -> Motion:
    """How the figure moves on a scene's page: on its way when it arrives somewhere, else as the beat feels."""
    moves = traits.moves
    calm = next((move for move in _GENTLE_MOVES if move in moves), Motion.REST)
    if "resolution" in beats and gentle:
        return Motion.REST
    if gentle:
        return calm
    if arrives or {"trying", "detour", "twist"} & set(beats):
        return next((move for move in _TRAVELLING_MOVES if move in moves), moves[0])
    if "turn" in beats:
        return next((move for move in (Motion.HOP, Motion.BOB, Motion.WAVE) if move in moves), moves[0])
    if "opening" in beats:
        return Motion.WAVE if Motion.WAVE in moves else moves[0]
    return calm


# --- Rendering ------------------------------------------------------------------------

# Words that grow with the child: index 0 is ages 2-3, 3 is ages 8-9.
_WORD_BANKS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "glad": (("happy",), ("happy", "glad"), ("delighted", "very glad"), ("delighted", "overjoyed", "thrilled")),
    "big": (("big",), ("big", "huge"), ("huge", "enormous"), ("enormous", "gigantic", "tremendous")),
    "lovely": (("lovely",), ("lovely",), ("lovely", "wonderful"), ("splendid", "marvellous", "wonderful")),
    "went": (("went",), ("went", "walked"), ("wandered", "walked"), ("wandered", "ambled", "strolled")),
    "said": (("said",), ("said",), ("said", "called"), ("announced", "declared")),
}
# How far the counting theme counts, by tier.
_COUNT_TO = (3, 5, 7, 10)

# Beats per scene, by tier; "echo" and "closing" are there only with a personal context.
_SCENE_PLANS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("opening", "wish"), ("trying", "turn"), ("resolution", "closing")),
    (("opening",), ("wish", "echo"), ("trying", "turn"), ("resolution", "closing")),
    (("opening",), ("wish", "echo"), ("trying",), ("turn",), ("resolution", "closing")),
    (("opening",), ("wish", "echo"), ("trying",), ("detour",), ("twist",), ("turn",), ("resolution", "closing")),
)
_CONTEXT_BEATS = frozenset({"echo", "closing"})

_FROM_AGE_8 = re.compile(r"\[\[(.*?)\]\]")
_FROM_AGE_6 = re.compile(r"\[(.*?)\]")
_ARTICLE = re.compile(r"\b([Aa]n?) (?=([^\W_]+))")
_SMALL_TITLE_WORDS = frozenset({"a", "an", "the", "and", "of", "to", "for", "in", "on", "at", "with"})


def _tier(age: int) -> int:
    """2-3 -> 0, 4-5 -> 1, 6-7 -> 2, 8-9 -> 3."""
    return min((age - MIN_AGE) // 2, 3)


class _Slots(dict[str, str]):
    """Template slots: {Name} gives the value capitalised; a word bank picks a word per use."""

    def __init__(self, values: Mapping[str, str], rng: random.Random, tier: int) -> None:
        super().__init__(values)
        self._rng = rng
        self._tier = tier

    def __missing__(self, key: str) -> str:
        lower = key[:1].lower() + key[1:]
        if lower != key:
            return _capitalise(self[lower])
        if key in _WORD_BANKS:
            return self._rng.choice(_WORD_BANKS[key][self._tier])
        raise KeyError(key)


def _render(template: str, slots: _Slots, tier: int) -> str:
    """The template with the slots filled and the [6+] and [[8+]] parts kept when `tier` reaches them."""
    text = _FROM_AGE_8.sub(r"\1" if tier >= 3 else "", template)
    text = _FROM_AGE_6.sub(r"\1" if tier >= 2 else "", text)
    return _ARTICLE.sub(_fit_article, text.format_map(slots))


def _fit_article(match: re.Match[str]) -> str:
    article = _indefinite_article(match[2])
    return (_capitalise(article) if match[1][0] == "A" else article) + " "


def _indefinite_article(word: str) -> str:
    """'a' or 'an', by how the word sounds: 'an orange kite', 'a unicorn'."""
    word = word.lower()
    if word.startswith(("hour", "honest", "honour", "heir")):
        return "an"
    if word.startswith(("uni", "use", "usu", "uti", "uk", "eu", "one", "once")):
        return "a"
    return "an" if word[:1] in ("a", "e", "i", "o", "u", "8") else "a"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title_case(text: str) -> str:
    words = text.split(" ")
    return " ".join(w if i and w in _SMALL_TITLE_WORDS else _capitalise(w) for i, w in enumerate(words))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(" ,'-")


def _register(phrasings: Phrasings, tier: int) -> tuple[str, ...]:
    return phrasings.little if tier == 0 else phrasings.big


def _templates(beat: str, arc: Arc, tier: int, woven: WovenContext | None, *, missing_someone: bool) -> Sequence[str]:
    match beat:
        case "opening":
            return _register(OPENING, tier)
        case "closing":
            return _register(_closing(woven, missing_someone=missing_someone), tier)
        case "detour":
            return DETOUR
        case "twist":
            return arc.twist
        case "echo":
            return _echo(arc, woven, missing_someone=missing_someone)
        case _:
            return _register(getattr(arc, beat), tier)


def _closing(woven: WovenContext | None, *, missing_someone: bool) -> Phrasings:
    if missing_someone:
        return LOSS_CLOSING
    use = woven.use if woven else ContextUse.EVENT
    return {ContextUse.LIKES: LIKES_CLOSING, ContextUse.PERSON: PERSON_CLOSING, ContextUse.SENTENCE: SENTENCE_CLOSING}.get(use, CLOSING)


def _echo(arc: Arc, woven: WovenContext | None, *, missing_someone: bool) -> Sequence[str]:
    if missing_someone:
        return LOSS_ECHO
    use = woven.use if woven else ContextUse.EVENT
    # A sentence for the child is said once, at the end; likening the hero's wish to it would say it twice.
    return {ContextUse.LIKES: LIKES_ECHO, ContextUse.PERSON: PERSON_ECHO, ContextUse.SENTENCE: ()}.get(use, arc.echo)


_CONTEXT_SLOTS: Mapping[ContextUse, str] = {
    ContextUse.EVENT: "context",
    ContextUse.LIKES: "likes",
    ContextUse.PERSON: "person",
    ContextUse.SENTENCE: "context_sentence",
}


def _slots(
    analysis: DrawingAnalysis,
    arc: Arc,
    tier: int,
    start: SceneSetting,
    context: PersonalContext,
    woven: WovenContext | None,
    rng: random.Random,
) -> dict[str, str]:
    """The slots every scene shares; a scene adds those of its world (`_world_slots`)."""
    hero = hero_from(analysis.subject, analysis.mood)
    traits = TRAITS[kind_of(analysis.subject)]
    they, them, their = _PRONOUN_FORMS[hero.pronoun]
    details = _details_from(analysis.details, analysis.layout, start)
    colour, colour2 = _colours_from(analysis)
    count_to = _COUNT_TO[tier]
    values = {
        "hero": hero.ref,
        "hero_s": hero.ref + ("'" if hero.plural and hero.ref.endswith("s") else "'s"),
        "hero_call": hero.ref.removeprefix("the "),
        "hero_intro": hero.intro,
        "was": "were" if hero.plural else "was",
        "is": "are" if hero.plural else "is",
        "i": "we" if hero.plural else "I",
        "they": they,
        "them": them,
        "their": their,
        "travelled": _travel_verb(traits),
        "colour": colour,
        "colour2": colour2,
        "detail": details[0],
        "the_detail": _definite(details[0]),
        "detail_bare": _bare(details[0]),
        "when": rng.choice(_register(NIGHT_WHEN if start is SceneSetting.NIGHT_SKY else arc.when, tier)),
        "n": _NUMBER_WORDS[count_to],
        "count_up": ", ".join(_NUMBER_WORDS[1 : count_to + 1]),
        "virtue": arc.virtue,
        "lesson": arc.lesson,
    }
    if not _walks(traits):
        values["went"] = values["travelled"]  # a fish does not stroll home, it swims
    for group in (*arc.props, *arc.props_in.get(start, ())):
        values.update(rng.choice(group))
    if woven:
        values[_CONTEXT_SLOTS[woven.use]] = woven.words
    if context.missed:
        values["missed"] = context.missed
    return values


def _world_slots(world: SceneSetting, worlds: _Worlds, analysis: DrawingAnalysis, rng: random.Random) -> dict[str, str]:
    """Where a scene in `world` happens and what is there: the drawing's own setting and details where the story starts."""
    if world == worlds.start and worlds.told:
        in_setting, in_the_setting = _setting_from(analysis.setting, analysis.layout)
    else:
        in_setting = in_the_setting = WORLDS[world].place
    if world == worlds.start:
        landmarks = _landmarks_from(_details_from(analysis.details, analysis.layout, world), world)
    else:
        landmarks = list(WORLDS[world].landmarks)
    return {
        "in_setting": in_setting,
        "in_the_setting": in_the_setting,
        "towards": WORLDS[world].towards,
        "the_landmark": _definite(landmarks[0]),
        "landmark2": rng.choice(landmarks[1:]),
    }


def _scene_worlds(count: int, worlds: _Worlds) -> list[SceneSetting]:
    """Where each scene means to be: it starts and ends where the story began, and goes somewhere new in between.

    From five scenes the second stays at the start too, so the wish is made at home before the journey.
    Every kind has at least three worlds, so a story of five scenes or more is told in three.
    """
    first_away = 2 if count >= 5 else 1
    middle = max(count - 1 - first_away, 1)
    # Two worlds away are enough for a journey; the longer stories stay a while in each rather than hop every page.
    away = worlds.away[:2]
    return [
        worlds.start if index < first_away or index == count - 1 else away[(index - first_away) * len(away) // middle]
        for index in range(count)
    ]


# What a world rules out: no leaves to push aside among the clouds or in space, and once the story has been out
# under the stars, no sunshine or sunset after it ("until morning" is still fine).
_GROUND_WORDS = re.compile(r"\b(?:leaf|leaves|grass|muddy|puddles?)\b", re.IGNORECASE)
_DAYLIGHT_WORDS = re.compile(r"\b(?:sun set|sunset|sunny|sunshine|sunlit)\b", re.IGNORECASE)
_ALOFT = frozenset({SceneSetting.SKY, SceneSetting.SPACE, SceneSetting.NIGHT_SKY})


def _in_place(templates: Sequence[str], world: SceneSetting, *, after_dark: bool) -> Sequence[str]:
    """The templates that can be told in `world` at this point of the story; all of them if none can."""
    fitting = [
        template
        for template in templates
        if not (world in _ALOFT and _GROUND_WORDS.search(template)) and not (after_dark and _DAYLIGHT_WORDS.search(template))
    ]
    return fitting or templates


_MAX_SENTENCES = 4
_SENTENCE_BREAK = re.compile(r'(?<=[.!?])"?\s+(?="?[A-Z])')


def _sentence_count(text: str) -> int:
    return len(_SENTENCE_BREAK.split(text))


class LocalStoryWriter:
    """Writes a storybook script offline from theme arcs and the drawing's analysis."""

    def write(self, *, analysis: DrawingAnalysis, options: StoryOptions, seed: int) -> StoryScript:
        rng = random.Random(seed)
        tier = _tier(options.age)
        arc = ARCS[options.theme]
        traits = TRAITS[kind_of(analysis.subject)]
        context = read_context(options.personal_context)
        woven = weave(context)
        worlds = _worlds_for(analysis, traits, options.theme)
        shared = _slots(analysis, arc, tier, worlds.start, context, woven, rng)
        with_context = woven is not None or context.missed is not None

        plan = list(_SCENE_PLANS[tier])
        if tier == 3 and rng.random() < 0.5:
            plan.remove(("detour",))  # ages 8-9 get 6 or 7 scenes
        meant = _scene_worlds(len(plan), worlds)
        by_world = {world: _world_slots(world, worlds, analysis, rng) for world in dict.fromkeys(meant)}
        # The adventure sets off for the farthest place it goes to: where its turn happens.
        turn_at = next(index for index, beats in enumerate(plan) if "turn" in beats)
        shared["goal"] = WORLDS[meant[turn_at]].goal

        scenes: list[Scene] = []
        here = worlds.start
        for number, beats in enumerate(plan, start=1):
            there = meant[number - 1]
            after_dark = SceneSetting.NIGHT_SKY in meant[:number]
            templates = [
                rng.choice(_in_place(options_, there, after_dark=after_dark))
                for beat in beats
                if (with_context or beat not in _CONTEXT_BEATS)
                and (options_ := _templates(beat, arc, tier, woven, missing_someone=context.missed is not None))
            ]
            text = self._scene_text(templates, there, here, worlds, by_world, shared, rng, tier)
            if text is None:  # no room to tell of the journey: the scene stays where the last one was
                there, text = here, " ".join(_render(template, _Slots(shared | by_world[here], rng, tier), tier) for template in templates)
            gentle = (options.theme is Theme.BEDTIME and number >= len(plan) - 1) or (tier == 0 and there == here)
            motion = _motion(traits, beats, arrives=there != here, gentle=gentle)
            scenes.append(Scene(number=number, text=text, setting=there, motion=motion))
            here = there

        title = _title_case(_render(rng.choice(arc.titles), _Slots(shared | by_world[worlds.start], rng, tier), tier))
        return StoryScript(title=_clip(title, 100), scenes=scenes)

    @staticmethod
    def _scene_text(
        templates: Sequence[str],
        there: SceneSetting,
        here: SceneSetting,
        worlds: _Worlds,
        by_world: Mapping[SceneSetting, Mapping[str, str]],
        shared: Mapping[str, str],
        rng: random.Random,
        tier: int,
    ) -> str | None:
        """A scene's text in its world, begun with the journey there when it is a new one; None if that will not fit."""
        slots = _Slots({**shared, **by_world[there]}, rng, tier)
        if there == here:
            return " ".join(_render(template, slots, tier) for template in templates)
        journey = _render(rng.choice(_register(RETURN if there == worlds.start else ARRIVAL, tier)), slots, tier)
        # The older children's extra sentences make room for the journey before the journey is given up.
        for told_from in range(tier, -1, -1):
            text = " ".join([journey, *(_render(template, slots, told_from) for template in templates)])
            if _sentence_count(text) <= _MAX_SENTENCES:
                return text
        return None
