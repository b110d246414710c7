"""Reads the Terraform in infrastructure/ and evaluates it, without providers.

`terraform init` cannot fetch the AWS provider here, so `terraform plan` is not
available. The tests still want the real values Terraform would send (queue
names, filter policies, key schemas, IAM statements), so this module parses
every `.tf` file with python-hcl2's grammar and evaluates the expressions
with the handful of Terraform functions the configuration uses. A resource's
computed attributes (`arn`, `id`) become stand-ins built from its evaluated
name, which is what the tests compare. Anything it does not understand raises
`Unsupported`, so a new construct fails a test instead of being skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from hcl2.parser import Hcl2
from lark import Token, Tree

INFRASTRUCTURE = Path(__file__).resolve().parents[2] / "infrastructure"


# Attributes AWS assigns, which only need to be told apart (besides arn and id, made from the name).
COMPUTED = {"repository_url", "dns_name", "zone_id", "fqdn", "endpoint"}


class Unsupported(Exception):
    """An expression this evaluator does not know; extend it rather than skip the check."""


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: Tree


def _identifier(tree: Tree) -> str:
    return str(tree.children[0])


def _string(token: Token) -> str:
    return json.loads(str(token)) if "${" not in str(token) else str(token)[1:-1]


def blocks(body: Tree) -> Iterator[Block]:
    for child in body.children:
        if isinstance(child, Tree) and child.data == "block":
            name, *labels, inner = child.children
            yield Block(_identifier(name), tuple(_string(label) for label in labels), inner)


def attributes(body: Tree) -> dict[str, Tree]:
    return {
        _identifier(child.children[0]): child.children[1]
        for child in body.children
        if isinstance(child, Tree) and child.data == "attribute"
    }


def parse(text: str) -> Tree:
    return Hcl2.lark_parser.parse(text if text.endswith("\n") else text + "\n").children[0]


@dataclass
class Module:
    """One directory of `.tf` files: its variables, locals, resources, data sources and module calls."""

    directory: Path
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Tree] = field(default_factory=dict)
    resources: dict[tuple[str, str], Block] = field(default_factory=dict)
    data: dict[tuple[str, str], Block] = field(default_factory=dict)
    calls: dict[str, Block] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path) -> Module:
        module = cls(directory)
        for path in sorted(directory.glob("*.tf")):
            for block in blocks(parse(path.read_text())):
                if block.type == "variable":
                    module.variables[block.labels[0]] = block
                elif block.type == "locals":
                    module.locals |= attributes(block.body)
                elif block.type == "resource":
                    module.resources[block.labels] = block
                elif block.type == "data":
                    module.data[block.labels] = block
                elif block.type == "module":
                    module.calls[block.labels[0]] = block
        return module


class ResourceInstance:
    """One instance of a resource: its arguments evaluated on demand, `arn` and `id` made from its name."""

    def __init__(self, evaluator: Evaluator, block: Block, each: dict[str, Any] | None) -> None:
        self.evaluator, self.block, self.each = evaluator, block, each

    def argument(self, name: str) -> Any:
        expression = attributes(self.block.body).get(name)
        if expression is None:
            raise KeyError(f"{'.'.join(self.block.labels)} has no argument {name}")
        return self.evaluator.evaluate(expression, self.scope)

    @property
    def scope(self) -> dict[str, Any]:
        return {} if self.each is None else {"each": self.each}

    def nested(self, block_type: str) -> list[dict[str, Any]]:
        """The evaluated arguments of each nested block of this type, static or dynamic."""
        found = []
        for block in blocks(self.block.body):
            if block.type == block_type:
                found.append({name: self.evaluator.evaluate(value, self.scope) for name, value in attributes(block.body).items()})
            elif block.type == "dynamic" and block.labels[0] == block_type:
                settings = attributes(block.body)
                content = next(inner for inner in blocks(block.body) if inner.type == "content")
                for key, value in _items(self.evaluator.evaluate(settings["for_each"], self.scope)):
                    scope = self.scope | {block_type: {"key": key, "value": value}}
                    found.append({name: self.evaluator.evaluate(tree, scope) for name, tree in attributes(content.body).items()})
        return found

    def __getitem__(self, name: str) -> Any:
        if name in ("arn", "id"):
            return f"arn:{self.block.labels[0]}:{self.argument('name')}"
        if name in COMPUTED and name not in attributes(self.block.body):
            return f"{self.block.labels[0]}:{self.argument('name')}:{name}"
        return self.argument(name)


class ResourceSet:
    def __init__(self, evaluator: Evaluator, block: Block) -> None:
        self.evaluator, self.block = evaluator, block

    @cached_property
    def instances(self) -> dict[Any, ResourceInstance]:
        settings = attributes(self.block.body)
        if "for_each" in settings:
            return {
                key: ResourceInstance(self.evaluator, self.block, {"key": key, "value": value})
                for key, value in _items(self.evaluator.evaluate(settings["for_each"], {}))
            }
        if "count" in settings:
            raise Unsupported("count")
        return {None: ResourceInstance(self.evaluator, self.block, None)}

    def __getitem__(self, key: Any) -> Any:
        if key in self.instances and key is not None:
            return self.instances[key]
        return self.instances[None][key]


def _items(collection: Any) -> list[tuple[Any, Any]]:
    if isinstance(collection, dict):
        return list(collection.items())
    if isinstance(collection, (list, set, frozenset, tuple)):
        return [(item, item) for item in sorted(collection)]
    raise Unsupported(f"for_each over {type(collection).__name__}")


class Evaluator:
    """Evaluates one module's expressions given the values of its input variables."""

    def __init__(self, module: Module, inputs: dict[str, Any]) -> None:
        self.module = module
        self.inputs = inputs  # the values the caller passes (a module block, or stand-ins)
        self._locals: dict[str, Any] = {}
        self.functions: dict[str, Callable[..., Any]] = {
            "jsonencode": lambda value: json.dumps(value, separators=(",", ":")),
            "jsondecode": json.loads,
            "file": lambda path: Path(path).read_text(),
            "sort": sorted,
            "toset": lambda values: sorted(set(values)),
            "concat": lambda *lists: [item for values in lists for item in values],
            "flatten": lambda values: [item for inner in values for item in (inner if isinstance(inner, list) else [inner])],
            "values": lambda mapping: list(mapping.values()),
            "keys": lambda mapping: sorted(mapping),
            "lookup": lambda mapping, key, default: mapping.get(key, default),
            "merge": lambda *mappings: {key: value for mapping in mappings for key, value in mapping.items()},
            "contains": lambda collection, value: value in collection,
            "coalesce": lambda *values: next(value for value in values if value not in (None, "")),
            "tostring": str,
            "one": lambda values: values[0] if len(values) == 1 else None if not values else _fail("one() of several"),
            "startswith": str.startswith,
            "trimprefix": str.removeprefix,
        }

    @cached_property
    def variables(self) -> dict[str, Any]:
        resolved = {}
        for name, block in self.module.variables.items():
            if name in self.inputs:
                resolved[name] = self.inputs[name]
            elif "default" in attributes(block.body):
                resolved[name] = self.evaluate(attributes(block.body)["default"], {})
        return resolved

    def local(self, name: str) -> Any:
        if name not in self._locals:
            self._locals[name] = self.evaluate(self.module.locals[name], {})
        return self._locals[name]

    def resource(self, resource_type: str, name: str) -> ResourceSet:
        return ResourceSet(self, self.module.resources[(resource_type, name)])

    def module_inputs(self, call: str) -> dict[str, Any]:
        """What the module block `call` passes, skipping arguments that need other modules' outputs."""
        inputs = {}
        for name, expression in attributes(self.module.calls[call].body).items():
            if name in ("source", "depends_on"):
                continue
            try:
                inputs[name] = self.evaluate(expression, {})
            except (Unsupported, KeyError):
                continue
        return inputs

    def evaluate(self, tree: Any, scope: dict[str, Any]) -> Any:
        if isinstance(tree, Token):
            return self._string(str(tree), scope) if tree.type == "STRING_LIT" else _fail(f"token {tree.type}")
        handler = getattr(self, f"_{tree.data}", None)
        if handler is None:
            raise Unsupported(tree.data)
        return handler(tree, scope)

    def _string(self, literal: str, scope: dict[str, Any]) -> Any:
        body = literal[1:-1]
        if "${" not in body:
            return json.loads(literal)
        parts, position = [], 0
        while (start := body.find("${", position)) != -1:
            if body[start - 1 : start] == "$":  # "$${" is a literal "${" (IAM policy variables)
                parts.append(json.loads(f'"{body[position : start - 1]}"') + "${")
                position = start + 2
                continue
            parts.append(json.loads(f'"{body[position:start]}"'))
            end, depth = start + 2, 1
            while depth:
                depth += {"{": 1, "}": -1}.get(body[end], 0)
                end += 1
            parts.append(self.evaluate(parse(f"x = {body[start + 2 : end - 1]}").children[0].children[1], scope))
            position = end
        parts.append(json.loads(f'"{body[position:]}"'))
        meaningful = [part for part in parts if part != ""]
        if len(meaningful) == 1 and not isinstance(meaningful[0], str):
            return meaningful[0]  # "${x}" is x itself, with its type
        return "".join(str(part) for part in parts)

    def _expr_term(self, tree: Tree, scope: dict[str, Any]) -> Any:
        return self.evaluate(tree.children[0], scope)

    def _int_lit(self, tree: Tree, scope: dict[str, Any]) -> int:
        return int("".join(str(token) for token in tree.children))

    def _float_lit(self, tree: Tree, scope: dict[str, Any]) -> float:
        return float("".join(str(token) for token in tree.children))

    def _tuple(self, tree: Tree, scope: dict[str, Any]) -> list[Any]:
        return [self.evaluate(child, scope) for child in tree.children]

    def _object(self, tree: Tree, scope: dict[str, Any]) -> dict[str, Any]:
        result = {}
        for element in tree.children:
            key, value = element.children
            name = _identifier(key) if key.data == "identifier" else self.evaluate(key, scope)
            result[name] = self.evaluate(value, scope)
        return result

    def _heredoc_template_trim(self, tree: Tree, scope: dict[str, Any]) -> str:
        return str(tree.children[0])

    def _identifier(self, tree: Tree, scope: dict[str, Any]) -> Any:
        name = _identifier(tree)
        constants = {"true": True, "false": False, "null": None}
        if name in constants:
            return constants[name]
        if name in scope:
            return scope[name]
        if name == "var":
            return self.variables
        if name == "local":
            return _Lazy(self.local)
        if name == "path":
            return {"module": str(self.module.directory)}
        if name in ("data", "module"):
            raise Unsupported(f"{name} references have no value without providers")
        return _Lazy(lambda resource_name: self.resource(name, resource_name))

    def _get_attr_expr_term(self, tree: Tree, scope: dict[str, Any]) -> Any:
        target, attribute = tree.children
        return _member(self.evaluate(target, scope), _identifier(attribute.children[0]))

    def _index_expr_term(self, tree: Tree, scope: dict[str, Any]) -> Any:
        target, index = tree.children
        return _member(self.evaluate(target, scope), self.evaluate(index.children[0], scope))

    def _function_call(self, tree: Tree, scope: dict[str, Any]) -> Any:
        name = _identifier(tree.children[0])
        arguments = tree.children[1].children if len(tree.children) > 1 else []
        if name == "try":
            for argument in arguments:
                try:
                    return self.evaluate(argument, scope)
                except (KeyError, IndexError, TypeError):
                    continue
            raise KeyError("no argument of try() could be evaluated")
        if name not in self.functions:
            raise Unsupported(f"function {name}")
        return self.functions[name](*(self.evaluate(argument, scope) for argument in arguments))

    def _conditional(self, tree: Tree, scope: dict[str, Any]) -> Any:
        condition, when_true, when_false = tree.children
        return self.evaluate(when_true if self.evaluate(condition, scope) else when_false, scope)

    def _unary_op(self, tree: Tree, scope: dict[str, Any]) -> Any:
        operator, operand = tree.children
        value = self.evaluate(operand, scope)
        return not value if str(operator) == "!" else -value

    def _binary_op(self, tree: Tree, scope: dict[str, Any]) -> Any:
        left, term = tree.children
        operator, right = term.children
        a, b = self.evaluate(left, scope), self.evaluate(right, scope)
        operations = {"==": a == b, "!=": a != b} if str(operator.children[0]) in ("==", "!=") else None
        if operations is None:
            raise Unsupported(f"operator {operator.children[0]}")
        return operations[str(operator.children[0])]

    def _for_intro(self, tree: Tree, scope: dict[str, Any]) -> tuple[list[str], Any]:
        names = [_identifier(child) for child in tree.children if isinstance(child, Tree) and child.data == "identifier"]
        collection = next(child for child in tree.children if isinstance(child, Tree) and child.data != "identifier")
        return names, self.evaluate(collection, scope)

    def _iterations(self, intro: Tree, condition: Tree | None, scope: dict[str, Any]) -> Iterator[dict[str, Any]]:
        names, collection = self._for_intro(intro, scope)
        pairs = list(collection.items()) if isinstance(collection, dict) else list(enumerate(collection))
        for key, value in pairs:
            inner = scope | ({names[0]: key, names[1]: value} if len(names) == 2 else {names[0]: value})
            if condition is None or self.evaluate(condition.children[1], inner):
                yield inner

    def _for_tuple_expr(self, tree: Tree, scope: dict[str, Any]) -> list[Any]:
        parts = [child for child in tree.children if isinstance(child, Tree)]
        intro, body, *rest = parts
        condition = rest[0] if rest else None
        return [self.evaluate(body, inner) for inner in self._iterations(intro, condition, scope)]

    def _for_object_expr(self, tree: Tree, scope: dict[str, Any]) -> dict[Any, Any]:
        parts = [child for child in tree.children if isinstance(child, Tree)]
        intro, key, value, *rest = parts
        condition = rest[0] if rest else None
        return {self.evaluate(key, inner): self.evaluate(value, inner) for inner in self._iterations(intro, condition, scope)}


class _Lazy:
    """`local.x` or `aws_sqs_queue.worker`: looked up only when an attribute is taken."""

    def __init__(self, lookup: Callable[[str], Any]) -> None:
        self._lookup = lookup

    def __getitem__(self, name: str) -> Any:
        return self._lookup(name)


def _member(target: Any, key: Any) -> Any:
    return target[key]


def _fail(message: str) -> Any:
    raise Unsupported(message)


def root() -> Evaluator:
    """The root module with its variables' defaults (and no value for those that need one)."""
    return Evaluator(Module.load(INFRASTRUCTURE), {})


def module(name: str, **outputs_of_other_modules: Any) -> Evaluator:
    """A child module with the inputs the root passes it; those that are other modules' outputs are given as stand-ins."""
    return Evaluator(Module.load(INFRASTRUCTURE / "modules" / name), root().module_inputs(name) | outputs_of_other_modules)
