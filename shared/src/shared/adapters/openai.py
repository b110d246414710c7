"""OpenAI's API, or any OpenAI-compatible server (vLLM, llama.cpp's server, Ollama, LocalAI), through the official SDK's
async client: its retries (with the server's retry-after), its timeouts and its typed errors.

A structured answer (the StructuredModel port) is asked for in the strict `json_schema` response format; a server
that does not have that format gets the same schema as a forced function call. Either way the answer is data to validate.
The API key is given to the client and nowhere else: it is in no log line and no error (a test greps for it).
"""

from __future__ import annotations

import base64
import json
from typing import Any, cast

import openai
from openai import AsyncOpenAI, omit
from openai.types.chat import ChatCompletion
from opentelemetry.trace import SpanKind
from pydantic import BaseModel

from shared.domain.answers import ModelMiss, ModelUnavailable, Picture, StructuredAnswer, Wanted
from shared.domain.costs import PriceTable
from shared.runtime.tracing import tracer

# Refusals that asking again will not change: the key, the model, or the request is wrong for this server.
UNUSABLE = (
    openai.AuthenticationError,
    openai.PermissionDeniedError,
    openai.NotFoundError,
    openai.BadRequestError,
    openai.UnprocessableEntityError,
)


# A self-hosted server may take no key, but the SDK wants one: this stands in, and OpenAI itself refuses it (at start-up).
NO_KEY = "no-key-set"


def openai_client(*, base_url: str, api_key: str, timeout: float, max_retries: int = 4) -> AsyncOpenAI:
    return AsyncOpenAI(base_url=base_url, api_key=api_key or NO_KEY, timeout=timeout, max_retries=max_retries)


async def served_models(client: AsyncOpenAI) -> set[str]:
    """The models the endpoint serves (`GET /models`), for the start-up check."""
    return {model.id async for model in client.models.list()}


class OpenAIStructuredModel:
    """Implements StructuredModel with Chat Completions; `json_schema=False` for servers without that response format."""

    def __init__(self, client: AsyncOpenAI, *, model_id: str, prices: PriceTable, json_schema: bool = True) -> None:
        self._client, self.model_id, self._prices, self._json_schema = client, model_id, prices, json_schema

    async def answer(
        self, *, system: str, parts: list[str | Picture], wanted: Wanted, max_tokens: int, temperature: float
    ) -> StructuredAnswer:
        messages: Any = [{"role": "system", "content": system}, {"role": "user", "content": [_part(part) for part in parts]}]
        schema = strict_schema(wanted.model)
        json_schema: Any = {"name": wanted.name, "description": wanted.description, "schema": schema, "strict": True}
        function: Any = {"name": wanted.name, "description": wanted.description, "parameters": schema}
        with tracer.start_as_current_span("openai chat.completions", kind=SpanKind.CLIENT, attributes={"model_id": self.model_id}):
            try:
                completion: ChatCompletion = await self._client.chat.completions.create(
                    model=self.model_id,
                    messages=messages,
                    max_completion_tokens=max_tokens,
                    temperature=temperature,
                    response_format={"type": "json_schema", "json_schema": json_schema} if self._json_schema else omit,
                    tools=omit if self._json_schema else [{"type": "function", "function": function}],
                    tool_choice=omit if self._json_schema else {"type": "function", "function": {"name": wanted.name}},
                )
            except UNUSABLE as error:
                raise ModelUnavailable(f"{type(error).__name__} {error.status_code}") from None  # the server's words stay out
        tokens = completion.usage
        usage = self._prices.usage(
            self.model_id, input_tokens=tokens.prompt_tokens if tokens else 0, output_tokens=tokens.completion_tokens if tokens else 0
        )
        message = completion.choices[0].message
        if message.refusal:
            raise ModelMiss("the answer was a refusal")
        if completion.choices[0].finish_reason == "length":
            raise ModelMiss("the answer was cut off: keep it shorter")
        calls = [call for call in message.tool_calls or [] if call.type == "function"]
        text = calls[0].function.arguments if calls else message.content
        try:
            data: Any = json.loads(text or "")
        except ValueError:
            raise ModelMiss("the answer was not valid JSON") from None
        if not isinstance(data, dict):
            raise ModelMiss("the answer was not a JSON object")
        return StructuredAnswer(data=cast(dict[str, Any], data), usage=usage)


# Keywords of pydantic's schemas that strict mode's subset of JSON Schema has no place for. The answer is still
# validated by the domain model, and a miss (a title too long, say) is asked for again with the reason.
_NOT_IN_STRICT = frozenset({"minLength", "maxLength", "default"})
# Where a schema holds further schemas by name, rather than keywords.
_BY_NAME = frozenset({"properties", "$defs"})


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's schema as Structured Outputs' strict mode takes it: every object closed, every property required (an
    optional one is nullable already), `$ref`s with siblings resolved (the SDK's own transform, as its `parse` uses)."""
    return _without_unsupported(openai.pydantic_function_tool(model)["function"].get("parameters", {}))


def _without_unsupported(schema: Any, *, by_name: bool = False) -> Any:
    if isinstance(schema, list):
        return [_without_unsupported(item) for item in cast(list[Any], schema)]
    if not isinstance(schema, dict):
        return schema
    node = cast(dict[str, Any], schema)
    if by_name:
        return {name: _without_unsupported(value) for name, value in node.items()}
    kept = {key: _without_unsupported(value, by_name=key in _BY_NAME) for key, value in node.items() if key not in _NOT_IN_STRICT}
    if "maxLength" in node:  # still worth saying, in words the model reads
        kept["description"] = f"{node.get('description', '')} At most {node['maxLength']} characters.".lstrip()
    return kept


def _part(part: str | Picture) -> dict[str, Any]:
    if isinstance(part, Picture):
        url = f"data:image/{part.format};base64,{base64.b64encode(part.data).decode()}"
        return {"type": "image_url", "image_url": {"url": url}}
    return {"type": "text", "text": part}
