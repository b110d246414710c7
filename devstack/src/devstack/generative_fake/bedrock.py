"""Bedrock Runtime's Converse as the fake answers it: a forced tool call answered with an input that fits the tool's schema.

It plays a model that follows instructions plainly: the tool's JSON schema says what to fill in (objects,
arrays, enums, bounds; `$ref`s resolved), "exactly N scenes" in the system prompt says how many, and the
subject quoted in the first message is what the sentences are about. Every string it writes is a gentle
sentence, and its answer is checked against the schema it was sent before it goes back. Faults: `refuse`
(the answer a content filter gives) and `malformed` (a tool input that leaves out what the schema requires).
"""

from __future__ import annotations

import json
import re
from io import BytesIO
from typing import Any

import jsonschema
import numpy as np
from PIL import Image

from devstack.generative_fake.wire import WireError

_SCENES = re.compile(r"exactly (\d+) scenes", re.IGNORECASE)
_LANGUAGE = re.compile(r"\bin [A-Z][a-z]+ \(([a-z]{2})\)")
_SUBJECT = re.compile(r'"subject"\s*:\s*"([^"]{1,80})"')
# Short enough for the youngest tier's sentences, with a subject of three words.
SENTENCES = (
    "{Subject} woke up with a big smile.",
    "{Subject} looked for a friend.",
    "A little bird sang a happy song.",
    "Together they found shining stones.",
    "The stones led to a flower garden.",
    "{Subject} shared a snack with the bird.",
    "They played until the sun went down.",
    "At home, {subject} felt warm and happy.",
)
# The languages the fake writes besides English (a model writes any; the fake knows a few words of one more).
SENTENCES_IN = {
    "en": SENTENCES,
    "es": (
        "{Subject} se despertó con una gran sonrisa.",
        "{Subject} buscó a un amigo.",
        "Un pajarito cantó una canción alegre.",
        "Juntos encontraron piedras brillantes.",
        "Las piedras llevaban a un jardín de flores.",
        "{Subject} compartió la merienda con el pájaro.",
        "Jugaron hasta que se puso el sol.",
        "En casa, {subject} se sintió feliz y tranquilo.",
    ),
}
TITLES_IN = {"en": "The Day of the {named}", "es": "El día de {named}"}
# The models this fake account has been given access to (Bedrock's model access page).
ENABLED_MODELS = frozenset({"amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0", "anthropic.claude-3-5-haiku-20241022-v1:0"})


def converse(params: dict[str, Any], *, refuse: bool = False, malformed: bool = False) -> dict[str, Any]:
    if params["modelId"] not in ENABLED_MODELS:
        raise WireError(403, "AccessDeniedException", "You don't have access to the model with the specified model ID.")
    tools = params.get("toolConfig", {}).get("tools", [])
    choice = params.get("toolConfig", {}).get("toolChoice", {})
    if not tools:
        raise WireError(400, "ValidationException", "The fake answers only with a tool: send toolConfig with one.")
    spec = next(iter(tools))["toolSpec"]
    if "tool" in choice and choice["tool"]["name"] != spec["name"]:
        raise WireError(400, "ValidationException", f"The tool choice names {choice['tool']['name']!r}, which is not offered.")
    prompt = " ".join(block.get("text", "") for block in params.get("system", []))
    asked = " ".join(block.get("text", "") for message in params["messages"] for block in message["content"])
    usage = {"inputTokens": max(1, len((prompt + asked).split()) * 4 // 3), "outputTokens": 0, "totalTokens": 0}
    if refuse:
        usage["totalTokens"] = usage["inputTokens"]
        text = "Sorry, I can't help with that."
        return {
            "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
            "stopReason": "content_filtered",
            "usage": usage,
            "metrics": {"latencyMs": 5},
        }
    images = [block["image"]["source"]["bytes"] for message in params["messages"] for block in message["content"] if "image" in block]
    answer = written_answer(spec["inputSchema"]["json"], prompt=prompt, asked=asked, images=images, malformed=malformed)
    usage["outputTokens"] = len(json.dumps(answer)) // 4
    usage["totalTokens"] = usage["inputTokens"] + usage["outputTokens"]
    content = [{"toolUse": {"toolUseId": "tooluse_fake_1", "name": spec["name"], "input": answer}}]
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": "tool_use",
        "usage": usage,
        "metrics": {"latencyMs": 5},
    }


def written_answer(schema: dict[str, Any], *, prompt: str, asked: str, images: list[bytes], malformed: bool = False) -> dict[str, Any]:
    """What the fake model answers to a request for data of `schema` (any family's): the system prompt says how many
    scenes and in which language, the message which subject; a picture is looked at. `malformed` leaves out what is required."""
    subject_said, scenes_asked, language_asked = _SUBJECT.search(asked), _SCENES.search(prompt), _LANGUAGE.search(prompt)
    language = language_asked[1] if language_asked and language_asked[1] in SENTENCES_IN else "en"
    subject = subject_said[1].strip() if subject_said else "the little hero"
    scenes = int(scenes_asked[1]) if scenes_asked else None
    answer = _Writer(schema, subject, scenes, language).fill(schema)
    if images:  # a vision request: what it "sees" is what the picture's colours say
        answer.update({key: value for key, value in seen_in(images[0]).items() if key in schema.get("properties", {})})
    if malformed:
        return {key: value for key, value in answer.items() if key not in schema.get("required", [])[:1]}
    jsonschema.validate(answer, schema)  # the fake's own answer fits what it was asked for
    return answer


# Hues (degrees) of the colour words the fake sees, with the saturated pixels' mean hue nearest wins.
_HUES = {"red": 0, "orange": 30, "yellow": 55, "green": 120, "blue": 220, "purple": 280, "pink": 330}


def seen_in(image: bytes) -> dict[str, Any]:
    """What the fake's vision model says a drawing shows: its main ink colour is measured, the rest is its stock answer."""
    picture = Image.open(BytesIO(image)).convert("HSV")
    picture.thumbnail((128, 128))
    hsv = np.asarray(picture, dtype=np.float32)
    coloured = hsv[(hsv[..., 1] > 90) & (hsv[..., 2] > 60)]
    if len(coloured):
        hue = float(np.median(coloured[:, 0])) * 360 / 255
        colour = min(_HUES, key=lambda name: min(abs(_HUES[name] - hue), 360 - abs(_HUES[name] - hue)))
    else:
        colour = "grey"
    return {
        "subject": f"a friendly {colour} creature",
        "character": f"A friendly {colour} creature with round black eyes, a wide smile and two little feet.",
        "setting": "in a sunny garden",
        "details": ["a smiling face", "two little feet"],
        "mood": "happy",
        "colors": [colour],
    }


class _Writer:
    """An instance of a JSON schema, written as a plain, gentle model would."""

    def __init__(self, root: dict[str, Any], subject: str, items: int | None, language: str = "en") -> None:
        self._root, self._subject, self._items, self._said, self._language = root, subject, items, 0, language

    def fill(self, schema: dict[str, Any], *, position: int = 0, name: str = "") -> Any:
        if "$ref" in schema:
            return self.fill(self._resolved(schema["$ref"]), position=position, name=name)
        if "anyOf" in schema:
            return self.fill(next(option for option in schema["anyOf"] if option.get("type") != "null"), position=position, name=name)
        if "enum" in schema:
            return schema["enum"][position % len(schema["enum"])]
        kind = schema.get("type")
        if kind == "object":
            properties = schema.get("properties", {})
            return {key: self.fill(properties[key], position=position, name=key) for key in properties}
        if kind == "array":
            low, high = schema.get("minItems", 1), schema.get("maxItems", 12)
            count = min(max(self._items or low, low), high)
            return [self.fill(schema["items"], position=index, name=name) for index in range(count)]
        if kind == "integer":
            low = schema.get("minimum", 0)
            return min(low + position, schema.get("maximum", low + position))  # a numbered list counts up from its first
        if kind == "number":
            return float(schema.get("minimum", 0))
        if kind == "boolean":
            return False
        return self._sentence(schema.get("maxLength", 200), title=name == "title")

    def _resolved(self, reference: str) -> dict[str, Any]:
        node: Any = self._root
        for part in reference.removeprefix("#/").split("/"):
            node = node[part]
        return node

    def _sentence(self, limit: int, *, title: bool) -> str:
        if title:
            words = self._subject.split()
            named = " ".join(word.capitalize() for word in (words[1:] if words[0].lower() in ("a", "an", "the") else words))
            return TITLES_IN[self._language].format(named=named)[:limit]
        sentences = SENTENCES_IN[self._language]
        template = sentences[self._said % len(sentences)]
        self._said += 1
        text = template.format(subject=self._subject, Subject=self._subject[:1].upper() + self._subject[1:])
        return text[:limit]
