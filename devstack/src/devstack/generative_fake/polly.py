"""Polly's SynthesizeSpeech as the fake answers it: a hum for every word, and speech marks that match it exactly.

The audio is real (16-bit PCM, or MP3 made from it) and laid out from the text alone, so the two calls a
narrator makes for one scene (the audio, then its word and sentence marks) agree to the millisecond, as
Polly's do. Voices, engines and languages are checked as Polly checks them, for the voices listed here.
"""

from __future__ import annotations

import html
import json
import math
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import numpy as np

from devstack.generative_fake.wire import WireError

MAX_CHARACTERS = 3000  # billed characters (the text without its SSML tags) in one request
PCM_RATES = ("8000", "16000")
DEFAULT_RATES = {"pcm": "16000", "mp3": "24000"}
# The voices the fake speaks: their language and the engines that have them (as Polly's DescribeVoices says).
VOICES: dict[str, tuple[str, frozenset[str]]] = {
    "Joanna": ("en-US", frozenset({"standard", "neural", "generative"})),
    "Matthew": ("en-US", frozenset({"standard", "neural", "generative"})),
    "Ruth": ("en-US", frozenset({"neural", "generative"})),
    "Ivy": ("en-US", frozenset({"standard", "neural"})),
    "Kevin": ("en-US", frozenset({"neural"})),
    "Justin": ("en-US", frozenset({"standard", "neural"})),
    "Amy": ("en-GB", frozenset({"standard", "neural", "generative"})),
    "Lucia": ("es-ES", frozenset({"standard", "neural", "generative"})),
    "Sergio": ("es-ES", frozenset({"neural", "generative"})),
    "Lupe": ("es-US", frozenset({"standard", "neural", "generative"})),
    "Pedro": ("es-US", frozenset({"neural", "generative"})),
    "Lea": ("fr-FR", frozenset({"standard", "neural", "generative"})),
    "Remi": ("fr-FR", frozenset({"neural", "generative"})),
    "Vicki": ("de-DE", frozenset({"standard", "neural", "generative"})),
    "Daniel": ("de-DE", frozenset({"neural", "generative"})),
    "Camila": ("pt-BR", frozenset({"standard", "neural", "generative"})),
    "Vitoria": ("pt-BR", frozenset({"standard", "neural"})),
    "Thiago": ("pt-BR", frozenset({"neural", "generative"})),
    "Ines": ("pt-PT", frozenset({"standard", "neural", "generative"})),
}

# How the hum is laid out, in seconds at the normal rate.
LEAD_IN, TAIL = 0.05, 0.15
WORD_BASE, PER_LETTER = 0.18, 0.055
WORD_GAP, SENTENCE_PAUSE = 0.06, 0.4
FADE = 0.015

_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\s]+")
_RATE = re.compile(r"""<prosody\b[^>]*\brate=["'](\d+)%["']""")
_SENTENCE_END = re.compile(r"[.!?][\"'”’»)]*$")
_OPENERS = "\"'“‘«(¡¿"


@dataclass(frozen=True)
class _Word:
    value: str
    start: int  # byte offsets into the request's text, as Polly's marks give them
    end: int
    rate: float  # the prosody rate it is spoken at (1 is normal)


@dataclass(frozen=True)
class _Timed:
    word: _Word
    start_sec: float
    end_sec: float
    ends_sentence: bool


def synthesize(params: dict[str, Any]) -> dict[str, Any]:
    """SynthesizeSpeech's output (AudioStream, ContentType, RequestCharacters) for validated parameters."""
    voice, engine, output_format = params["VoiceId"], params.get("Engine", "standard"), params["OutputFormat"]
    if voice not in VOICES:
        raise WireError(400, "ValidationException", f"The fake knows no voice {voice!r}.")
    language, engines = VOICES[voice]
    if engine not in engines:
        raise WireError(400, "EngineNotSupportedException", f"This voice does not support the selected engine: {engine}")
    if params.get("LanguageCode", language) != language:
        raise WireError(400, "LanguageNotSupportedException", f"{voice} does not speak {params['LanguageCode']}.")
    text, ssml = params["Text"], params.get("TextType", "text") == "ssml"
    words, characters = _read(text, ssml)
    if characters > MAX_CHARACTERS:
        raise WireError(400, "TextLengthExceededException", f"Maximum text length has been exceeded ({characters} > {MAX_CHARACTERS}).")
    marks = params.get("SpeechMarkTypes", [])
    if output_format == "json":
        if not marks:
            raise WireError(400, "ValidationException", "Speech marks are requested with SpeechMarkTypes.")
        return {
            "AudioStream": _marks(text, _timed(words), marks),
            "ContentType": "application/x-json-stream",
            "RequestCharacters": characters,
        }
    if marks:
        raise WireError(400, "MarksNotSupportedForFormatException", "Speech marks are only available in the json output format.")
    rate = int(params.get("SampleRate", DEFAULT_RATES.get(output_format, "16000")))
    if output_format == "pcm" and str(rate) not in PCM_RATES:
        raise WireError(400, "InvalidSampleRateException", f"The sample rate {rate} is not valid for pcm.")
    samples = _hum(_timed(words), rate, pitch=pitch(voice))
    if output_format == "pcm":
        return {"AudioStream": samples.tobytes(), "ContentType": "audio/pcm", "RequestCharacters": characters}
    if output_format == "mp3":
        return {"AudioStream": _mp3(samples, rate), "ContentType": "audio/mpeg", "RequestCharacters": characters}
    raise WireError(400, "ValidationException", f"The fake speaks pcm, mp3 and json, not {output_format}.")


def describe_voices(params: dict[str, Any]) -> dict[str, Any]:
    """DescribeVoices: the fake's voices, by engine and language when asked."""
    engine, language = params.get("Engine"), params.get("LanguageCode")
    voices = [
        {"Id": voice, "Name": voice, "LanguageCode": code, "SupportedEngines": sorted(engines)}
        for voice, (code, engines) in VOICES.items()
        if (engine is None or engine in engines) and (language is None or language == code)
    ]
    return {"Voices": voices}


def _read(text: str, ssml: bool) -> tuple[list[_Word], int]:
    """The words spoken and the characters billed."""
    if not ssml:
        return [_Word(match[0], *_bytes_span(text, match.start(), match.end()), 1.0) for match in _WORD.finditer(text)], len(text)
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise WireError(400, "InvalidSsmlException", f"Invalid SSML request: {error}") from None
    if root.tag != "speak":
        raise WireError(400, "InvalidSsmlException", "Invalid SSML request: the root element must be <speak>.")
    words, characters, position, rates = [], 0, 0, [1.0]
    for tag in [*_TAG.finditer(text), None]:
        segment_end = tag.start() if tag else len(text)
        segment = text[position:segment_end]
        characters += len(html.unescape(segment))
        for match in _WORD.finditer(segment):
            start, end = _bytes_span(text, position + match.start(), position + match.end())
            words.append(_Word(html.unescape(match[0]), start, end, rates[-1]))
        if tag is None:
            break
        if tag[0].startswith("</prosody") and len(rates) > 1:
            rates.pop()
        elif rate := _RATE.match(tag[0]):
            rates.append(int(rate[1]) / 100)
        position = tag.end()
    return words, characters


def _bytes_span(text: str, start: int, end: int) -> tuple[int, int]:
    return len(text[:start].encode()), len(text[:end].encode())


def _timed(words: list[_Word]) -> list[_Timed]:
    timed, clock = [], LEAD_IN
    for index, word in enumerate(words):
        letters = sum(character.isalnum() for character in word.value)
        length = (WORD_BASE + PER_LETTER * letters) / word.rate
        following = words[index + 1].value if index + 1 < len(words) else ""
        # A sentence ends at . ! or ? before a word that starts one: '"Hello!" said the fox' is one sentence.
        ends = bool(_SENTENCE_END.search(word.value)) and (not following or _starts_sentence(following))
        timed.append(_Timed(word, clock, clock + length, ends))
        clock += length + (SENTENCE_PAUSE if ends else WORD_GAP) / word.rate
    return timed


def _marks(text: str, timed: list[_Timed], types: list[str]) -> bytes:
    """Speech marks as Polly writes them: one JSON object a line, times in milliseconds, byte offsets into the text."""
    encoded, lines = text.encode(), []
    for index, item in enumerate(timed):
        first_of_sentence = index == 0 or timed[index - 1].ends_sentence
        if "sentence" in types and first_of_sentence:
            last = next((later for later in timed[index:] if later.ends_sentence), timed[-1])
            value = encoded[item.word.start : last.word.end].decode()
            lines.append({"time": _ms(item.start_sec), "type": "sentence", "start": item.word.start, "end": last.word.end, "value": value})
        if "word" in types:
            value = item.word.value.strip(".,!?;:\"'“”‘’()")
            lines.append({"time": _ms(item.start_sec), "type": "word", "start": item.word.start, "end": item.word.end, "value": value})
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _starts_sentence(word: str) -> bool:
    first = word.lstrip(_OPENERS)[:1]
    return first.isupper() or first.isdigit()  # a capital of any alphabet ("Él", "¡Hola")


def pitch(voice: str) -> float:
    """Each voice hums at its own pitch, so a test can tell which voice spoke."""
    return 160.0 + 10 * (sum(map(ord, voice)) % 14)


def hummed(text: str, *, rate: int, voice: str, speed: float = 1.0) -> bytes:
    """Plain text spoken as the fake speaks it (a hum a word, at the voice's pitch), as 16-bit PCM at `rate`."""
    words = [_Word(match[0], match.start(), match.end(), speed) for match in _WORD.finditer(text)]
    return _hum(_timed(words), rate, pitch=pitch(voice)).tobytes()


def _hum(timed: list[_Timed], rate: int, *, pitch: float) -> np.ndarray:
    end = (timed[-1].end_sec if timed else 0.0) + TAIL
    samples = np.zeros(max(1, round(end * rate)), dtype=np.float32)
    for item in timed:
        start, stop = round(item.start_sec * rate), round(item.end_sec * rate)
        t = np.arange(stop - start, dtype=np.float32) / rate
        tone = 0.6 * np.sin(2 * math.pi * pitch * t) + 0.3 * np.sin(4 * math.pi * pitch * t) + 0.1 * np.sin(6 * math.pi * pitch * t)
        fade = np.minimum(1.0, np.minimum(t, t[::-1]) / FADE)
        samples[start:stop] = 0.3 * tone * fade
    return (samples * 32767).astype("<i2")


def _mp3(samples: np.ndarray, rate: int) -> bytes:
    with tempfile.TemporaryDirectory(prefix="fake-polly-") as scratch:
        target = Path(scratch) / "speech.mp3"
        command = [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"]
        subprocess.run([*command, "-c:a", "libmp3lame", "-b:a", "48k", str(target)], input=samples.tobytes(), check=True)
        return target.read_bytes()
