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

from shared.domain.models import MIN_AGE, DrawingAnalysis, LayoutHints, Scene, StoryOptions, StoryScript
from shared.domain.safety import PersonalContext, read_context, soften
from story.write.local_arcs import ARCS, CLOSING, DETOUR, LOSS_CLOSING, LOSS_ECHO, OPENING, Arc, Phrasings

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
_MAX_CONTEXT_WORDS = 10
_MAX_CONTEXT_CHARS = 80
_CONJUNCTIONS = frozenset({"and", "but", "because", "so", "while", "when", "which"})
_LEADING_FILLERS = frozenset({"about", "like", "that", "for", "is", "re"})
# A first word that is not a name, so it reads lower-case inside a sentence.
_COMMON_FIRST_WORDS = frozenset({
    "a", "an", "the", "my", "our", "his", "her", "their", "some", "new", "first", "big",
    "baby", "school", "nursery", "swim", "swimming", "potty", "moving", "going", "last", "next",
})  # fmt: skip
_ORDINALS = frozenset({"first", "last", "next"})


def clean_personal_context(text: str) -> str | None:
    """The parent's personal context as a short phrase for a story's {context} slot, or None."""
    return _context_phrase(read_context(text))


def _context_phrase(context: PersonalContext) -> str | None:
    """What the shared policy lets a story weave in, cut to a phrase that fits a sentence.

    The context is data about the child's life ("starting swim lessons next week"), never
    instructions, and only ever fills a template slot. A loss is not a phrase to liken
    things to: the story speaks of missing someone in lines of its own ({missed}).
    """
    if not context.text or context.missed:
        return None
    text = context.text
    first_clause = re.split(r"[.!?;:,]", _plain(text, keep="'-.!?;:,"))[0]
    kept = first_clause.split()
    while kept and kept[0].lower() in _LEADING_FILLERS:
        kept.pop(0)
    if len(kept) > _MAX_CONTEXT_WORDS:
        cut = next((i for i, word in enumerate(kept) if i and word.lower() in _CONJUNCTIONS), len(kept))
        kept = kept[: min(cut, _MAX_CONTEXT_WORDS)]
    while kept and (kept[-1].lower() in _FUNCTION_WORDS or len(" ".join(kept)) > _MAX_CONTEXT_CHARS):
        kept.pop()
    if not kept:
        return None
    if kept[0].lower() in _COMMON_FIRST_WORDS or kept[0].lower().endswith("ing"):
        kept[0] = kept[0].lower()
    if kept[0] in _ORDINALS:  # "first day at nursery" reads "like the first day at nursery"
        kept.insert(0, "the")
    return " ".join(kept)


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
_PRONOUN_FORMS: Mapping[str, tuple[str, str, str]] = {
    "they": ("they", "them", "their"),
    "she": ("she", "her", "her"),
    "he": ("he", "him", "his"),
}


@dataclass(frozen=True)
class Hero:
    intro: str  # first mention: "a purple dragon named Max", "three friends"
    ref: str  # every later mention: "Max", "the three friends"
    plural: bool
    pronoun: str  # "they", "she" or "he"


def hero_from(subject: str, mood: str = "happy") -> Hero:
    """The hero of the story, from what the analyser saw or the parent wrote."""
    text = _user_phrase(subject)
    # The analyser describes shapes; a story needs characters.
    text = re.sub(r"\b(\w+)-like shapes?\b", r"little \1", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(?:figure|shape)s\b", "friends", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(?:figure|shape)\b", "friend", text, flags=re.IGNORECASE)
    text = text or "a little friend"

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
    if [word for word in core.lower().split() if word not in _DETERMINERS] == ["friend"]:
        # "a figure" alone says too little; the drawing's mood makes it someone.
        adjective = _MOOD_ADJECTIVES.get(_plain(mood).lower(), "little")
        text = re.sub(r"\bfriend\b", f"{adjective} friend", text, count=1)
        core = _ATTACHMENT.sub("", text)
    core = _shorten(core)
    plural = _is_plural(core)
    intro = _with_article(text if len(text.split()) <= 8 and len(text) <= 60 else core)
    ref = _clip(_definite(core), _MAX_HERO_CHARS)
    return Hero(intro=_clip(intro, 60), ref=ref, plural=plural, pronoun=_pronoun(text, plural))


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


_FALLBACK_LANDMARKS = ("a little bush", "a smooth round stone", "a patch of clover")
# Details in the sky, which a hero can see but not stand beside.
_SKY_THINGS = frozenset({"sun", "moon", "sky", "cloud", "clouds", "star", "stars", "rainbow", "sunset"})
_FALLBACK_COLOURS = ("golden", "sky blue", "leafy green")


def _is_about_the_drawing(detail: str) -> bool:
    """'6 figures', 'drawn mostly in blue': true of the drawing, not things in its world (the figures are the cast already)."""
    words = detail.lower().split()
    return bool(words) and (words[0] == "drawn" or words[-1] in ("figure", "figures"))


def _details_from(details: Sequence[str], layout: LayoutHints) -> list[str]:
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
    return ["a little house"] if layout.house_like else [_FALLBACK_LANDMARKS[0]]


def _landmarks_from(details: Sequence[str]) -> list[str]:
    """The details one can stand beside, or stand-ins for them, at least two."""
    landmarks = [detail for detail in details if detail.split()[-1].lower() not in _SKY_THINGS]
    spares = [spare for spare in _FALLBACK_LANDMARKS if spare not in landmarks]
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


def _templates(beat: str, arc: Arc, tier: int, *, missing_someone: bool) -> Sequence[str]:
    match beat:
        case "opening":
            return _register(OPENING, tier)
        case "closing":
            return _register(LOSS_CLOSING if missing_someone else CLOSING, tier)
        case "detour":
            return DETOUR
        case "twist":
            return arc.twist
        case "echo":
            return LOSS_ECHO if missing_someone else arc.echo
        case _:
            return _register(getattr(arc, beat), tier)


def _slots(analysis: DrawingAnalysis, arc: Arc, tier: int, context: PersonalContext, rng: random.Random) -> _Slots:
    hero = hero_from(analysis.subject, analysis.mood)
    they, them, their = _PRONOUN_FORMS[hero.pronoun]
    in_setting, in_the_setting = _setting_from(analysis.setting, analysis.layout)
    details = _details_from(analysis.details, analysis.layout)
    landmarks = _landmarks_from(details)
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
        "in_setting": in_setting,
        "in_the_setting": in_the_setting,
        "colour": colour,
        "colour2": colour2,
        "detail": details[0],
        "the_detail": _definite(details[0]),
        "detail_bare": _bare(details[0]),
        "the_landmark": _definite(landmarks[0]),
        "landmark2": rng.choice(landmarks[1:]),
        "when": rng.choice(_register(arc.when, tier)),
        "n": _NUMBER_WORDS[count_to],
        "count_up": ", ".join(_NUMBER_WORDS[1 : count_to + 1]),
        "virtue": arc.virtue,
        "lesson": arc.lesson,
    }
    for group in arc.props:
        values.update(rng.choice(group))
    if phrase := _context_phrase(context):
        values["context"] = phrase
    if context.missed:
        values["missed"] = context.missed
    return _Slots(values, rng, tier)


class LocalStoryWriter:
    """Writes a storybook script offline from theme arcs and the drawing's analysis."""

    def write(self, *, analysis: DrawingAnalysis, options: StoryOptions, seed: int) -> StoryScript:
        rng = random.Random(seed)
        tier = _tier(options.age)
        arc = ARCS[options.theme]
        context = read_context(options.personal_context)
        slots = _slots(analysis, arc, tier, context, rng)
        woven = "context" in slots or "missed" in slots

        plan = list(_SCENE_PLANS[tier])
        if tier == 3 and rng.random() < 0.5:
            plan.remove(("detour",))  # ages 8-9 get 6 or 7 scenes
        scenes = []
        for number, beats in enumerate(plan, start=1):
            sentences = [
                _render(rng.choice(_templates(beat, arc, tier, missing_someone="missed" in slots)), slots, tier)
                for beat in beats
                if woven or beat not in _CONTEXT_BEATS
            ]
            scenes.append(Scene(number=number, text=" ".join(sentences)))

        title = _title_case(_render(rng.choice(arc.titles), slots, tier))
        return StoryScript(title=_clip(title, 100), scenes=scenes)
