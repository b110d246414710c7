"""Bedrock Runtime, as the cloud providers use it: a forced tool call through Converse, and InvokeModel for images.

A model answers a provider's question by calling the one tool it is given, whose input schema is what the
provider needs, so the answer is data to validate, never prose to parse. What cannot be used is a `ToolMiss`
(told to the model when it is asked again); what no second asking changes is `unusable(error)`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

# Bedrock's answers that no second asking will change: the model is not there for this account, or refuses the request.
UNUSABLE_CODES = frozenset({"AccessDeniedException", "ResourceNotFoundException", "ValidationException", "ModelErrorException"})


class ToolMiss(Exception):
    """The model's answer is not a usable call of the tool; `reason` says why, in words the model can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    schema: dict[str, Any]


@dataclass(frozen=True)
class ToolAnswer:
    input: dict[str, Any]
    input_tokens: int
    output_tokens: int


def error_code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


def filtered(error: ClientError) -> bool:
    """True when the model's content filter stopped the request (Titan and Nova Canvas say so in a ValidationException)."""
    return error_code(error) == "ValidationException" and "content filter" in error.response.get("Error", {}).get("Message", "")


def unusable(error: ClientError) -> bool:
    """True for a refusal that will not change if asked again (no access, no such model, a request it rejects)."""
    return error_code(error) in UNUSABLE_CODES


async def call_tool(
    client: Any, *, model_id: str, system: str, content: list[dict[str, Any]], tool: Tool, max_tokens: int, temperature: float
) -> ToolAnswer:
    """Asks the model (an aioboto3 bedrock-runtime client) to answer by calling `tool`; raises ToolMiss when it does not."""
    answer = await client.converse(
        modelId=model_id,
        system=[{"text": system}],
        messages=[{"role": "user", "content": content}],
        toolConfig={
            "tools": [{"toolSpec": {"name": tool.name, "description": tool.description, "inputSchema": {"json": tool.schema}}}],
            "toolChoice": {"tool": {"name": tool.name}},
        },
        inferenceConfig={"maxTokens": max_tokens, "temperature": temperature},
    )
    if answer.get("stopReason") != "tool_use":
        raise ToolMiss(f"the answer stopped with {answer.get('stopReason')!r} instead of calling the tool")
    calls = [block["toolUse"] for block in answer["output"]["message"]["content"] if "toolUse" in block]
    if not calls or calls[0].get("name") != tool.name or not isinstance(calls[0].get("input"), dict):
        raise ToolMiss(f"the answer did not call the {tool.name} tool")
    usage = answer.get("usage", {})
    return ToolAnswer(input=calls[0]["input"], input_tokens=usage.get("inputTokens", 0), output_tokens=usage.get("outputTokens", 0))


async def invoke_json(client: Any, *, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """InvokeModel with a JSON body and a JSON answer (the image models' native request shapes)."""
    answer = await client.invoke_model(
        modelId=model_id, body=json.dumps(body).encode(), contentType="application/json", accept="application/json"
    )
    return json.loads(await answer["body"].read())


def quoted(data: dict[str, Any]) -> str:
    """Data put in a prompt as information, never as instructions (a parent's words, an analysis)."""
    return f"<data>{json.dumps(data, ensure_ascii=False)}</data>"
