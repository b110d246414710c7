"""An OpenAI-compatible server as the fake answers it: `GET /v1/models` and `POST /v1/chat/completions`.

Each request body is read as the `openai` SDK's own request type (`CompletionCreateParamsNonStreaming`: every member
it sends, checked, and nothing it does not know), and each answer is built as the SDK's `ChatCompletion`, so the fake
cannot drift from what the SDK sends and reads. A request for data is answered as the Bedrock fake answers a tool
call (`bedrock.written_answer`): in the `json_schema` response format, or through a forced function call for servers
that do not have that format. Faults: `throttle` (429 with retry-after), `fail` (500), `refuse` (the message's
`refusal`), `malformed` (content that is not JSON).
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterable, Mapping
from email import policy
from email.parser import BytesParser
from io import BytesIO
from typing import Any, get_type_hints

from openai.types import ImagesResponse
from openai.types import Model as ServedModel
from openai.types.audio.speech_create_params import SpeechCreateParams
from openai.types.chat import ChatCompletion
from openai.types.chat.completion_create_params import CompletionCreateParamsNonStreaming
from openai.types.image_edit_params import ImageEditParamsNonStreaming
from PIL import Image, UnidentifiedImageError
from pydantic import TypeAdapter, ValidationError

from devstack.generative_fake.bedrock import written_answer
from devstack.generative_fake.images import paint
from devstack.generative_fake.polly import hummed
from devstack.generative_fake.wire import Reply

API_KEY = "sk-fake-nocomelon"  # what the fake accepts; anything else is a 401
# The models this fake server serves (what `GET /v1/models` lists); anything else is a 404, as OpenAI answers.
SERVED_MODELS = ("gpt-4o-mini", "gpt-4.1-mini", "llama3.2-vision", "tts-1", "gpt-4o-mini-tts", "gpt-image-1")
SPEECH_MODELS = frozenset({"tts-1", "gpt-4o-mini-tts"})
IMAGE_MODELS = frozenset({"gpt-image-1"})
IMAGE_SIZES = {"1024x1024": (1024, 1024), "1536x1024": (1536, 1024), "1024x1536": (1024, 1536)}
_IMAGE_EDIT_FIELDS = frozenset(get_type_hints(ImageEditParamsNonStreaming))
SPEECH_VOICES = frozenset({"alloy", "ash", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer"})
SPEECH_RATE = 24_000  # OpenAI's pcm: 24 kHz, 16-bit signed little-endian, mono
# Models served without the json_schema response format (a plain llama.cpp or Ollama model, say): they take tools.
WITHOUT_JSON_SCHEMA = frozenset({"llama3.2-vision"})
_CHAT = (TypeAdapter(CompletionCreateParamsNonStreaming), frozenset(get_type_hints(CompletionCreateParamsNonStreaming)))
_SPEECH = (TypeAdapter(SpeechCreateParams), frozenset(get_type_hints(SpeechCreateParams)))


class OpenAIError(Exception):
    def __init__(self, status: int, kind: str, message: str, *, headers: Mapping[str, str] | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.headers, self.code = status, kind, message, dict(headers or {}), code

    def reply(self) -> Reply:
        body = {"error": {"message": self.message, "type": self.kind, "param": None, "code": self.code}}
        return Reply(self.status, {"Content-Type": "application/json", **self.headers}, json.dumps(body).encode())


def authorised(headers: Mapping[str, str]) -> bool:
    bearer = next((value for name, value in headers.items() if name.lower() == "authorization"), "")
    return bearer.startswith("Bearer ")


def answer(method: str, path: str, headers: Mapping[str, str], body: bytes, faults: Any) -> tuple[Reply, dict[str, Any] | None]:
    """The reply, and what the call log keeps of the request (None for a request that was refused before it was read)."""
    try:
        bearer = next(value for name, value in headers.items() if name.lower() == "authorization")
        if bearer != f"Bearer {API_KEY}":
            raise OpenAIError(401, "invalid_request_error", "Incorrect API key provided.")
        if method == "GET" and path == "/v1/models":
            models = [ServedModel(id=model, created=0, object="model", owned_by="nocomelon-fake").model_dump() for model in SERVED_MODELS]
            return _json({"object": "list", "data": models}), None
        if method == "POST" and path == "/v1/images/edits":
            request, image = _form(headers, body)
            if faults.take("refuse"):
                raise OpenAIError(
                    400, "image_generation_user_error", "Your request was rejected by the safety system.", code="moderation_blocked"
                )
            return _edited(request, image), request
        if method == "POST" and path == "/v1/audio/speech":
            request = _read(body, *_SPEECH)
            if faults.take("throttle"):
                raise OpenAIError(429, "rate_limit_exceeded", "Rate limit reached.", headers={"retry-after": "0"})
            return _speech(request), request
        if method == "POST" and path == "/v1/chat/completions":
            request = _read(body, *_CHAT)
            if faults.take("throttle"):
                raise OpenAIError(429, "rate_limit_exceeded", "Rate limit reached.", headers={"retry-after": "0"})
            if faults.take("fail"):
                raise OpenAIError(500, "server_error", "The server had an error while processing your request.")
            return _json(_completion(request, refuse=faults.take("refuse"), malformed=faults.take("malformed"))), request
        raise OpenAIError(404, "invalid_request_error", f"Unknown request URL: {method} {path}.")
    except OpenAIError as error:
        return error.reply(), None


def _read(body: bytes, adapter: TypeAdapter[Any], known: frozenset[str]) -> dict[str, Any]:
    try:
        request = json.loads(body)
    except ValueError:
        raise OpenAIError(400, "invalid_request_error", "We could not parse the JSON body of your request.") from None
    if not isinstance(request, dict):
        raise OpenAIError(400, "invalid_request_error", "The request body must be a JSON object.")
    if unknown := sorted(set(request) - known):
        raise OpenAIError(400, "invalid_request_error", f"Unrecognized request argument supplied: {', '.join(unknown)}")
    try:
        _materialised(adapter.validate_python(request))  # the SDK's iterables validate as they are read
    except ValidationError as error:
        raise OpenAIError(
            400, "invalid_request_error", f"Invalid request: {error.errors()[0]['msg']} at {error.errors()[0]['loc']}"
        ) from None
    if request["model"] not in SERVED_MODELS:
        raise OpenAIError(404, "invalid_request_error", f"The model `{request['model']}` does not exist or you do not have access to it.")
    return request


def _materialised(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _materialised(item) for key, item in value.items()}
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return [_materialised(item) for item in value]
    return value


def _form(headers: Mapping[str, str], body: bytes) -> tuple[dict[str, Any], bytes]:
    """A multipart form as the SDK sends an image edit: its fields (by the SDK's own request type) and the image."""
    content_type = next((value for name, value in headers.items() if name.lower() == "content-type"), "")
    if not content_type.startswith("multipart/form-data"):
        raise OpenAIError(400, "invalid_request_error", "An image edit is sent as multipart/form-data.")
    form = BytesParser(policy=policy.default).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields: dict[str, Any] = {}
    image = b""
    for part in form.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if name in ("image", "image[]"):
            image = payload if isinstance(payload, bytes) else b""
        elif isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = payload.decode()
    if unknown := sorted(set(fields) - _IMAGE_EDIT_FIELDS):
        raise OpenAIError(400, "invalid_request_error", f"Unrecognized request argument supplied: {', '.join(unknown)}")
    if not image or "prompt" not in fields:
        raise OpenAIError(400, "invalid_request_error", "An image edit needs an image and a prompt.")
    return fields, image


def _edited(request: dict[str, Any], image: bytes) -> Reply:
    if request.get("model") not in IMAGE_MODELS:
        raise OpenAIError(400, "invalid_request_error", f"The model {request.get('model')!r} does not edit images.")
    if len(request["prompt"]) > 32000:
        raise OpenAIError(400, "invalid_request_error", "The prompt is longer than 32000 characters.")
    size = IMAGE_SIZES.get(request.get("size", "1024x1024"))
    if size is None:
        raise OpenAIError(400, "invalid_request_error", f"Invalid size {request.get('size')!r}.")
    try:
        sketch = Image.open(BytesIO(image))
        sketch.load()
    except (UnidentifiedImageError, OSError):
        raise OpenAIError(400, "invalid_request_error", "The image is not a PNG, JPEG or WebP.") from None
    out = BytesIO()
    paint(sketch, size).save(out, "PNG")
    count = int(request.get("n", "1"))
    answer = {"created": int(time.time()), "data": [{"b64_json": base64.b64encode(out.getvalue()).decode()} for _ in range(count)]}
    return _json(ImagesResponse.model_validate(answer).model_dump(mode="json", exclude_none=True))


def _speech(request: dict[str, Any]) -> Reply:
    if request["model"] not in SPEECH_MODELS:
        raise OpenAIError(400, "invalid_request_error", f"{request['model']} does not make speech.")
    if request["voice"] not in SPEECH_VOICES:
        raise OpenAIError(400, "invalid_request_error", f"Invalid voice {request['voice']!r}.")
    if request.get("response_format", "mp3") != "pcm":
        raise OpenAIError(400, "invalid_request_error", "The fake speaks pcm only.")
    if not 0.25 <= request.get("speed", 1.0) <= 4.0:
        raise OpenAIError(400, "invalid_request_error", "speed must be between 0.25 and 4.0.")
    audio = hummed(request["input"], rate=SPEECH_RATE, voice=request["voice"], speed=request.get("speed", 1.0))
    return Reply(200, {"Content-Type": "audio/pcm"}, audio)


def _completion(request: dict[str, Any], *, refuse: bool, malformed: bool) -> dict[str, Any]:
    model = request["model"]
    texts, images = _contents(request["messages"])
    prompt = " ".join(text for role, text in texts if role in ("system", "developer"))
    asked = " ".join(text for role, text in texts if role == "user")
    schema, by_tool = _wanted(request, model)
    message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
    finish = "stop"
    if refuse:
        message["refusal"] = "I'm sorry, I can't help with that request."
    elif schema is None:
        message["content"] = "Once upon a time, a little hero smiled."
    else:
        data = written_answer(schema, prompt=prompt, asked=asked, images=images)
        text = "{not json" if malformed else json.dumps(data)
        if by_tool:
            message["tool_calls"] = [{"id": "call_fake_1", "type": "function", "function": {"name": by_tool, "arguments": text}}]
            finish = "tool_calls"
        else:
            message["content"] = text
    prompt_tokens = max(1, len((prompt + asked).split()) * 4 // 3) + 765 * len(images)
    completion_tokens = len(json.dumps(message)) // 4
    completion = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    return ChatCompletion.model_validate(completion).model_dump(mode="json", exclude_none=True)  # what the SDK will read


def _wanted(request: dict[str, Any], model: str) -> tuple[dict[str, Any] | None, str | None]:
    """The schema asked for, and the function's name when it is asked for through a forced function call."""
    response_format = request.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        if model in WITHOUT_JSON_SCHEMA:
            raise OpenAIError(400, "invalid_request_error", f"response_format json_schema is not supported by {model}.")
        asked = response_format["json_schema"]
        if asked.get("strict") and (problem := _not_strict(asked.get("schema", {}))):
            raise OpenAIError(400, "invalid_request_error", f"Invalid schema for response_format '{asked['name']}': {problem}")
        return asked["schema"], None
    choice = request.get("tool_choice")
    if isinstance(choice, dict) and choice.get("type") == "function":
        name = choice["function"]["name"]
        tools = {tool["function"]["name"]: tool["function"] for tool in request.get("tools", []) if tool.get("type") == "function"}
        if name not in tools:
            raise OpenAIError(400, "invalid_request_error", f"tool_choice names {name!r}, which is not among the tools.")
        return tools[name].get("parameters", {}), name
    return None, None


def _not_strict(schema: dict[str, Any], context: tuple[str, ...] = ()) -> str | None:
    """What strict mode refuses in a schema, as OpenAI words it: an object that is not closed, or a property not required."""
    if "properties" in schema or schema.get("type") == "object":
        if schema.get("additionalProperties") is not False:
            return f"In context={context}, 'additionalProperties' is required to be supplied and to be false."
        if missing := [name for name in schema.get("properties", {}) if name not in schema.get("required", [])]:
            return f"In context={context}, 'required' is required to be supplied and to be an array including every key in properties. Missing '{missing[0]}'."
    inner = [(("properties", name), value) for name, value in schema.get("properties", {}).items()]
    inner += [(("$defs", name), value) for name, value in schema.get("$defs", {}).items()]
    inner += [(("anyOf", str(index)), value) for index, value in enumerate(schema.get("anyOf", []))]
    inner += [(("items",), schema["items"])] if isinstance(schema.get("items"), dict) else []
    return next((problem for path, value in inner if (problem := _not_strict(value, (*context, *path)))), None)


def _contents(messages: list[dict[str, Any]]) -> tuple[list[tuple[str, str]], list[bytes]]:
    texts: list[tuple[str, str]] = []
    images: list[bytes] = []
    for message in messages:
        content = message.get("content")
        parts: list[dict[str, Any]] = [{"type": "text", "text": content}] if isinstance(content, str) else content or []
        for part in parts:
            if part.get("type") == "text":
                texts.append((message["role"], part["text"]))
            elif part.get("type") == "image_url":
                url = part["image_url"]["url"]
                if not url.startswith("data:image/") or ";base64," not in url:
                    raise OpenAIError(400, "invalid_request_error", "The fake takes images as base64 data URLs only.")
                images.append(base64.b64decode(url.split(",", 1)[1]))
    return texts, images


def _json(payload: dict[str, Any]) -> Reply:
    return Reply(200, {"Content-Type": "application/json"}, json.dumps(payload).encode())
