"""Requests as an AWS service receives them, read back into its operation's parameters by botocore's own model.

The fake answers only what the real service would accept: every request is routed by the model's
`requestUri`, its URI, header, query and JSON members are read by their wire names and types, and
the result is checked with botocore's `ParamValidator` against the operation's input shape (the
same check botocore runs before it sends). What the fake answers is checked against the output
shape the same way, so the fake cannot drift from what botocore will parse. Errors go back in the
rest-json shape botocore reads: the code in `x-amzn-ErrorType`, the message in the JSON body.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qs, unquote

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.validate import ParamValidator

# Which signing name each service's requests must be signed for (SigV4 credential scope).
SIGNING_NAMES = {"bedrock-runtime": "bedrock", "polly": "polly"}


class WireError(Exception):
    """A refusal in the real service's shape."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Call:
    service: str
    operation: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes = b""


@cache
def service_model(service: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(service)


def read_call(service: str, method: str, target: str, headers: dict[str, str], body: bytes) -> Call:
    """The operation and parameters of one HTTP request to `service`, or a WireError as the service would refuse it."""
    model = service_model(service)
    _check_signed_for(service, headers)
    path, _, query = target.partition("?")
    operation, labels = _route(model, method, path)
    shape = operation.input_shape
    params: dict[str, Any] = {}
    if shape is not None:
        lowered = {name.lower(): value for name, value in headers.items()}
        queries = parse_qs(query, keep_blank_values=True)
        params.update(_located(shape, labels, lowered, queries))
        params.update(_from_body(shape, body))
        report = ParamValidator().validate(params, shape)
        if report.has_errors():
            raise WireError(400, "ValidationException", report.generate_report())
    return Call(service=service, operation=operation.name, params=params)


def reply(service: str, operation: str, output: dict[str, Any], *, status: int = 200) -> Reply:
    """The HTTP answer carrying `output`, serialised by the operation's output shape (and checked against it first)."""
    shape = service_model(service).operation_model(operation).output_shape
    if shape is None:
        return Reply(status, {"Content-Type": "application/json"}, b"{}")
    report = ParamValidator().validate(output, shape)
    if report.has_errors():
        raise AssertionError(f"the fake's own {operation} answer does not fit botocore's model: {report.generate_report()}")
    headers = {"Content-Type": "application/json"}
    body_members: dict[str, Any] = {}
    payload = shape.serialization.get("payload")
    body = b""
    for name, member in shape.members.items():
        if name not in output:
            continue
        location = member.serialization.get("location")
        if location == "header":
            headers[member.serialization.get("name", name)] = str(output[name])
        elif name == payload:
            body = output[name] if member.type_name == "blob" else json.dumps(_to_json(output[name], member)).encode()
        else:
            body_members[member.serialization.get("name", name)] = _to_json(output[name], member)
    if payload is None:
        body = json.dumps(body_members).encode()
    return Reply(status, headers, body)


def refusal(error: WireError) -> Reply:
    body = json.dumps({"message": error.message}).encode()
    return Reply(error.status, {"Content-Type": "application/json", "x-amzn-ErrorType": error.code}, body)


def signed_for(headers: dict[str, str]) -> str:
    """The service a request's SigV4 signature is scoped to ("bedrock", "polly"): how AWS knows who it is for."""
    authorization = next((value for name, value in headers.items() if name.lower() == "authorization"), "")
    scope = re.search(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request", authorization)
    if not authorization.startswith("AWS4-HMAC-SHA256") or not scope:
        raise WireError(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
    return scope[1]


def _check_signed_for(service: str, headers: dict[str, str]) -> None:
    if signed_for(headers) != SIGNING_NAMES[service]:
        raise WireError(403, "InvalidSignatureException", f"Credential should be scoped to correct service: '{SIGNING_NAMES[service]}'.")


@cache
def _routes(service: str) -> list[tuple[str, re.Pattern[str], str]]:
    model = service_model(service)
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        uri = http["requestUri"].split("?")[0]
        pattern = re.sub(r"\\\{(\w+)(?:\\\+)?\\\}", r"(?P<\1>[^/]+)", re.escape(uri))
        routes.append((http["method"], re.compile(pattern), name))
    return routes


def _route(model: ServiceModel, method: str, path: str) -> tuple[OperationModel, dict[str, str]]:
    for route_method, pattern, name in _routes(model.service_name):
        if route_method == method and (match := pattern.fullmatch(path)):
            return model.operation_model(name), {label: unquote(value) for label, value in match.groupdict().items()}
    raise WireError(404, "UnknownOperationException", f"No operation of {model.service_name} answers {method} {path}.")


def _located(shape: Shape, labels: dict[str, str], headers: dict[str, str], queries: dict[str, list[str]]) -> dict[str, Any]:
    """The members sent in the URI, the headers and the query string."""
    found: dict[str, Any] = {}
    for name, member in shape.members.items():  # type: ignore[attr-defined]
        location, wire_name = member.serialization.get("location"), member.serialization.get("name", name)
        if location == "uri" and wire_name in labels:
            found[name] = labels[wire_name]
        elif location == "header" and wire_name.lower() in headers:
            found[name] = _scalar(headers[wire_name.lower()], member)
        elif location == "querystring" and wire_name in queries:
            values = queries[wire_name]
            found[name] = [_scalar(value, member.member) for value in values] if member.type_name == "list" else _scalar(values[0], member)
    return found


def _from_body(shape: Shape, body: bytes) -> dict[str, Any]:
    payload = shape.serialization.get("payload")
    members: dict[str, Shape] = shape.members  # type: ignore[attr-defined]
    if payload is not None:
        member = members[payload]
        if member.type_name == "blob":
            return {payload: body} if body else {}
        return {payload: _from_json(_json(body), member)} if body else {}
    document = _json(body) if body else {}
    if not isinstance(document, dict):
        raise WireError(400, "SerializationException", "The request body is not a JSON object.")
    in_body = {member.serialization.get("name", name): name for name, member in members.items() if "location" not in member.serialization}
    unknown = sorted(set(document) - set(in_body))
    if unknown:
        raise WireError(400, "ValidationException", f"Unknown parameters in the request body: {', '.join(unknown)}.")
    return {in_body[key]: _from_json(value, members[in_body[key]]) for key, value in document.items()}


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError as error:
        raise WireError(400, "SerializationException", f"The request body is not JSON: {error}.") from None


def _from_json(value: Any, shape: Shape) -> Any:
    """A JSON value read as botocore's parameters: blobs decoded from base64, structures by member name."""
    kind = shape.type_name
    if value is None or getattr(shape, "is_document_type", False):  # a document (a JSON schema, a tool's input) is any JSON
        return value
    if kind == "structure" and isinstance(value, dict):
        members: dict[str, Shape] = shape.members  # type: ignore[attr-defined]
        by_wire = {member.serialization.get("name", name): (name, member) for name, member in members.items()}
        read = {}
        for key, item in value.items():
            if key not in by_wire:
                raise WireError(400, "ValidationException", f"Unknown parameter {key!r} in {shape.name}.")
            name, member = by_wire[key]
            read[name] = _from_json(item, member)
        return read
    if kind == "list" and isinstance(value, list):
        return [_from_json(item, shape.member) for item in value]  # type: ignore[attr-defined]
    if kind == "map" and isinstance(value, dict):
        return {key: _from_json(item, shape.value) for key, item in value.items()}  # type: ignore[attr-defined]
    if kind == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            raise WireError(400, "SerializationException", f"{shape.name} is not base64.") from None
    return value  # scalars and documents as they are; the validator judges their types


def _to_json(value: Any, shape: Shape) -> Any:
    kind = shape.type_name
    if getattr(shape, "is_document_type", False):
        return value
    if kind == "structure":
        members: dict[str, Shape] = shape.members  # type: ignore[attr-defined]
        return {members[name].serialization.get("name", name): _to_json(item, members[name]) for name, item in value.items()}
    if kind == "list":
        return [_to_json(item, shape.member) for item in value]  # type: ignore[attr-defined]
    if kind == "map":
        return {key: _to_json(item, shape.value) for key, item in value.items()}  # type: ignore[attr-defined]
    if kind == "blob":
        return base64.b64encode(value).decode()
    return value


def _scalar(text: str, shape: Shape) -> Any:
    if shape.type_name in ("integer", "long"):
        return int(text)
    if shape.type_name in ("float", "double"):
        return float(text)
    if shape.type_name == "boolean":
        return text.lower() == "true"
    return text
