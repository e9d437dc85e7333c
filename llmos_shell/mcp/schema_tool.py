"""Tools defined by a JSON schema instead of a Python signature (MCP tools).

:func:`schema_tool` builds a :class:`SchemaTool`: ``schema()`` is the given
JSON schema as is, ``validate()`` checks arguments with ``jsonschema`` after
one lenient step the function tools also have (pydantic's lax mode): a string
given for a top-level integer, number or boolean property is converted when it
is one (``/mcp_calc.add a=1 b=2`` types strings).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from ..errors import ToolError
from ..tools import NAME_RE, Effect, Tool, ToolResult, as_result

__all__ = ["SchemaTool", "schema_tool"]

_AnyArgs: type[BaseModel] = create_model("SchemaArgs", __config__=ConfigDict(extra="allow"))


def _coerce(value: Any, kind: Any) -> Any:
    if not isinstance(value, str) or not isinstance(kind, str):
        return value
    text = value.strip()
    try:
        if kind == "integer" and text.lstrip("+-").isdigit():
            return int(text)
        if kind == "number":
            return float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return value
    if kind == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return value


@dataclass
class SchemaTool(Tool):
    """A :class:`Tool` whose arguments are described and checked by a JSON schema."""

    json_schema: dict[str, Any] = field(default_factory=dict)
    _validator: Any = field(default=None, repr=False)

    def schema(self) -> dict[str, Any]:
        return self.json_schema

    def _get_validator(self) -> Any:
        if self._validator is None:
            try:
                import jsonschema
            except ImportError:
                raise ToolError(f"{self.name}: cannot validate arguments: jsonschema is not installed") from None
            cls = jsonschema.validators.validator_for(self.json_schema, default=jsonschema.Draft202012Validator)
            self._validator = cls(self.json_schema)
        return self._validator

    def validate(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        if not isinstance(arguments, Mapping):
            raise ToolError(f"arguments for {self.name} must be a JSON object", tool=self.name)
        props = self.json_schema.get("properties") or {}
        values = {k: _coerce(v, (props.get(k) or {}).get("type")) for k, v in arguments.items()}
        errors = sorted(self._get_validator().iter_errors(values), key=lambda e: list(e.path))
        if errors:
            problems = "; ".join(f"{'.'.join(str(p) for p in e.path) or 'arguments'}: {e.message}" for e in errors[:5])
            raise ToolError(f"invalid arguments for {self.name}: {problems}", tool=self.name)
        return values

    def invoke(self, arguments: Mapping[str, Any]) -> ToolResult:
        return as_result(self.function(self.validate(arguments)))


def schema_tool(
    name: str,
    description: str,
    input_schema: Mapping[str, Any],
    call: Callable[[dict[str, Any]], Any],
    *,
    effects: Iterable[str] = tuple(sorted(Effect.ALL)),
    examples: Iterable[str] = (),
    path_args: Iterable[str] = (),
    timeout: float | None = 60.0,
    plugin: str = "",
) -> SchemaTool:
    """Build a tool from a JSON schema; ``call(arguments)`` returns text, JSON data or a ToolResult.

    Raises ``ValueError`` (like :func:`~llmos_shell.tools.make_tool`) when the
    name, description, effects or schema do not fit.
    """
    if not NAME_RE.match(name):
        raise ValueError(f"tool name {name!r} must be lower_snake_case (optionally 'plugin.tool')")
    first = (description or "").strip().splitlines()
    if not first:
        raise ValueError(f"tool {name!r} has no description")
    effect_set = frozenset(effects)
    if effect_set - Effect.ALL:
        raise ValueError(f"tool {name!r}: unknown effects {sorted(effect_set - Effect.ALL)}")
    schema: dict[str, Any] = json.loads(json.dumps(dict(input_schema)))  # a private, JSON-clean copy
    if schema.get("type", "object") != "object":
        raise ValueError(f"tool {name!r}: the input schema must describe an object, not {schema.get('type')!r}")
    schema.setdefault("type", "object")
    schema.setdefault("properties", {})
    try:
        import jsonschema

        jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator).check_schema(schema)
    except ImportError:
        pass  # checked again, loudly, on the first call
    except Exception as exc:  # noqa: BLE001 - jsonschema.SchemaError and friends
        raise ValueError(f"tool {name!r}: invalid input schema: {getattr(exc, 'message', exc)}") from None
    bad_paths = set(path_args) - set(schema["properties"])
    if bad_paths:
        raise ValueError(f"tool {name!r}: path_args {sorted(bad_paths)} are not parameters")
    return SchemaTool(
        name=name, description=first[0].strip(), function=call, args_model=_AnyArgs,
        examples=tuple(e.strip() for e in examples if e and e.strip()), effects=effect_set, plugin=plugin,
        path_args=tuple(path_args), timeout=timeout, json_schema=schema,
    )  # fmt: skip
