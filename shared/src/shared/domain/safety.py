"""One safety policy for everything a child hears or reads, whoever wrote it.

Every text is checked the same way, whether a writer, the analyser or a parent wrote
it. It is folded first (compatibility forms such as full-width letters, accents and
other combining marks, zero-width characters, case, letters that look Latin), so
"ｋｉｌｌ", "kíll" and "k\u200bill" are "kill"; a word that mixes letters with digits
or symbols is also read with the usual swaps undone ("k1ll", "$hit", "@ss"), and
letters spelled apart ("k i l l", "k.i.l.l") are read together. Then words are
matched whole, so "class", "assassin" and "Scunthorpe" are only themselves.

The banned words are the project's own categories below, most with a gentle swap a
story can say instead, and the profanity word list that better-profanity 0.7.0 (MIT)
ships, less the words that are ordinary in a child's life ("potty", "dummy", "knob",
"screw") or that say who someone is ("gay"). The list is read from the installed
package; nothing is downloaded.

A personal context (what a parent tells about the child's life) is woven into a story
only if it is about the child's life: an instruction, code, an advert or a banned word
leaves it out, with a note saying why. A loss ("her grandpa passed away") is a life
event, not a banned topic: the story speaks of missing someone, in its own words.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from shared.domain.models import DrawingAnalysis, StoryScript

# --- The project's own words ----------------------------------------------------------

# Words a story never says, each with the gentle word that replaces it in text from
# the parent, the analyser or a writer. Whole words match, and so do their plain
# inflections ("kills", "killed", "killing"); brands are here because a story is not an advert.
_GENTLE_SWAPS: Mapping[str, str] = {
    # violence
    "kill": "hug", "murder": "hug", "attack": "hug", "fight": "game", "battle": "game",
    "war": "parade", "punch": "pat", "stab": "poke", "weapon": "toy", "gun": "bubble wand",
    "rifle": "bubble wand", "pistol": "bubble wand", "sword": "wooden spoon", "knife": "spoon",
    "bomb": "balloon", "explode": "pop", "explosion": "pop", "blood": "ruby", "bloody": "muddy",
    "wound": "bump", "injure": "bump", "injury": "bump", "hurt": "bump", "destroy": "tidy",
    "violence": "kindness", "violent": "gentle", "poison": "juice", "kidnap": "visit",
    "threat": "promise", "threaten": "promise",
    # death
    "die": "sleep", "dying": "sleeping", "dead": "sleepy", "death": "rest", "deadly": "gentle",
    "grave": "garden", "graveyard": "garden", "cemetery": "garden", "funeral": "gathering",
    "corpse": "friend", "skeleton": "scarecrow", "skull": "shell", "zombie": "friend",
    "ghost": "cloud", "haunt": "magic", "vampire": "friend", "coffin": "box",
    # fear and villains
    "scary": "silly", "scare": "surprise", "scared": "shy", "terror": "surprise",
    "terrify": "surprise", "terrifying": "surprising", "horror": "wonder", "horrible": "funny",
    "nightmare": "dream", "creepy": "curious", "spooky": "silly", "frighten": "surprise",
    "frightening": "surprising", "fear": "wonder", "afraid": "shy", "panic": "hurry",
    "danger": "adventure", "dangerous": "exciting", "evil": "grumpy", "wicked": "cheeky",
    "villain": "neighbour", "monster": "creature", "demon": "creature", "devil": "creature",
    "beast": "creature",
    # unkindness
    "hate": "like", "stupid": "silly", "dumb": "silly", "idiot": "friend", "ugly": "funny",
    # grown-up things
    "beer": "juice", "wine": "juice", "alcohol": "juice", "drunk": "dizzy", "vodka": "juice",
    "rum": "juice", "whisky": "juice", "whiskey": "juice",
    "cigarette": "stick", "drug": "vitamin", "sexy": "lovely",
    # brands
    "coca": "fizzy", "cola": "juice", "coke": "juice", "pepsi": "juice", "fanta": "juice",
    "mcdonald": "cafe", "mcdonalds": "cafe", "starbucks": "cafe", "kfc": "cafe",
    "lego": "block", "barbie": "doll", "disney": "storybook", "pixar": "storybook",
    "pokemon": "creature", "pikachu": "creature", "minecraft": "game", "fortnite": "game",
    "roblox": "game", "nintendo": "game", "playstation": "game", "xbox": "game",
    "youtube": "screen", "tiktok": "screen", "netflix": "screen", "google": "screen",
    "iphone": "phone", "ipad": "tablet", "nike": "sporty", "adidas": "sporty",
    "spiderman": "superhero", "batman": "superhero", "superman": "superhero", "peppa": "piggy",
    "oreo": "biscuit", "nutella": "spread", "kitkat": "biscuit",
}  # fmt: skip
# Words with no gentle counterpart: what they are about has no place in a storybook.
_NO_GENTLE_WORD = frozenset({
    # self-harm
    "suicide", "suicidal", "selfharm", "overdose", "noose", "kys",
    # sexual words the word list lacks
    "nsfw", "onlyfans", "pornhub", "erotica", "condom",
})  # fmt: skip
_OWN_WORDS = frozenset(_GENTLE_SWAPS) | _NO_GENTLE_WORD
_OWN_PHRASES = frozenset({("self", "harm"), ("kill", "myself"), ("kill", "yourself")})

# Words that look like an inflection of a banned word and are not one.
_NOT_INFLECTIONS = frozenset({"wares", "gravely"})
_INFLECTIONS = ("s", "es", "d", "ed", "ing", "er", "ers", "est", "ly")

# --- The word list --------------------------------------------------------------------

# Words of better-profanity's list that a children's story may well say, or that a parent
# may write about the child's own life: left out of the list, so they are never refused.
_ORDINARY_WORDS = frozenset({
    # the nursery and the body's everyday workings
    "potty", "pee", "peepee", "poop", "fart", "tinkle", "weewee", "willy", "willies", "dummy",
    "nappy", "undies", "wedgie", "tush", "vomit", "urine", "urinal", "naked",
    # health, a hospital stay, a new baby on the way
    "womb", "uterus", "ovary", "ovum", "ovums", "menses", "menstruate", "menstruation", "tampon",
    "pms", "hiv", "herpes", "organ", "oral", "orally",
    # who someone is, which is never a bad word
    "gay", "gays", "lesbians", "queer", "queers", "transsexual",
    # everyday words and names with a second, rude meaning
    "god", "omg", "foobar", "fat", "dopey", "jerk", "jerked", "knob", "dong", "muff", "pot", "weed",
    "pawn", "puss", "screw", "screwed", "screwing", "stroke", "suck", "sucked", "sucking", "hump",
    "thrust", "strip", "snatch", "tramp", "toots", "wad", "wang", "woody", "teat", "rump", "loin",
    "loins", "lube", "maxi", "pasty", "pastie", "snuff", "steamy", "racy", "vulgar", "revue",
    "sandbar", "seaman", "seamen", "slope", "souse", "flange", "enlargement", "erect", "facial",
    "hoar", "hooter", "homey", "whiz", "wazoo", "prude", "prig", "virgin", "unwed", "vixen",
    "cowgirl", "cowgirls", "nutbutter", "titi", "mams", "niggle", "spick", "pollock", "paddy",
    "hebe", "guido", "gai", "arian", "cnut", "yury", "len", "xx", "xxx", "sob", "prick", "tit",
})  # fmt: skip


def _read_word_list() -> list[str]:
    spec = importlib.util.find_spec("better_profanity")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("better-profanity is not installed")
    # Read in place: importing the package builds a censor set of its own that this policy does not use.
    directory = Path(next(iter(spec.submodule_search_locations)))
    return (directory / "profanity_wordlist.txt").read_text(encoding="utf-8").splitlines()


def _listed(entries: Iterable[str]) -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    """The list's words and phrases, folded as text is; leetspeak entries are left to the folding."""
    words: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    for entry in entries:
        if not entry.strip() or re.search(r"[^\w\s.'-]|\d", entry):
            continue  # "sh!t", "4r5e": their plain spellings are listed, and text is read with the swaps undone
        parts = re.findall(r"[^\W\d_]+", entry.casefold())
        if all(len(part) == 1 for part in parts):
            parts = ["".join(parts)]  # "f.u.c.k" is read as one word, as text spelled apart is
        if len(parts) == 1:
            words.add(parts[0])
        else:
            phrases.add(tuple(parts))
    return frozenset(words - _ORDINARY_WORDS), frozenset(phrase for phrase in phrases if "".join(phrase) not in _ORDINARY_WORDS)


_LISTED_WORDS, _LISTED_PHRASES = _listed(_read_word_list())
BANNED_WORDS: frozenset[str] = _OWN_WORDS | _LISTED_WORDS
_PHRASES = _OWN_PHRASES | _LISTED_PHRASES
_PHRASE_LENGTHS = sorted({len(phrase) for phrase in _PHRASES}, reverse=True)

# --- Folding --------------------------------------------------------------------------

# Letters of other scripts that look like Latin ones ("kіll" with a Cyrillic і).
_LOOKALIKES = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "к": "k", "ԁ": "d", "ո": "n", "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
})  # fmt: skip
# The letters a digit or symbol stands for inside a word ("1" may be an i or an l).
_LEET: Mapping[str, str] = {"0": "o", "1": "il", "3": "e", "4": "a", "@": "a", "5": "s", "$": "s", "7": "t", "!": "i", "+": "t"}
_MAX_SPELLINGS = 16
# A word: letters and digits, and the symbols that stand for letters; "!" at its ends is punctuation.
_TOKEN = re.compile(r"(?:[^\W_]|[@$+]|!(?=[^\W_]))+")
_LETTER_RUNS = re.compile(r"[^\W\d_]+")
# Between letters spelled apart: "k i l l", "k.i.l.l", "f-u-c-k", "s. h. i. t".
_SPELLED_APART = re.compile(r"[ .\-_*·]{1,3}")
_PHRASE_GAP = re.compile(r"[\s-]+")


def _fold_char(char: str) -> str:
    if unicodedata.category(char) == "Cf":  # zero-width spaces and joiners, soft hyphens
        return ""
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(part for part in decomposed if not unicodedata.category(part).startswith("M")).casefold().translate(_LOOKALIKES)


def _folded(text: str) -> tuple[str, list[int]]:
    """The text as it is compared, and for each of its characters the index of the one of `text` it came from."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for folded in _fold_char(char):
            chars.append(folded)
            origin.append(index)
    return "".join(chars), origin


def _stems(word: str) -> Iterator[str]:
    """The word and the roots it may be an inflection of: scaring, scariest, stabbing."""
    yield word
    if word in _NOT_INFLECTIONS:
        return
    for suffix in _INFLECTIONS:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            yield stem
            if suffix[0] in "ei":  # a silent e dropped before the suffix: scare -> scaring
                yield stem + "e"
            if stem.endswith("i"):
                yield stem[:-1] + "y"
            if stem[-1] == stem[-2]:
                yield stem[:-1]


def _root_in(word: str, vocabulary: frozenset[str]) -> str | None:
    """The word of `vocabulary` that `word` (lower case) is, or is an inflection of."""
    return next((stem for stem in _stems(word) if stem in vocabulary), None)


def _banned_root(spelling: str) -> str | None:
    """The banned word a spelling is: one of the project's (inflected or not) or one of the list's (or its plural)."""
    if root := _root_in(spelling, _OWN_WORDS):
        return root
    if spelling in _LISTED_WORDS:
        return spelling
    return spelling[:-1] if spelling.endswith("s") and spelling[:-1] in _LISTED_WORDS else None


def _spellings(token: str) -> Iterator[str]:
    """What a token may spell: itself, its runs of letters, and its letters with the digit and symbol swaps undone."""
    if token.isalpha():
        yield token
        return
    yield from _LETTER_RUNS.findall(token)
    if any(char.isalpha() for char in token):
        swaps = [_LEET.get(char, char) for char in token]
        for letters in itertools.islice(itertools.product(*swaps), _MAX_SPELLINGS):
            if (spelling := "".join(letters)).isalpha():
                yield spelling


def _root_of(token: str) -> str | None:
    return next((root for spelling in _spellings(token) if (root := _banned_root(spelling))), None)


# --- Finding and softening ------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A banned word in a text: as it was typed there, the listed word it is, and where it is."""

    typed: str
    root: str
    start: int
    end: int

    @property
    def swap(self) -> str | None:
        """The gentle word a story says instead, if there is one."""
        return _GENTLE_SWAPS.get(self.root)


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str


def _words(folded: str) -> list[_Token]:
    return [_Token(match.start(), match.end(), match[0]) for match in _TOKEN.finditer(folded)]


def _found_in_words(tokens: Sequence[_Token]) -> Iterator[tuple[int, int, str]]:
    for token in tokens:
        if root := _root_of(token.text):
            yield token.start, token.end, root


def _found_in_phrases(folded: str, tokens: Sequence[_Token]) -> Iterator[tuple[int, int, str]]:
    for at, length in itertools.product(range(len(tokens)), _PHRASE_LENGTHS):
        run = tokens[at : at + length]
        if len(run) < length or tuple(token.text for token in run) not in _PHRASES:
            continue
        if all(_PHRASE_GAP.fullmatch(folded[one.end : two.start]) for one, two in itertools.pairwise(run)):
            yield run[0].start, run[-1].end, " ".join(token.text for token in run)


def _found_spelled_apart(folded: str, tokens: Sequence[_Token]) -> Iterator[tuple[int, int, str]]:
    """Single letters with short gaps between them, read together: the longest run of them that is a banned word."""
    runs: list[list[_Token]] = []
    for token in tokens:
        if len(token.text) != 1:
            continue
        if runs and runs[-1][-1].end < token.start and _SPELLED_APART.fullmatch(folded[runs[-1][-1].end : token.start]):
            runs[-1].append(token)
        else:
            runs.append([token])
    for run in runs:
        at = 0
        while at <= len(run) - 3:
            for end in range(len(run), at + 2, -1):  # the longest first
                if root := _joined_root(run[at:end]):
                    yield run[at].start, run[end - 1].end, root
                    at = end
                    break
            else:
                at += 1


def _joined_root(letters: Sequence[_Token]) -> str | None:
    return _root_of("".join(letter.text for letter in letters))


def find_banned(text: str) -> list[Finding]:
    """The banned words in `text`, in order, each once (a phrase, or letters spelled apart, count as one)."""
    folded, origin = _folded(text)
    tokens = _words(folded)
    candidates = sorted(
        [*_found_in_phrases(folded, tokens), *_found_in_words(tokens), *_found_spelled_apart(folded, tokens)],
        key=lambda found: (found[0], -found[1]),
    )
    findings: list[Finding] = []
    for start, end, root in candidates:
        if findings and origin[start] < findings[-1].end:
            continue  # a word inside a phrase already found
        first, last = origin[start], origin[end - 1] + 1
        findings.append(Finding(typed=text[first:last], root=root, start=first, end=last))
    return findings


def banned_words_in(text: str) -> list[str]:
    """The banned words in `text` (as the listed words they are), in order of appearance."""
    return [finding.root for finding in find_banned(text)]


def _in_case_of(word: str, typed: str) -> str:
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if typed[:1].isupper() else word


def soften(text: str) -> str:
    """`text` with each banned word made gentle: its swap where a story has a kinder word, else left out."""
    pieces: list[str] = []
    at = 0
    for finding in find_banned(text):
        start, end = finding.start, finding.end
        if finding.swap is None:  # left out with the space before it (or, with none before, the space after it)
            start = at + len(text[at:start].rstrip())
            if start == finding.start:
                end = len(text) - len(text[end:].lstrip())
        pieces += [text[at:start], _in_case_of(finding.swap or "", finding.typed)]
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


def soften_analysis(analysis: DrawingAnalysis) -> DrawingAnalysis:
    """The analysis with every text a story may take from it softened."""
    return analysis.model_copy(
        update={
            "subject": soften(analysis.subject),
            "setting": soften(analysis.setting),
            "details": [detail for text in analysis.details if (detail := soften(text))],
            "mood": soften(analysis.mood),
            "colors": [colour for text in analysis.colors if (colour := soften(text))],
            "palette": [colour.model_copy(update={"name": soften(colour.name)}) for colour in analysis.palette],
            "character": soften(analysis.character),
        }
    )


def analysis_texts(analysis: DrawingAnalysis) -> Iterator[tuple[str, str]]:
    """Each text of the analysis a story may take, with its field: what `soften_analysis` softens."""
    yield "subject", analysis.subject
    yield "setting", analysis.setting
    yield from (("details", detail) for detail in analysis.details)
    yield "mood", analysis.mood
    yield from (("colors", colour) for colour in analysis.colors)
    yield from (("palette", colour.name) for colour in analysis.palette)
    yield "character", analysis.character


def soften_script(script: StoryScript) -> StoryScript:
    return script.model_copy(
        update={
            "title": soften(script.title),
            "scenes": [scene.model_copy(update={"text": soften(scene.text)}) for scene in script.scenes],
        }
    )


def banned_in_script(script: StoryScript) -> list[tuple[str, Finding]]:
    """Each banned word of a script with where it is, as a parent would say it: 'The title', 'Scene 2'."""
    places = [("The title", script.title), *((f"Scene {scene.number}", scene.text) for scene in script.scenes)]
    return [(place, finding) for place, text in places for finding in find_banned(text)]


def not_for_children(where: str, finding: Finding) -> str:
    """What a parent reads when their words have one a story never says."""
    return f"{where} says '{finding.typed}', which we don't put in children's stories. Please change it."


def script_refusal(script: StoryScript) -> str | None:
    """Why a script may not be read to a child, naming its first banned word and where it is; None if it may."""
    found = banned_in_script(script)
    return not_for_children(*found[0]) if found else None


# --- The personal context -------------------------------------------------------------

# Words that make a personal context read as an instruction or an advert rather than
# something happening in the child's life; such a context is left out whole.
_INSTRUCTION_WORDS = frozenset({
    "ignore", "disregard", "forget", "rule", "instruction", "prompt", "system", "write",
    "wrote", "written", "pretend", "roleplay", "override", "jailbreak", "assistant",
    "chatgpt", "gpt", "output", "command", "script", "javascript", "html", "alert",
})  # fmt: skip
_INSTRUCTION_PHRASES = ("you are", "you must", "act as", "from now on")
_ADVERT_WORDS = frozenset({"buy", "sell", "click", "subscribe", "download", "sponsor", "advert", "advertisement"})
# Markup, code and addresses are never a life event.
_NOT_A_LIFE_EVENT = re.compile(r"[<>{}\[\]\\|`$@#=*_~^/]|https?|www\.", re.IGNORECASE)

# A loss, or missing someone: who it is stands before these words or after those.
_LOSS_AFTER = re.compile(
    r"(?:['’]s\s+funeral|\s+(?:(?:has|had|just|recently|sadly)\s+)*"
    r"(?:passed\s+away|passed\s+on|died|went\s+to\s+heaven|is\s+(?:now\s+)?in\s+heaven))\b",
    re.IGNORECASE,
)
_LOSS_BEFORE = re.compile(r"\b(?:lost|losing|misses|missing|death\s+of)\s+", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[.!?;:,()]")
_OWNERS = frozenset({"my", "our", "her", "his", "their", "the", "your"})
_UNCLEAR_OWNERS = frozenset({"my", "the"})
# Who a child may miss; the first ones are also what the child calls them ("Grandpa").
_FAMILY_NAMES = frozenset({
    "grandpa", "grandma", "granny", "grandad", "granddad", "grandfather", "grandmother", "nana",
    "nan", "nanny", "gran", "grampa", "gramps", "papa", "mum", "mummy", "mom", "mommy", "mama",
    "dad", "daddy",
})  # fmt: skip
_PETS = frozenset({
    "dog", "puppy", "cat", "kitten", "kitty", "hamster", "rabbit", "bunny", "fish", "goldfish",
    "pig", "bird", "budgie", "parrot", "tortoise", "turtle", "pony", "horse", "pet", "gerbil",
    "mouse", "hen", "chicken", "lizard",
})  # fmt: skip
_LOVED_ONES = _FAMILY_NAMES | _PETS | {
    "mother", "father", "brother", "sister", "baby", "uncle", "aunt", "auntie", "cousin", "friend",
    "neighbour", "neighbor", "teacher", "grandparent", "grandparents",
}  # fmt: skip
_FONDLY = frozenset({"old", "little", "dear", "beloved", "great", "best", "family", "lovely", "sweet", "big"})
# Capitalised words that are not somebody's name.
_NOBODY = frozenset({
    "everyone", "everybody", "someone", "somebody", "anyone", "anybody", "nobody", "all", "people",
    "they", "he", "she", "it", "we", "i", "you", "who", "everything", "something", "today",
    "yesterday", "sadly", "recently", "unfortunately", "last", "this", "that", "when", "after",
    "since", "then", "and", "but", "so",
})  # fmt: skip
_MAX_NAME_WORDS = 3


@dataclass(frozen=True)
class PersonalContext:
    """What a story may take from the parent's personal context."""

    text: str  # the parent's words, when they may be woven in; "" when left out (or empty)
    missed: str | None = None  # for a loss or someone missed: who, as a story tells the child ("your grandpa")
    note: str | None = None  # why it was left out, for the parent


def _is_name_part(word: str) -> bool:
    lower = word.lower()
    return lower in _LOVED_ONES or lower in _FONDLY or (word[:1].isupper() and lower not in _NOBODY)


def _missed_from(words: Sequence[str], owner: str | None) -> str | None:
    """'her' + 'grandpa' -> 'your grandpa'; 'Grandpa Joe' -> 'Grandpa Joe'; 'the monster' -> None."""
    if not words or words[-1].lower() in _FONDLY:
        return None
    phrase = " ".join(words)
    if words[-1].lower() not in _PETS and (owner in _UNCLEAR_OWNERS or words[-1].lower() == "baby"):
        # The parent's own mum is the child's grandma, "the baby" may be one the child never met: the story does not guess.
        return "someone special"
    if owner is not None or (words[0].lower() not in _FAMILY_NAMES and not words[0][:1].isupper()):
        return "your " + phrase  # the story speaks to the child: 'her grandpa' is their grandpa
    return phrase[:1].upper() + phrase[1:]


def _who_before(text: str) -> str | None:
    words = _CLAUSE_BREAK.split(text)[-1].split()
    taken: list[str] = []
    for word in reversed(words):
        if word.lower() in _OWNERS:
            return _missed_from(taken, word.lower())
        if len(taken) == _MAX_NAME_WORDS or not _is_name_part(word):
            break
        taken.insert(0, word)
    return _missed_from(taken, None)


def _who_after(text: str) -> str | None:
    words = _CLAUSE_BREAK.split(text)[0].split()
    owner = words.pop(0).lower() if words and words[0].lower() in _OWNERS else None
    return _missed_from(list(itertools.takewhile(_is_name_part, words[:_MAX_NAME_WORDS])), owner)


def _loss_in(text: str) -> tuple[str, tuple[int, int]] | None:
    """Who is lost or missed, and where the words that say so are, if the context tells of that."""
    for match in _LOSS_AFTER.finditer(text):
        if missed := _who_before(text[: match.start()]):
            return missed, match.span()
    for match in _LOSS_BEFORE.finditer(text):
        if missed := _who_after(text[match.end() :]):
            return missed, match.span()
    return None


def _left_out(reason: str) -> PersonalContext:
    return PersonalContext(
        text="",
        note=f"We left out what you told us about your child's life, because {reason}. "
        "Tell us about something happening in their life, like 'starting school next week', and we'll weave it in.",
    )


def context_findings(text: str) -> list[Finding]:
    """The banned words of a personal context, but for those telling of a loss ('died'), which a story retells gently."""
    loss = _loss_in(text)
    said = (0, 0) if loss is None else loss[1]
    return [finding for finding in find_banned(text) if not (said[0] <= finding.start and finding.end <= said[1])]


def read_context(text: str) -> PersonalContext:
    """Whether the parent's personal context may be woven into a story, and how; if not, why."""
    folded, _ = _folded(text)
    words = _LETTER_RUNS.findall(folded)
    spoken = f" {' '.join(words)} "
    if not words:
        return PersonalContext(text="")
    if _NOT_A_LIFE_EVENT.search(unicodedata.normalize("NFKC", text)):
        return _left_out("it has a link, code or symbols in it")
    if any(_root_in(word, _INSTRUCTION_WORDS) for word in words) or any(f" {phrase} " in spoken for phrase in _INSTRUCTION_PHRASES):
        return _left_out("it reads like an instruction rather than something from their life")
    if any(_root_in(word, _ADVERT_WORDS) for word in words):
        return _left_out("it reads like an advert")
    if banned := context_findings(text):
        return _left_out(f"it has the word '{banned[0].typed}', which we don't put in children's stories")
    loss = _loss_in(text)
    return PersonalContext(text=text, missed=None if loss is None else loss[0])
