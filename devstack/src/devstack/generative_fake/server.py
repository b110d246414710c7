"""The fake's HTTP server: one port for every service it plays, told apart as AWS tells them apart, by the
service each request is signed for; a request with an API key (`Authorization: Bearer`) is for the OpenAI-compatible
server (openai_api.py). `python -m devstack.generative_fake --port N`.

Besides the services' own paths it has two of its own, for tests:
- `POST /_fake/faults` with `{"throttle": 2, "slow": 1, "slow_seconds": 1.5, "refuse": 1, "malformed": 1, "fail": 1}`: the next requests fail or wait
  (each count is used up one request at a time);
- `GET /_fake/faults`: how many of each are left;
- `GET /_fake/calls`: every call answered so far (service, operation and parameters, bytes left out).

With `--realistic-latency` every answer takes about as long as the real service's (REALISTIC_LATENCY_SECONDS), for
the load benchmark: the cloud providers' work is then mostly waiting, as it is on AWS.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from devstack.generative_fake import bedrock, images, openai_api, polly
from devstack.generative_fake.wire import Call, Reply, WireError, read_call, refusal, reply, signed_for

SERVICES_BY_SIGNING_NAME = {"bedrock": "bedrock-runtime", "polly": "polly"}

Answer = Callable[[dict[str, Any], "Faults"], dict[str, Any]]
ANSWERS: dict[tuple[str, str], Answer] = {
    ("polly", "SynthesizeSpeech"): lambda params, _: polly.synthesize(params),
    ("polly", "DescribeVoices"): lambda params, _: polly.describe_voices(params),
    ("bedrock-runtime", "Converse"): lambda params, faults: bedrock.converse(
        params, refuse=faults.take("refuse"), malformed=faults.take("malformed")
    ),
    ("bedrock-runtime", "InvokeModel"): lambda params, faults: images.invoke(params, refuse=faults.take("refuse")),
}
# About how long each operation takes on the real services for one storybook page or stage (a vision or story model's
# answer, a 1280x720 picture, a scene's speech), from their published latencies and our own calls.
REALISTIC_LATENCY_SECONDS = {
    "Converse": 2.5,
    "InvokeModel": 6.0,
    "SynthesizeSpeech": 0.6,
    "DescribeVoices": 0.1,
    "ChatCompletions": 2.5,
    "ImageEdits": 12.0,
    "Speech": 1.0,
}
# What each service calls being asked too often.
THROTTLED = {"bedrock-runtime": (429, "ThrottlingException"), "polly": (400, "ThrottlingException")}


@dataclass
class Faults:
    """What the next requests suffer; each count is used up by one request."""

    throttle: int = 0
    slow_seconds: float = 0.0
    slow: int = 0
    refuse: int = 0  # a model's content filter stops the answer
    malformed: int = 0  # a tool input that leaves out what its schema requires (OpenAI: content that is not JSON)
    fail: int = 0  # OpenAI: a 500
    lock: threading.Lock = field(default_factory=threading.Lock)

    def set(self, asked: dict[str, Any]) -> None:
        with self.lock:
            self.throttle = int(asked.get("throttle", self.throttle))
            self.refuse = int(asked.get("refuse", self.refuse))
            self.malformed = int(asked.get("malformed", self.malformed))
            self.fail = int(asked.get("fail", self.fail))
            self.slow = int(asked.get("slow", self.slow))
            self.slow_seconds = float(asked.get("slow_seconds", self.slow_seconds))

    def left(self) -> dict[str, int]:
        with self.lock:
            return {name: getattr(self, name) for name in ("throttle", "slow", "refuse", "malformed", "fail")}

    def take(self, name: str) -> bool:
        with self.lock:
            left = getattr(self, name)
            if left <= 0:
                return False
            setattr(self, name, left - 1)
            return True


class FakeState:
    def __init__(self, latency: dict[str, float] | None = None) -> None:
        self.latency = latency or {}
        self.faults = Faults()
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def answer(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        if openai_api.authorised(headers):  # an API key, not a SigV4 signature: the OpenAI-compatible server
            if self.faults.take("slow"):
                time.sleep(self.faults.slow_seconds)
            answered, request = openai_api.answer(method, target.partition("?")[0], headers, body, self.faults)
            if request is not None:
                operations = {"/v1/audio/speech": "Speech", "/v1/images/edits": "ImageEdits"}
                operation = operations.get(target.partition("?")[0], "ChatCompletions")
                time.sleep(self.latency.get(operation, 0))
                self._log(Call(service="openai", operation=operation, params=request))
            return answered
        try:
            service = _service_of(headers)
            call = read_call(service, method, target, headers, body)
            if self.faults.take("slow"):
                time.sleep(self.faults.slow_seconds)
            if self.faults.take("throttle"):
                status, code = THROTTLED[service]
                raise WireError(status, code, "Rate exceeded")
            time.sleep(self.latency.get(call.operation, 0))
            self._log(call)
            answer = ANSWERS.get((call.service, call.operation))
            if answer is None:
                raise WireError(501, "NotImplementedException", f"The fake does not answer {call.service} {call.operation}.")
            return reply(call.service, call.operation, answer(call.params, self.faults))
        except WireError as error:
            return refusal(error)

    def _log(self, call: Call) -> None:
        with self._lock:
            self.calls.append({"service": call.service, "operation": call.operation, "params": _without_bytes(call.params)})


def _service_of(headers: dict[str, str]) -> str:
    signed = signed_for(headers)
    if signed not in SERVICES_BY_SIGNING_NAME:
        raise WireError(403, "UnrecognizedClientException", f"The fake plays no service signed as {signed!r}.")
    return SERVICES_BY_SIGNING_NAME[signed]


def _without_bytes(value: Any) -> Any:
    """What a test reads of a call: bytes and base64 pictures as their length, an InvokeModel JSON body as JSON."""
    if isinstance(value, dict) and isinstance(value.get("body"), bytes) and value.get("contentType") == "application/json":
        return _without_bytes({**value, "body": json.loads(value["body"])})
    if isinstance(value, str) and len(value) > 2000:
        return f"<{len(value)} characters>"
    if isinstance(value, dict):
        return {key: _without_bytes(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_bytes(item) for item in value]
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def make_server(port: int, host: str = "127.0.0.1", *, realistic_latency: bool = False) -> ThreadingHTTPServer:
    state = FakeState(REALISTIC_LATENCY_SECONDS if realistic_latency else None)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if self.path == "/_fake/calls":
                self._send(Reply(200, {"Content-Type": "application/json"}, json.dumps(state.calls).encode()))
            elif self.path == "/_fake/faults":
                self._send(Reply(200, {"Content-Type": "application/json"}, json.dumps(state.faults.left()).encode()))
            else:
                self._serve("GET")

        def do_POST(self) -> None:
            if self.path == "/_fake/faults":
                state.faults.set(json.loads(self._body() or b"{}"))
                self._send(Reply(204, {}))
            else:
                self._serve("POST")

        def _serve(self, method: str) -> None:
            body = self._body()
            self._send(state.answer(method, self.path, dict(self.headers.items()), body))

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _send(self, answer: Reply) -> None:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the standard library's name
            """Quiet: the tests read /_fake/calls instead."""

    return ThreadingHTTPServer((host, port), Handler)
