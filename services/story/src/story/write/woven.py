"""The parent's personal context, told in the story's own grammar.

Parents write about their child as they would to a friend: "He is starting at a new school on
Monday", "her best friend is Maya", "We just had a baby girl", "Loves dinosaurs and trains". A story
speaks to the child, so it takes from that sentence what it is about, in its own words: an event
("starting at a new school on Monday"), what the child loves ("dinosaurs and trains"), someone in
their life ("your best friend Maya"), or, failing those, the parent's sentence turned to speak to the
child ("You are a big sister now."). Whatever the parent's person, the story's is the second: "his",
"her" and "our" become "your", "him" becomes "you". What cannot be read this way is left out, and
`unwoven_note` tells the parent why.

A loss is not read here: the safety policy's `PersonalContext.missed` says who is missed, and the
story speaks of missing them in lines of its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from shared.domain.safety import PersonalContext


class ContextUse(StrEnum):
    EVENT = "event"  # "starting at a new school": something in the child's life the hero's story is likened to
    LIKES = "likes"  # "dinosaurs and trains": what the child loves
    PERSON = "person"  # "your best friend Maya": someone in the child's life
    SENTENCE = "sentence"  # "You are a big sister now.": said to the child as it is


@dataclass(frozen=True)
class WovenContext:
    use: ContextUse
    words: str  # a phrase for a slot in a sentence, or for SENTENCE a whole sentence


UNWOVEN_NOTE = (
    "We couldn't fit what you told us about your child's life into this story, because we couldn't tell what "
    "it is about. A few words like 'starting school next week' or 'loves dinosaurs' work best."
)

_MAX_WORDS = 10
_CONTRACTIONS = {
    "he's": ("he", "is"), "she's": ("she", "is"), "it's": ("it", "is"), "we're": ("we", "are"),
    "they're": ("they", "are"), "i'm": ("i", "am"), "i'd": ("i", "would"), "we'd": ("we", "would"),
    "we've": ("we", "have"), "i've": ("i", "have"), "can't": ("cannot",), "won't": ("will", "not"),
    "he'll": ("he", "will"), "she'll": ("she", "will"), "we'll": ("we", "will"),
}  # fmt: skip
_CHILD_PRONOUNS = frozenset({"he", "she", "they"})
_PARENT_PRONOUNS = frozenset({"i", "we"})
_CHILD_NOUNS = frozenset({"son", "daughter", "boy", "girl", "child", "kid", "one", "toddler", "baby", "eldest", "youngest"})
_RELATIONS = frozenset({
    "friend", "friends", "sister", "brother", "cousin", "teacher", "grandma", "grandpa", "granny", "grandad",
    "nana", "aunt", "auntie", "uncle", "neighbour", "neighbor", "puppy", "dog", "cat", "kitten", "pet",
})  # fmt: skip
_FAMILY = frozenset({"daddy", "dad", "mummy", "mum", "mommy", "mom", "mama", "papa", "grandma", "grandpa", "granny", "grandad", "nana"})
_POSSESSIVES = frozenset({"his", "her", "their", "my", "our"})
_BE = frozenset({"is", "are", "am", "was", "were"})
_HAVE = frozenset({"has", "have", "had"})
_WILL = frozenset({"will", "shall"})
_LIKE_VERBS = frozenset({"loves", "love", "likes", "like", "adores", "adore", "enjoys", "enjoy"})
_WANT_VERBS = frozenset({"wants", "want", "wishes", "wish", "hopes", "hope", "needs", "need"})
_ADVERBS = frozenset({"just", "recently", "really", "finally", "soon", "also", "always", "so", "very", "now", "still", "currently"})
_LEADING_FILLERS = frozenset({"about", "that", "for", "re"})
_DETERMINERS = frozenset({"a", "an", "the", "some", "this", "that", "these", "those", "your", "no"})
# Where a second clause starts: the story takes the first one.
_CLAUSE_STARTS = frozenset({"but", "because", "so", "while", "although", "though", "since", "which", "who", "when", "and", "or"})
_SUBJECT_AFTER_AND = _CHILD_PRONOUNS | _PARENT_PRONOUNS | {"it", "you"}
_ENDS = frozenset({"a", "an", "the", "and", "or", "but", "of", "to", "for", "with", "in", "on", "at", "by", "your", "very"})
_PREPOSITIONS = frozenset({"to", "for", "with", "at", "on", "in", "by", "from", "about", "of", "than", "like"})
_ORDINALS = frozenset({"first", "last", "next"})
# Words an event told without a verb starts with: "new school", "big move", "baby brother on the way".
_NEWS = frozenset({"new", "big", "little", "baby"})
_IRREGULAR_GERUNDS = {"be": "being", "see": "seeing", "have": "having", "go": "going", "do": "doing", "lie": "lying"}
_IRREGULAR_BASES = {"goes": "go", "does": "do", "has": "have", "is": "be"}


def weave(context: PersonalContext) -> WovenContext | None:
    """How the story may use the parent's context, or None if it cannot tell what it is about (or it tells of a loss)."""
    if not context.text or context.missed:
        return None
    words = _words(_first_clause(context.text))
    while words and words[0].lower() in _LEADING_FILLERS:
        words.pop(0)
    return _read(words) if words else None


def unwoven_note(context: PersonalContext) -> str | None:
    """For the parent, when their context may be told but the story could not fit it in."""
    return UNWOVEN_NOTE if context.text and not context.missed and weave(context) is None else None


def _first_clause(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    first = re.split(r"[.!?;:,()\n]", text.strip())[0]
    return " ".join("".join(char if char.isalnum() or char in "'-" else " " for char in first).split())


def _words(clause: str) -> list[str]:
    """The clause's words, contractions opened ('she's' -> 'she is'), and its first word in lower case unless a name."""
    words: list[str] = []
    for at, word in enumerate(clause.split()):
        lower = word.lower()
        if lower in _CONTRACTIONS:
            words += _CONTRACTIONS[lower]
        elif lower.endswith("'s") and at == 0 and _is_name(word[:-2]):
            words += [word[:-2], "is"]  # "Emma's starting school"
        else:
            words.append(word)
    if words and not _is_name(words[0]):
        words[0] = words[0].lower()
    return words


def _is_name(word: str) -> bool:
    """A capitalised word that is not an ordinary word at the start of the parent's sentence."""
    lower = word.lower()
    ordinary = _CHILD_PRONOUNS | _PARENT_PRONOUNS | _POSSESSIVES | _DETERMINERS | _LIKE_VERBS | _WANT_VERBS | _ORDINALS
    return word[:1].isupper() and lower not in ordinary | {"it", "my", "new", "big", "little", "baby"} and not lower.endswith("ing")


def _read(words: list[str]) -> WovenContext | None:
    lower = [word.lower() for word in words]
    if person := _person(words, lower):
        return WovenContext(ContextUse.PERSON, person)
    subject, rest = _subject(words, lower)
    if subject:
        rest = [word for word in rest if word.lower() not in _ADVERBS]
    if subject == "child" and rest and rest[0].lower() not in _BE | _HAVE | _WILL | _LIKE_VERBS | _WANT_VERBS:
        rest = [_base(rest[0].lower()), *rest[1:]] if _is_third_person(rest[0]) else rest
        return _event([_gerund(rest[0].lower()), *rest[1:]]) if rest else None
    return _predicate(subject, rest)


def _subject(words: list[str], lower: list[str]) -> tuple[str | None, list[str]]:
    """Who the sentence is about ('child', 'parent', 'it', or None when it starts with what happens) and the rest."""
    if lower[0] in _CHILD_PRONOUNS:
        return "child", words[1:]
    if lower[0] in _PARENT_PRONOUNS:
        return "parent", words[1:]
    if lower[0] == "it" and len(lower) > 1 and lower[1] in _BE:
        return "it", words[1:]
    if lower[0] in {"my", "our"}:
        noun = next((at for at, word in enumerate(lower[1:4], start=1) if word in _CHILD_NOUNS), None)
        if noun is not None:
            rest = words[noun + 1 :]
            return "child", rest[1:] if rest[:1] and _is_name(rest[0]) else rest  # "our son Leo is ..."
    if lower[0] in _FAMILY or (lower[0] in _POSSESSIVES and len(lower) > 2 and lower[1] in _RELATIONS and lower[2] in _BE):
        # Someone else's news is told with who it is about: "Daddy working away", "your grandma coming to stay".
        at = 1 if lower[0] in _FAMILY else 2
        return "other", [*_to_child(words[:at]), *words[at:]]
    if _is_name(words[0]) and len(words) > 1 and (lower[1] in {"is", "was", "has", "will"} | _ADVERBS or _is_third_person(words[1])):
        return "child", words[1:]
    return None, words


def _predicate(subject: str | None, words: list[str]) -> WovenContext | None:
    if not words:
        return None
    verb = words[0].lower()
    rest = words[1:]
    if subject is None:
        if verb in _LIKE_VERBS:
            return _phrase(ContextUse.LIKES, rest)
        if verb in _WANT_VERBS:
            return _wanted(rest)
        if _is_third_person(words[0]) and rest and rest[0].lower() not in _DETERMINERS:
            return _event([_gerund(_base(verb)), *rest])  # "Starts school on Monday"
        if verb.endswith("ing") or verb in _DETERMINERS | _POSSESSIVES | _ORDINALS | _NEWS:
            return _event(words)  # "starting swim lessons", "a new baby sister", "first day at nursery"
        return None
    if subject == "other":
        be = next((at for at, word in enumerate(words) if word.lower() in _BE), len(words) - 1)
        return _event([*words[:be], *words[be + 1 :]]) if words[be + 1 :] and words[be + 1].lower().endswith("ing") else None
    if verb in _BE:
        return _after_be(subject, rest)
    if verb in _HAVE:
        return _after_have(rest)
    if verb in _WILL and rest:
        rest = rest[1:] if rest[0].lower() == "be" and len(rest) > 1 and rest[1].lower().endswith("ing") else rest
        return _event([_gerund(rest[0].lower()), *rest[1:]]) if rest[0].lower() not in _DETERMINERS else None
    if verb == "would" and rest and rest[0].lower() in _LIKE_VERBS:
        return _wanted(rest[1:])
    if verb in _LIKE_VERBS and subject != "parent" or (verb in _LIKE_VERBS and rest and rest[0].lower().endswith("ing")):
        return _phrase(ContextUse.LIKES, rest)
    if verb in _WANT_VERBS:
        return _wanted(rest)
    return None


def _after_be(subject: str, words: list[str]) -> WovenContext | None:
    if not words:
        return None
    first = words[0].lower()
    if first == "going" and len(words) > 2 and words[1].lower() == "to" and words[2].lower() not in _DETERMINERS:
        return _event([_gerund(words[2].lower()), *words[3:]])  # "is going to start school" -> "starting school"
    if first.endswith("ing"):
        return _event(words)
    if subject == "it":
        return _event(words)  # "it's her birthday next week" -> "your birthday next week"
    if subject == "parent":
        about = next((at for at, word in enumerate(words) if word.lower() == "about"), None)
        return _event(words[about + 1 :]) if about is not None else None  # "I'm worried about his first day"
    if subject == "child":
        told = _to_child(_first_part(words))
        return WovenContext(ContextUse.SENTENCE, f"You are {' '.join(told)}.") if told else None
    return None


def _after_have(words: list[str]) -> WovenContext | None:
    lower = [word.lower() for word in words]
    if lower[:1] == ["to"] and len(words) > 1:
        return _event([_gerund(lower[1]), *words[2:]])  # "has to have a check-up" -> "having a check-up"
    if "baby" in lower:
        # A family's new baby is the child's new brother or sister.
        sibling = "sister" if "girl" in lower else "brother" if "boy" in lower else None
        return WovenContext(ContextUse.EVENT, f"a new baby {sibling}" if sibling else "a new baby in the family")
    return _event(words)


def _wanted(words: list[str]) -> WovenContext | None:
    """'to be brave at the dentist', 'him to be brave at the dentist' -> 'being brave at the dentist'."""
    lower = [word.lower() for word in words]
    if lower[:1] and lower[0] in {"him", "her", "them"}:
        words, lower = words[1:], lower[1:]
    if len(words) < 2 or lower[0] != "to":
        return None
    return _event([_gerund(lower[1]), *words[2:]])


def _person(words: list[str], lower: list[str]) -> str | None:
    """'her best friend is Maya', 'Maya is her best friend', 'his friend Maya' -> 'your best friend Maya'."""
    if lower[0] in _POSSESSIVES and "is" in lower:
        at = lower.index("is")
        relation, names = lower[1:at], words[at + 1 :]
        names = names[1:] if names[:1] and names[0].lower() in {"called", "named"} else names
    elif len(lower) > 2 and _is_name(words[0]) and lower[1] == "is" and lower[2] in _POSSESSIVES:
        relation, names = lower[3:], words[:1]
    elif lower[0] in _POSSESSIVES and len(words) > 2 and words[-1][:1].isupper():
        relation, names = lower[1:-1], words[-1:]
    else:
        return None
    if not relation or relation[-1] not in _RELATIONS or not names or not all(_is_name(name) or name == "and" for name in names):
        return None
    return f"your {' '.join(relation)} {' '.join(names[:3])}"


def _event(words: Sequence[str]) -> WovenContext | None:
    phrase = _to_child(_first_part(words))
    if not phrase:
        return None
    if phrase[0].lower() in _ORDINALS:  # "first day at nursery" reads "like the first day at nursery"
        phrase.insert(0, "the")
    return WovenContext(ContextUse.EVENT, " ".join(phrase))


def _phrase(use: ContextUse, words: Sequence[str]) -> WovenContext | None:
    phrase = _to_child(_first_part(words, keep_and=True))
    return WovenContext(use, " ".join(phrase)) if phrase else None


def _first_part(words: Sequence[str], *, keep_and: bool = False) -> list[str]:
    """The words up to where a second clause starts, at most ten, with no loose word at the end."""
    kept: list[str] = []
    for at, word in enumerate(words):
        lower = word.lower()
        following = words[at + 1].lower() if at + 1 < len(words) else ""
        joins_things = lower in {"and", "or"} and (keep_and or not kept) and following not in _SUBJECT_AFTER_AND
        if lower in _CHILD_PRONOUNS | _PARENT_PRONOUNS or (lower in _CLAUSE_STARTS and kept and not joins_things):
            break
        kept.append(word)
    kept = kept[:_MAX_WORDS]
    while kept and kept[-1].lower() in _ENDS:
        kept.pop()
    return kept


def _to_child(words: Sequence[str]) -> list[str]:
    """The parent's words as the story says them to the child: 'his school' -> 'your school', 'for him' -> 'for you'."""
    told: list[str] = []
    for at, word in enumerate(words):
        lower = word.lower()
        following = words[at + 1].lower() if at + 1 < len(words) else ""
        if lower in {"his", "their", "our", "my"} or (lower == "her" and following and following not in _PREPOSITIONS):
            told.append("your")
        elif lower in {"him", "her", "them"}:
            told.append("you")
        elif lower in {"himself", "herself", "themselves"}:
            told.append("yourself")
        elif lower in {"me", "us"}:
            told.append("your family")
        else:
            told.append(word)
    return told


def _is_third_person(word: str) -> bool:
    """'starts', 'goes', 'tries': a verb after he or she (a guess from its ending, as there is no dictionary here)."""
    lower = word.lower()
    return lower in _IRREGULAR_BASES or (lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(lower) > 3)


def _base(verb: str) -> str:
    if verb in _IRREGULAR_BASES:
        return _IRREGULAR_BASES[verb]
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return verb[:-2]
    return verb.removesuffix("s")


def _gerund(verb: str) -> str:
    """'be' -> 'being', 'start' -> 'starting', 'ride' -> 'riding', 'swim' -> 'swimming'."""
    if verb.endswith("ing") or verb in _DETERMINERS:
        return verb
    if verb in _IRREGULAR_GERUNDS:
        return _IRREGULAR_GERUNDS[verb]
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith("ee") and len(verb) > 2:
        return verb[:-1] + "ing"
    vowels = "aeiou"
    if len(verb) in (3, 4) and verb[-1] not in vowels + "wxy" and verb[-2] in vowels and verb[-3] not in vowels:
        return verb + verb[-1] + "ing"  # one syllable ending consonant-vowel-consonant: "swim", "get", "sit"
    return verb + "ing"
