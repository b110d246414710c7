"""Bedrock Runtime, as the cloud providers use it: structured answers through Converse (the StructuredModel port),
and InvokeModel for the image models.

A model answers by calling the one tool it is given, whose input schema is the wanted answer's, so the answer is
data to validate, never prose to parse. What no second asking changes is `unusable(error)`.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError
from opentelemetry.trace import SpanKind

from shared.domain.answers import ModelMiss, ModelUnavailable, Picture, StructuredAnswer, Wanted
from shared.domain.costs import PriceTable
from shared.runtime.tracing import tracer

# Bedrock's answers that no second asking will change: the model is not there for this account, or refuses the request.
UNUSABLE_CODES = frozenset({"AccessDeniedException", "ResourceNotFoundException", "ValidationException", "ModelErrorException"})


def error_code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


def filtered(error: ClientError) -> bool:
    """True when the model's content filter stopped the request (Titan and Nova Canvas say so in a ValidationException)."""
    return error_code(error) == "ValidationException" and "content filter" in error.response.get("Error", {}).get("Message", "")


def unusable(error: ClientError) -> bool:
    """True for a refusal that will not change if asked again (no access, no such model, a request it rejects)."""
    return error_code(error) in UNUSABLE_CODES


class BedrockStructuredModel:
    """Implements StructuredModel with Converse: the answer is a forced call of a tool whose input schema is the wanted one.

    `client` is an aioboto3 bedrock-runtime client.
    """

    def __init__(self, client: Any, *, model_id: str, prices: PriceTable) -> None:
        self._client, self.model_id, self._prices = client, model_id, prices

    async def answer(
        self, *, system: str, parts: list[str | Picture], wanted: Wanted, max_tokens: int, temperature: float
    ) -> StructuredAnswer:
        with tracer.start_as_current_span("bedrock converse", kind=SpanKind.CLIENT, attributes={"model_id": self.model_id}):
            try:
                answer = await self._client.converse(
                    modelId=self.model_id,
                    system=[{"text": system}],
                    messages=[{"role": "user", "content": [_block(part) for part in parts]}],
                    toolConfig={
                        "tools": [
                            {"toolSpec": {"name": wanted.name, "description": wanted.description, "inputSchema": {"json": wanted.schema}}}
                        ],
                        "toolChoice": {"tool": {"name": wanted.name}},
                    },
                    inferenceConfig={"maxTokens": max_tokens, "temperature": temperature},
                )
            except ClientError as error:
                if unusable(error):
                    raise ModelUnavailable(error_code(error)) from error
                raise  # throttling past botocore's retries, or an outage: the message comes round again
        tokens = answer.get("usage", {})
        usage = self._prices.usage(self.model_id, input_tokens=tokens.get("inputTokens", 0), output_tokens=tokens.get("outputTokens", 0))
        if answer.get("stopReason") != "tool_use":
            raise ModelMiss(f"the answer stopped with {answer.get('stopReason')!r} instead of calling the tool")
        calls = [block["toolUse"] for block in answer["output"]["message"]["content"] if "toolUse" in block]
        if not calls or calls[0].get("name") != wanted.name or not isinstance(calls[0].get("input"), dict):
            raise ModelMiss(f"the answer did not call the {wanted.name} tool")
        return StructuredAnswer(data=calls[0]["input"], usage=usage)


def _block(part: str | Picture) -> dict[str, Any]:
    if isinstance(part, Picture):
        return {"image": {"format": part.format, "source": {"bytes": part.data}}}
    return {"text": part}


async def invoke_json(client: Any, *, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """InvokeModel with a JSON body and a JSON answer (the image models' native request shapes)."""
    with tracer.start_as_current_span("bedrock invoke_model", kind=SpanKind.CLIENT, attributes={"model_id": model_id}):
        answer = await client.invoke_model(
            modelId=model_id, body=json.dumps(body).encode(), contentType="application/json", accept="application/json"
        )
    return json.loads(await answer["body"].read())
