"""Which AWS actions each service's code can call, found by reading the code.

The AWS clients live in a few adapter classes (S3AssetStore, DynamoCheckpointStore,
DynamoLibraryStore, DynamoRunPlaces, DynamoShareStore, DynamoUserRows, CognitoUserAccounts, SnsEventPublisher,
QueueConsumer); a service reaches them through
variables named after their ports (`assets.put(...)`, `self._checkpoints.get(...)`).
So for a service this reads its own package plus every `shared` module it
imports, collects the adapter methods it calls (following an adapter's calls
to its own methods) and the client calls made outside the adapters
(`aws.sqs.get_queue_url(...)`), and turns botocore operations into IAM
actions.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import botocore.session

from shared.domain.assets import AssetKeys

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / "shared" / "src" / "shared"

# An adapter is reached through a variable of one of these names (with or without a leading underscore).
ADAPTERS = {
    "assets": "S3AssetStore",
    "checkpoints": "DynamoCheckpointStore",
    "library": "DynamoLibraryStore",
    "places": "DynamoRunPlaces",
    "shares": "DynamoShareStore",
    "user_rows": "DynamoUserRows",
    "user_accounts": "CognitoUserAccounts",
    "publisher": "SnsEventPublisher",
    "consumer": "QueueConsumer",
}
CLIENTS = {"s3": "s3", "sqs": "sqs", "sns": "sns", "dynamodb": "dynamodb", "cognito": "cognito-idp"}

# Calls whose IAM action is not the operation's own name.
S3_ACTIONS = {
    "head_object": {"s3:GetObject", "s3:ListBucket"},  # without ListBucket a missing key answers 403, not the 404 exists() reads
    "copy_object": {"s3:GetObject", "s3:PutObject"},
    # The asset store deletes versions by id, never the current object (which would only add a delete marker).
    "delete_objects": {"s3:DeleteObjectVersion"},
    "list_object_versions": {"s3:ListBucketVersions"},
}
# Setting tags while writing an object needs its own action besides the write's.
TAGGING_ACTIONS = {"s3": "s3:PutObjectTagging"}
# Methods taking the operation's name as their first argument.
NAMED_OPERATION = {"get_paginator", "generate_presigned_url"}


@cache
def _operations(service: str) -> dict[str, str]:
    model = botocore.session.get_session().get_service_model(service)
    return {botocore.xform_name(name): name for name in model.operation_names}


def iam_actions(service: str, operation: str) -> set[str]:
    if service == "s3" and operation in S3_ACTIONS:
        return S3_ACTIONS[operation]
    prefix = {"cognito-idp": "cognito-idp"}.get(service, service)
    return {f"{prefix}:{_operations(service)[operation]}"}


def _actions(service: str, operation: str, tags: bool) -> set[str]:
    return iam_actions(service, operation) | ({TAGGING_ACTIONS[service]} if tags else set())


def _client_name(node: ast.expr) -> str | None:
    """`self._s3`, `aws.sqs`, `sqs` -> the AWS service."""
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
    return CLIENTS.get(name.lstrip("_")) if name else None


def _adapter_name(node: ast.expr) -> str | None:
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
    return ADAPTERS.get(name.lstrip("_")) if name else None


def _sets_tags(call: ast.Call) -> bool:
    """`Tagging=...` among the call's keywords or in a dict it passes (boto3's ExtraArgs)."""
    keys = [keyword.arg for keyword in call.keywords]
    keys += [key.value for node in ast.walk(call) if isinstance(node, ast.Dict) for key in node.keys if isinstance(key, ast.Constant)]
    return "Tagging" in keys


def _client_calls(node: ast.AST) -> Iterator[tuple[str, str, bool]]:
    for call in ast.walk(node):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        service = _client_name(call.func.value)
        if service is None:
            continue
        operation = call.func.attr
        if operation in NAMED_OPERATION:
            argument = call.args[0]
            assert isinstance(argument, ast.Constant), f"{operation} with a computed operation name"
            assert isinstance(argument.value, str), f"{operation} with an operation name that is no string"
            operation = argument.value
        yield service, operation, _sets_tags(call)


@cache
def _adapter_classes() -> dict[str, ast.ClassDef]:
    classes = {}
    for path in [*SHARED.rglob("*.py"), *(REPO / "services").glob("*/src/*/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.name in ADAPTERS.values():
                classes[node.name] = node
    return classes


def _methods(adapter: str) -> dict[str, ast.AsyncFunctionDef | ast.FunctionDef]:
    return {node.name: node for node in _adapter_classes()[adapter].body if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)}


def adapter_method_actions(adapter: str, method: str) -> set[str]:
    """The IAM actions a call of `adapter.method` can make, through the adapter's own methods too."""
    methods = _methods(adapter)
    actions, pending, seen = set(), [method], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        for service, operation, tags in _client_calls(methods[current]):
            actions |= _actions(service, operation, tags)
        for call in ast.walk(methods[current]):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
                if call.func.value.id == "self" and call.func.attr in methods:
                    pending.append(call.func.attr)
    return actions


def _module_file(module: str) -> Path:
    """shared.domain.run -> shared/src/shared/domain/run.py (a package's own module is its __init__.py)."""
    path = SHARED.joinpath(*module.split(".")[1:])
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def service_files(service: str) -> list[Path]:
    """The service's own package and the `shared` modules it imports, transitively."""
    own = sorted((REPO / "services" / service / "src").rglob("*.py"))
    shared, pending = set(), list(own)
    while pending:
        for node in ast.walk(ast.parse(pending.pop().read_text())):
            modules = [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            modules += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for module in modules:
                if module.startswith("shared.") and (path := _module_file(module)) not in shared:
                    shared.add(path)
                    pending.append(path)
    return own + sorted(shared)


def _outside_adapters(tree: ast.Module) -> Iterator[ast.AST]:
    for node in tree.body:
        if not (isinstance(node, ast.ClassDef) and node.name in ADAPTERS.values()):
            yield node


def actions_of(service: str) -> dict[str, set[str]]:
    """IAM action -> where in the code it comes from, for everything the service's code can call."""
    found: dict[str, set[str]] = {}
    for path in service_files(service):
        where = str(path.relative_to(REPO))
        for node in _outside_adapters(ast.parse(path.read_text())):
            for service_name, operation, tags in _client_calls(node):
                for action in _actions(service_name, operation, tags):
                    found.setdefault(action, set()).add(f"{where}: {operation}")
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and (adapter := _adapter_name(call.func.value)):
                    if call.func.attr not in _methods(adapter):
                        # A service named like its port (the gateway's `library`): its own body is read like any other code.
                        continue
                    for action in adapter_method_actions(adapter, call.func.attr):
                        found.setdefault(action, set()).add(f"{where}: {adapter}.{call.func.attr}")
    return found


def asset_folders_named(service: str) -> set[str]:
    """The folders (drawings, images, ...) of the AssetKeys a service's own package spells."""
    folders = set()
    for path in sorted((REPO / "services" / service / "src").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "AssetKeys":
                key_of = getattr(AssetKeys, node.attr)
                arguments = key_of.__code__.co_varnames[: key_of.__code__.co_argcount]
                parts = key_of(*(1 if name == "scene_number" else name for name in arguments)).split("/")
                folders |= {parts[1]} if len(parts) > 2 else set()
    return folders


# The generative services' operations the cloud providers call, and the IAM action each needs (Converse is InvokeModel's).
MODEL_OPERATIONS = {
    "converse": "bedrock:InvokeModel",
    "invoke_model": "bedrock:InvokeModel",
    "synthesize_speech": "polly:SynthesizeSpeech",
    "describe_voices": "polly:DescribeVoices",
}


def model_actions_of(service: str) -> dict[str, set[str]]:
    """IAM action -> where, for the model calls (Bedrock Runtime, Polly) in the service's code and the shared modules it imports."""
    found: dict[str, set[str]] = {}
    for path in service_files(service):
        for call in ast.walk(ast.parse(path.read_text())):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in MODEL_OPERATIONS:
                found.setdefault(MODEL_OPERATIONS[call.func.attr], set()).add(f"{path.relative_to(REPO)}: {call.func.attr}")
    return found
