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
import operator
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from hcl2 import parses_to_tree
from lark import Token, Tree

INFRASTRUCTURE = Path(__file__).resolve().parents[2] / "infrastructure"


# Attributes AWS assigns, which only need to be told apart (besides arn and id, made from the name).
COMPUTED = {"repository_url", "dns_name", "zone_id", "fqdn", "endpoint"}

COMPARISONS = {"==": operator.eq, "!=": operator.ne}


class Unsupported(Exception):
    """An expression this evaluator does not know; extend it rather than skip the check."""


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: Tree


def _parts(tree: Tree) -> list[Tree]:
    """The subtrees that carry meaning: punctuation tokens, newlines and comments left out."""
    return [child for child in tree.children if isinstance(child, Tree) and child.data != "new_line_or_comment"]


def _has_token(tree: Tree, token_type: str) -> bool:
    return any(isinstance(child, Token) and child.type == token_type for child in tree.children)


def _name(tree: Tree) -> str:
    """An identifier, or a keyword or literal used as a name (`for_each = ...`)."""
    return str(tree.children[0])


def _unescape(characters: str) -> str:
    return json.loads(f'"{characters}"')


def _label(tree: Tree) -> str:
    if tree.data != "string":
        return _name(tree)
    characters = [part.children[0] for part in _parts(tree)]
    if not all(isinstance(token, Token) and token.type == "STRING_CHARS" for token in characters):
        raise Unsupported("a block label that is a template")
    return _unescape("".join(characters))


def blocks(body: Tree) -> Iterator[Block]:
    for child in _parts(body):
        if child.data == "block":
            name, *labels, inner = _parts(child)
            yield Block(_name(name), tuple(_label(label) for label in labels), inner)


def attributes(body: Tree) -> dict[str, Tree]:
    return {_name(name): expression for name, expression in (_parts(child) for child in _parts(body) if child.data == "attribute")}


def parse(text: str) -> Tree:
    return parses_to_tree(text).children[0]


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

    def evaluate(self, tree: Tree, scope: dict[str, Any]) -> Any:
        handler = getattr(self, f"_{tree.data}", None)
        if handler is None:
            raise Unsupported(tree.data)
        return handler(tree, scope)

    def _string(self, tree: Tree, scope: dict[str, Any]) -> Any:
        parts = [self._string_part(part.children[0], scope) for part in _parts(tree)]
        if len(parts) == 1 and not isinstance(parts[0], str):
            return parts[0]  # "${x}" is x itself, with its type
        return "".join(str(part) for part in parts)

    def _string_part(self, part: Tree | Token, scope: dict[str, Any]) -> Any:
        if isinstance(part, Tree):
            return self.evaluate(part, scope)  # an interpolation; template directives are unsupported
        if part.type == "STRING_CHARS":
            return _unescape(part)
        if part.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
            return str(part)[1:]  # "$${" is a literal "${" (IAM policy variables)
        raise Unsupported(f"token {part.type} in a string")

    def _interpolation(self, tree: Tree, scope: dict[str, Any]) -> Any:
        (expression,) = _parts(tree)
        return self.evaluate(expression, scope)

    def _expr_term(self, tree: Tree, scope: dict[str, Any]) -> Any:
        (inner,) = _parts(tree)  # parentheses are tokens, so a parenthesised expression is its inner one
        return self.evaluate(inner, scope)

    def _literal_value(self, tree: Tree, scope: dict[str, Any]) -> Any:
        return {"true": True, "false": False, "null": None}[_name(tree)]

    def _int_lit(self, tree: Tree, scope: dict[str, Any]) -> int:
        return int(tree.children[0])

    def _float_lit(self, tree: Tree, scope: dict[str, Any]) -> float:
        return float(tree.children[0])

    def _tuple(self, tree: Tree, scope: dict[str, Any]) -> list[Any]:
        return [self.evaluate(child, scope) for child in _parts(tree)]

    def _object(self, tree: Tree, scope: dict[str, Any]) -> dict[str, Any]:
        result = {}
        for element in _parts(tree):
            key, value = _parts(element)
            result[self._object_key(key, scope)] = self.evaluate(value, scope)
        return result

    def _object_key(self, key: Tree, scope: dict[str, Any]) -> Any:
        """A bare name is the key itself (`{ name = ... }`); any other key is an expression."""
        (expression,) = _parts(key)
        if expression.data == "keyword":
            return _name(expression)
        inner = _parts(expression)
        if expression.data == "expr_term" and inner[0].data == "identifier":
            return _name(inner[0])
        return self.evaluate(expression, scope)

    def _heredoc_template_trim(self, tree: Tree, scope: dict[str, Any]) -> str:
        _, *lines, _ = str(tree.children[0]).splitlines(keepends=True)  # the lines between the markers
        text = textwrap.dedent("".join(lines))
        if "${" in text or "%{" in text:
            raise Unsupported("a heredoc that is a template")
        return text

    def _identifier(self, tree: Tree, scope: dict[str, Any]) -> Any:
        name = _name(tree)
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
        target, attribute = _parts(tree)
        (name,) = _parts(attribute)
        return self.evaluate(target, scope)[_name(name)]

    def _index_expr_term(self, tree: Tree, scope: dict[str, Any]) -> Any:
        target, index = _parts(tree)
        key = int(index.children[1]) if index.data == "short_index" else self.evaluate(_parts(index)[0], scope)
        return self.evaluate(target, scope)[key]

    def _function_call(self, tree: Tree, scope: dict[str, Any]) -> Any:
        if _has_token(tree, "COLONS"):
            raise Unsupported("provider-defined functions")
        identifier, *argument_list = _parts(tree)
        name = _name(identifier)
        if argument_list and _has_token(argument_list[0], "ELLIPSIS"):
            raise Unsupported(f"expanding the last argument of {name}() with ...")
        arguments = _parts(argument_list[0]) if argument_list else []
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
        condition, when_true, when_false = _parts(tree)
        return self.evaluate(when_true if self.evaluate(condition, scope) else when_false, scope)

    def _unary_op(self, tree: Tree, scope: dict[str, Any]) -> Any:
        operator, operand = tree.children
        value = self.evaluate(operand, scope)
        return not value if str(operator) == "!" else -value

    def _binary_op(self, tree: Tree, scope: dict[str, Any]) -> Any:
        left, term = _parts(tree)
        binary_operator, right = _parts(term)
        symbol = _name(binary_operator)
        if symbol not in COMPARISONS:
            raise Unsupported(f"operator {symbol}")
        return COMPARISONS[symbol](self.evaluate(left, scope), self.evaluate(right, scope))

    def _iterations(self, intro: Tree, conditions: list[Tree], scope: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The scopes of a `for` expression's iterations; `conditions` is its `if` clause, when it has one."""
        *names, collection = (_name(part) if part.data == "identifier" else part for part in _parts(intro))
        evaluated = self.evaluate(collection, scope)
        pairs = list(evaluated.items()) if isinstance(evaluated, dict) else list(enumerate(evaluated))
        for key, value in pairs:
            inner = scope | ({names[0]: key, names[1]: value} if len(names) == 2 else {names[0]: value})
            if all(self.evaluate(_parts(condition)[0], inner) for condition in conditions):
                yield inner

    def _for_tuple_expr(self, tree: Tree, scope: dict[str, Any]) -> list[Any]:
        intro, body, *conditions = _parts(tree)
        return [self.evaluate(body, inner) for inner in self._iterations(intro, conditions, scope)]

    def _for_object_expr(self, tree: Tree, scope: dict[str, Any]) -> dict[Any, Any]:
        if _has_token(tree, "ELLIPSIS"):
            raise Unsupported("a grouping for expression (...)")
        intro, key, value, *conditions = _parts(tree)
        return {self.evaluate(key, inner): self.evaluate(value, inner) for inner in self._iterations(intro, conditions, scope)}


class _Lazy:
    """`local.x` or `aws_sqs_queue.worker`: looked up only when an attribute is taken."""

    def __init__(self, lookup: Callable[[str], Any]) -> None:
        self._lookup = lookup

    def __getitem__(self, name: str) -> Any:
        return self._lookup(name)


def _fail(message: str) -> Any:
    raise Unsupported(message)


def root() -> Evaluator:
    """The root module with its variables' defaults (and no value for those that need one)."""
    return Evaluator(Module.load(INFRASTRUCTURE), {})


def module(name: str, **outputs_of_other_modules: Any) -> Evaluator:
    """A child module with the inputs the root passes it; those that are other modules' outputs are given as stand-ins."""
    return Evaluator(Module.load(INFRASTRUCTURE / "modules" / name), root().module_inputs(name) | outputs_of_other_modules)
