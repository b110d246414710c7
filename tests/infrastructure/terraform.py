"""Reads the Terraform in infrastructure/ and evaluates it, without providers.

`terraform init` cannot fetch the AWS provider here, so `terraform plan` is not
available. The tests still want the real values Terraform would send (queue
names, filter policies, key schemas, IAM statements), so this module parses
every `.tf` file with python-hcl2's grammar and evaluates the expressions
with the handful of Terraform functions the configuration uses. A resource's
or data source's computed attributes (`arn`, `id`) become stand-ins built from
its evaluated name, which is what the tests compare. A `module.x.y` reference
follows the local module block `x` into its directory, with the block's
arguments as the child's variables (converted to their declared types), and
evaluates its output `y`. Provider configurations, a module block's
`providers` and a resource's `provider` are read as the addresses they name
(which region a resource is made in). Anything it does not understand raises
`Unsupported`, so a new construct fails a test instead of being skipped.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import operator
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Protocol, cast

import yaml
from hcl2 import parses_to_tree
from lark import Token, Tree

INFRASTRUCTURE = Path(__file__).resolve().parents[2] / "infrastructure"


# Attributes AWS assigns, which only need to be told apart (besides arn and id, made from the name).
COMPUTED = {
    "repository_url",
    "dns_name",
    "zone_id",
    "fqdn",
    "endpoint",
    "bucket_regional_domain_name",
    "partition",
    "result",
    "account_id",
    "arn_suffix",
}

# The arguments that name a resource, in the order they are looked for; one with none is named by its label.
NAMES = ("name", "bucket", "bucket_prefix")

PRIMITIVES: dict[str, tuple[type, ...]] = {"string": (str,), "number": (int, float), "bool": (bool,)}

OPERATORS = {
    "/": operator.truediv,
    "*": operator.mul,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "&&": lambda left, right: left and right,
    "||": lambda left, right: left or right,
}

# A module block's arguments that are not the child's variables.
META_ARGUMENTS = ("source", "depends_on", "providers")


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
    return _unescape("".join(cast(list[Token], characters)))  # all tokens, as just checked


def blocks(body: Tree) -> Iterator[Block]:
    for child in _parts(body):
        if child.data == "block":
            name, *labels, inner = _parts(child)
            yield Block(_name(name), tuple(_label(label) for label in labels), inner)


def attributes(body: Tree) -> dict[str, Tree]:
    return {_name(name): expression for name, expression in (_parts(child) for child in _parts(body) if child.data == "attribute")}


def parse(text: str) -> Tree:
    return parses_to_tree(text).children[0]


def _address(tree: Tree) -> str:
    """A reference written as an address (`moved` blocks' `module.x.aws_s3_bucket.this[0]`), not a value."""
    if tree.data == "expr_term":
        (inner,) = _parts(tree)
        return _address(inner)
    if tree.data == "identifier":
        return _name(tree)
    if tree.data == "get_attr_expr_term":
        target, attribute = _parts(tree)
        return f"{_address(target)}.{_name(_parts(attribute)[0])}"
    if tree.data == "index_expr_term":
        target, index = _parts(tree)
        (key,) = _parts(index)
        literal = _parts(key)[0] if key.data == "expr_term" else None
        if literal is not None and literal.data == "int_lit":
            return f"{_address(target)}[{literal.children[0]}]"
        if literal is not None and literal.data == "string" and len(_parts(literal)) == 1:
            return f'{_address(target)}["{_parts(literal)[0].children[0]}"]'
        raise Unsupported("an address with a key that is neither a number nor a plain string")
    raise Unsupported(f"{tree.data} in an address")


@dataclass
class Module:
    """One directory of `.tf` files: its variables, locals, providers, resources, data sources, module calls, outputs and moves."""

    directory: Path
    providers: dict[str, Block] = field(default_factory=dict)  # by address: `aws`, or `aws.us_east_1` for an alias
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Tree] = field(default_factory=dict)
    resources: dict[tuple[str, ...], Block] = field(default_factory=dict)  # by type and name, a block's two labels
    data: dict[tuple[str, ...], Block] = field(default_factory=dict)
    calls: dict[str, Block] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    moves: list[tuple[str, str]] = field(default_factory=list)  # each `moved` block's from and to

    @classmethod
    @cache  # parsed once per directory: every test evaluates the modules afresh, and a child module per call
    def load(cls, directory: Path) -> Module:
        module = cls(directory)
        for path in sorted(directory.glob("*.tf")):
            for block in blocks(parse(path.read_text())):
                if block.type == "variable":
                    module.variables[block.labels[0]] = block
                elif block.type == "locals":
                    module.locals |= attributes(block.body)
                elif block.type == "provider":
                    alias = attributes(block.body).get("alias")
                    name = block.labels[0] if alias is None else f"{block.labels[0]}.{_label(_parts(alias)[0])}"
                    module.providers[name] = block
                elif block.type == "resource":
                    module.resources[block.labels] = block
                elif block.type == "data":
                    module.data[block.labels] = block
                elif block.type == "module":
                    module.calls[block.labels[0]] = block
                elif block.type == "output":
                    module.outputs[block.labels[0]] = block
                elif block.type == "moved":
                    settings = attributes(block.body)
                    module.moves.append((_address(settings["from"]), _address(settings["to"])))
        return module


class ResourceInstance:
    """One instance of a resource or data source: its arguments evaluated on demand, `arn` and `id` made from its name."""

    def __init__(self, evaluator: Evaluator, block: Block, scope: dict[str, Any]) -> None:
        self.evaluator, self.block, self.scope = evaluator, block, scope  # scope: its `each` or `count`, if it has one

    def provider(self) -> str:
        """The provider configuration this resource is made with, as the module names it (`aws`, `aws.us_east_1`)."""
        expression = attributes(self.block.body).get("provider")
        return self.block.labels[0].split("_", 1)[0] if expression is None else _address(expression)

    def argument(self, name: str) -> Any:
        expression = attributes(self.block.body).get(name)
        if expression is None:
            raise KeyError(f"{'.'.join(self.block.labels)} has no argument {name}")
        return self.evaluator.evaluate(expression, self.scope)

    def nested(self, block_type: str) -> list[dict[str, Any]]:
        """Each nested block of this type, static or dynamic: its evaluated arguments, and its own nested blocks by type."""
        return self._nested(self.block.body, block_type, self.scope)

    def _nested(self, body: Tree, block_type: str, scope: dict[str, Any]) -> list[dict[str, Any]]:
        found = []
        for block in blocks(body):
            if block.type == block_type:
                found.append(self._block(block.body, scope))
            elif block.type == "dynamic" and block.labels[0] == block_type:
                settings = attributes(block.body)
                if "iterator" in settings or "labels" in settings:
                    raise Unsupported("a dynamic block's iterator or labels")
                content = next(inner for inner in blocks(block.body) if inner.type == "content")
                for key, value in _items(self.evaluator.evaluate(settings["for_each"], scope)):
                    found.append(self._block(content.body, scope | {block_type: {"key": key, "value": value}}))
        return found

    def _block(self, body: Tree, scope: dict[str, Any]) -> dict[str, Any]:
        evaluated = {name: self.evaluator.evaluate(value, scope) for name, value in attributes(body).items()}
        for block_type in dict.fromkeys(block.labels[0] if block.type == "dynamic" else block.type for block in blocks(body)):
            evaluated[block_type] = self._nested(body, block_type, scope)
        return evaluated

    def _stand_in_name(self) -> Any:
        settings = attributes(self.block.body)
        for argument in NAMES:
            if argument in settings and (name := self.argument(argument)) is not None:  # null is no argument at all
                return name
        key = self.scope["each"]["key"] if "each" in self.scope else self.scope.get("count", {}).get("index")
        return self.block.labels[1] if key is None else f"{self.block.labels[1]}[{key}]"

    def __getitem__(self, name: str) -> Any:
        if name in ("arn", "id"):
            return f"arn:{self.block.labels[0]}:{self._stand_in_name()}"
        if name in COMPUTED and name not in attributes(self.block.body):
            return f"{self.block.labels[0]}:{self._stand_in_name()}:{name}"
        return self.argument(name)


class ResourceSet:
    def __init__(self, evaluator: Evaluator, block: Block) -> None:
        self.evaluator, self.block = evaluator, block

    @cached_property
    def instances(self) -> dict[Any, ResourceInstance]:
        settings = attributes(self.block.body)
        if "for_each" in settings:
            return {
                key: ResourceInstance(self.evaluator, self.block, {"each": {"key": key, "value": value}})
                for key, value in _items(self.evaluator.evaluate(settings["for_each"], {}))
            }
        if "count" in settings:
            count = self.evaluator.evaluate(settings["count"], {})
            return {index: ResourceInstance(self.evaluator, self.block, {"count": {"index": index}}) for index in range(count)}
        return {None: ResourceInstance(self.evaluator, self.block, {})}

    def __getitem__(self, key: Any) -> Any:
        if key in self.instances and key is not None:
            return self.instances[key]
        return self.instances[None][cast(str, key)]  # no instance's key, so the name of an attribute


def _items(collection: Any) -> list[tuple[Any, Any]]:
    if isinstance(collection, dict):
        return list(collection.items())
    if isinstance(collection, (list, set, frozenset, tuple)):
        return [(item, item) for item in sorted(collection)]
    raise Unsupported(f"for_each over {type(collection).__name__}")


class Evaluator:
    """Evaluates one module's expressions given the values of its input variables."""

    def __init__(self, module: Module, inputs: _Inputs) -> None:
        self.module = module
        self.inputs = inputs  # the values the caller passes (a module block's arguments, or stand-ins)
        self._locals: dict[str, Any] = {}
        self._variables: dict[str, Any] = {}
        self._children: dict[str, Evaluator] = {}
        self.functions: dict[str, Callable[..., Any]] = {
            "jsonencode": lambda value: json.dumps(value, separators=(",", ":")),
            "jsondecode": json.loads,
            "yamlencode": lambda value: yaml.safe_dump(value, sort_keys=False),
            "file": lambda path: Path(path).read_text(),
            "filebase64sha256": lambda path: base64.b64encode(hashlib.sha256(Path(path).read_bytes()).digest()).decode(),
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
            "length": len,
            "one": lambda values: values[0] if len(values) == 1 else None if not values else _fail("one() of several"),
            "startswith": str.startswith,
            "join": lambda separator, values: separator.join(values),
            "compact": lambda values: [value for value in values if value not in (None, "")],
            "trimprefix": str.removeprefix,
            "floor": math.floor,
            "max": max,
        }

    @property
    def variables(self) -> _Lazy:
        return _Lazy(self.variable)

    def variable(self, name: str) -> Any:
        """The caller's value or the default, converted to the variable's type."""
        if name not in self._variables:
            settings = attributes(self.module.variables[name].body)
            if name in self.inputs:
                value = self.inputs[name]
            elif "default" in settings:
                value = self.evaluate(settings["default"], {})
            else:
                raise KeyError(f"variable {name} has no value")
            self._variables[name] = self._convert(value, settings["type"]) if "type" in settings else value
        return self._variables[name]

    def _convert(self, value: Any, constraint: Tree) -> Any:
        """What Terraform makes of a value for this type: an object keeps the attributes it names, optional ones filled in."""
        (kind,) = _parts(constraint)
        if value is None:
            return None
        if kind.data == "identifier":
            name = _name(kind)
            if name == "any" or (name in PRIMITIVES and _is_primitive(value, name)):
                return value
            raise Unsupported(f"converting {value!r} to {name}")
        if kind.data != "function_call":
            raise Unsupported(f"the type constraint {kind.data}")
        identifier, arguments = _parts(kind)
        name, (inner, *_) = _name(identifier), _parts(arguments)
        if name == "list" and isinstance(value, list):
            return [self._convert(item, inner) for item in value]
        if name == "map" and isinstance(value, dict):
            return {key: self._convert(item, inner) for key, item in value.items()}
        if name == "object" and isinstance(value, dict):
            (declaration,) = _parts(inner)
            types = {self._object_key(key, {}): kind for key, kind in (_parts(element) for element in _parts(declaration))}
            return {attribute: self._attribute(value, attribute, kind) for attribute, kind in types.items()}
        raise Unsupported(f"converting {type(value).__name__} to {name}(...)")

    def _attribute(self, value: dict[str, Any], name: str, constraint: Tree) -> Any:
        (kind,) = _parts(constraint)
        if kind.data == "function_call" and _name(_parts(kind)[0]) == "optional":
            inner, *default = _parts(_parts(kind)[1])
            if value.get(name) is None:
                return self._convert(self.evaluate(default[0], {}), inner) if default else None
            return self._convert(value[name], inner)
        if name not in value:
            raise KeyError(f"the object has no attribute {name}, which its type requires")
        return self._convert(value[name], constraint)

    def local(self, name: str) -> Any:
        if name not in self._locals:
            self._locals[name] = self.evaluate(self.module.locals[name], {})
        return self._locals[name]

    def resource(self, resource_type: str, name: str) -> ResourceSet:
        return ResourceSet(self, self.module.resources[(resource_type, name)])

    def data(self, data_type: str, name: str) -> ResourceSet:
        return ResourceSet(self, self.module.data[(data_type, name)])

    def child(self, call: str) -> Evaluator:
        """The local module the module block `call` calls, its variables the block's arguments."""
        if call not in self._children:
            settings = attributes(self.module.calls[call].body)
            for meta in ("count", "for_each", "version"):
                if meta in settings:
                    raise Unsupported(f"{meta} on a module block")
            source = self.evaluate(settings["source"], {})
            if not source.startswith(("./", "../")):
                raise Unsupported(f"module source {source}: only local modules are followed")
            module = Module.load((self.module.directory / source).resolve())
            arguments = {name: tree for name, tree in settings.items() if name not in META_ARGUMENTS}
            undeclared = set(arguments) - set(module.variables)
            missing = {name for name, block in module.variables.items() if "default" not in attributes(block.body)} - set(arguments)
            if undeclared or missing:
                raise KeyError(f"module {call}: {sorted(undeclared)} are not its variables, {sorted(missing)} have no value")
            self._children[call] = Evaluator(module, _Arguments(self, arguments))
        return self._children[call]

    def providers_of(self, call: str) -> dict[str, str]:
        """The module block's `providers`: each provider address in the child, and the caller's configuration it is."""
        settings = attributes(self.module.calls[call].body)
        if "providers" not in settings:
            return {}
        (mapping,) = _parts(settings["providers"])
        if mapping.data != "object":
            raise Unsupported(f"providers given as {mapping.data}")
        pairs = (_parts(element) for element in _parts(mapping))
        return {_address(_parts(key)[0]): _address(value) for key, value in pairs}

    def output(self, name: str) -> Any:
        return self.evaluate(attributes(self.module.outputs[name].body)["value"], {})

    def module_inputs(self, call: str) -> dict[str, Any]:
        """What the module block `call` passes, skipping arguments that cannot be evaluated here (a root variable with no default)."""
        inputs = {}
        for name, expression in attributes(self.module.calls[call].body).items():
            if name in META_ARGUMENTS:
                continue
            try:
                inputs[name] = self.evaluate(expression, {})
            except KeyError:
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
        return int(cast(Token, tree.children[0]))  # a literal's one child is its token

    def _float_lit(self, tree: Tree, scope: dict[str, Any]) -> float:
        return float(cast(Token, tree.children[0]))

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
        if name == "data":
            return _Lazy(lambda data_type: _Lazy(lambda data_name: self.data(data_type, data_name)))
        if name == "module":
            return _Lazy(lambda call: _Lazy(self.child(call).output))
        return _Lazy(lambda resource_name: self.resource(name, resource_name))

    def _get_attr_expr_term(self, tree: Tree, scope: dict[str, Any]) -> Any:
        target, attribute = _parts(tree)
        (name,) = _parts(attribute)
        return self.evaluate(target, scope)[_name(name)]

    def _index_expr_term(self, tree: Tree, scope: dict[str, Any]) -> Any:
        target, index = _parts(tree)
        key = int(cast(Token, index.children[1])) if index.data == "short_index" else self.evaluate(_parts(index)[0], scope)
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
        if symbol not in OPERATORS:
            raise Unsupported(f"operator {symbol}")
        return OPERATORS[symbol](self.evaluate(left, scope), self.evaluate(right, scope))

    def _iterations(self, intro: Tree, conditions: list[Tree], scope: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The scopes of a `for` expression's iterations; `conditions` is its `if` clause, when it has one."""
        # The grammar makes the one or two names identifiers, and the collection an expression (a bare name is an expr_term).
        *identifiers, collection = _parts(intro)
        names = [_name(identifier) for identifier in identifiers]
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


class _Inputs(Protocol):
    """What an evaluator reads its input variables from: a dict, or a module block's `_Arguments`."""

    def __contains__(self, name: object, /) -> bool: ...

    def __getitem__(self, name: str, /) -> Any: ...


class _Lazy:
    """`local.x` or `aws_sqs_queue.worker`: looked up only when an attribute is taken."""

    def __init__(self, lookup: Callable[[str], Any]) -> None:
        self._lookup = lookup

    def __getitem__(self, name: str) -> Any:
        return self._lookup(name)


class _Arguments:
    """A module block's arguments, each evaluated in the calling module once the child reads it.

    Terraform resolves each variable of a module call on its own, so one argument
    may use an output of the same call that depends on another argument.
    """

    def __init__(self, caller: Evaluator, expressions: dict[str, Tree]) -> None:
        self.caller, self.expressions = caller, expressions

    def __contains__(self, name: object) -> bool:
        return name in self.expressions

    def __getitem__(self, name: str) -> Any:
        return self.caller.evaluate(self.expressions[name], {})


def _is_primitive(value: Any, type_name: str) -> bool:
    if isinstance(value, bool):  # a bool is an int to Python, not a number to Terraform
        return type_name == "bool"
    return isinstance(value, PRIMITIVES[type_name])


def _fail(message: str) -> Any:
    raise Unsupported(message)


def root() -> Evaluator:
    """The root module with its variables' defaults (and no value for those that need one)."""
    return Evaluator(Module.load(INFRASTRUCTURE), {})


def module(name: str, **outputs_of_other_modules: Any) -> Evaluator:
    """A child module with the inputs the root passes it; stand-ins given here replace or fill in what the root passes."""
    return Evaluator(Module.load(INFRASTRUCTURE / "modules" / name), root().module_inputs(name) | outputs_of_other_modules)
