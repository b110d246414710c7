"""The port through which a stage asks a language model for structured data (a script, what a drawing shows).

Whatever the family (Bedrock's Converse, an OpenAI-compatible server), a stage asks the same way: a system prompt,
the message's parts (text, a picture), and the JSON schema its answer must fit; it gets data back to validate.
An answer that cannot be used is a `ModelMiss`, whose reason is told to the model when it is asked again; a model
that will not answer this request however often it is asked (no access, no such model) is `ModelUnavailable`.
Throttling and outages are the adapters' own errors, raised for the queue to bring the message back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from shared.domain.costs import Usage


class ModelMiss(Exception):
    """The model's answer is not usable; `reason` says why, in words the model can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ModelUnavailable(Exception):
    """The model will not answer this request (no access, no such model, a request it rejects); `code` is for the log."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Picture:
    data: bytes
    format: str  # "jpeg" or "png"


@dataclass(frozen=True)
class Wanted:
    """The shape of the answer: a name and description the model reads, and the domain model it must validate as."""

    name: str
    description: str
    model: type[BaseModel]

    @property
    def schema(self) -> dict[str, Any]:
        """The model's JSON schema, as pydantic writes it (each family may send it in the form its API takes)."""
        return self.model.model_json_schema()


@dataclass(frozen=True)
class StructuredAnswer:
    data: dict[str, Any]
    usage: Usage | None = None


class StructuredModel(Protocol):
    model_id: str

    async def answer(
        self, *, system: str, parts: list[str | Picture], wanted: Wanted, max_tokens: int, temperature: float
    ) -> StructuredAnswer: ...


def quoted(data: dict[str, Any]) -> str:
    """Data put in a prompt as information, never as instructions (a parent's words, an analysis)."""
    return f"<data>{json.dumps(data, ensure_ascii=False)}</data>"
