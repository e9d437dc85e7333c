"""Tools: typed Python functions the kernel can call.

A tool is a function with type hints and a docstring. Its first docstring line
is the description the model sees; a few *example phrases* tell the router what
requests it serves. :func:`make_tool` validates all of that at registration,
so a bad tool fails loudly when its plugin loads, never when it is called.

Every tool's JSON schema comes from one place: :meth:`Tool.schema`, built from
a pydantic model of the function's parameters. A LangChain ``BaseTool`` is
accepted too and goes through the same path.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from .errors import ToolError

__all__ = ["NAME_RE", "Effect", "Tool", "ToolResult", "make_tool"]

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
MAX_STRING_ARG = 65_536  # default maxLength for string arguments


class Effect:
    """What a tool may do; the policy layer decides on these."""

    READ = "read"  # reads local data (files, memory)
    WRITE = "write"  # changes local state (files, memory)
    EXECUTE = "execute"  # runs programs
    NETWORK = "network"  # may send data off the machine
    ALL = frozenset({READ, WRITE, EXECUTE, NETWORK})


@dataclass
class ToolResult:
    """What a tool returns: text for the model, tagged with where it came from.

    ``provenance`` is one of ``tool`` (the tool's own output), ``file``, ``ocr``,
    ``transcript``, ``retrieval``, ``memory``, ``web``; anything but ``tool``
    marks the content as untrusted for the policy layer. ``source`` names it
    (a path, a URL). ``data`` is the machine-readable form for ``--json``.
    """

    content: str
    provenance: str = "tool"
    source: str | None = None
    data: Any = None
    truncated: bool = False

    UNTRUSTED = frozenset({"file", "ocr", "transcript", "retrieval", "memory", "web", "mcp"})

    @property
    def untrusted(self) -> bool:
        return self.provenance in self.UNTRUSTED


@dataclass
class Tool:
    """A registered tool. Build one with :func:`make_tool`."""

    name: str
    description: str
    function: Callable[..., Any]
    args_model: type[BaseModel]
    examples: tuple[str, ...] = ()
    effects: frozenset[str] = frozenset({Effect.READ})
    plugin: str = ""
    path_args: tuple[str, ...] = ()  # argument names that are filesystem paths
    timeout: float | None = 60.0
    _schema: dict[str, Any] | None = field(default=None, repr=False)

    def schema(self) -> dict[str, Any]:
        """JSON schema of the arguments (object with properties/required)."""
        if self._schema is None:
            raw = self.args_model.model_json_schema()
            raw.pop("title", None)
            for prop in raw.get("properties", {}).values():
                prop.pop("title", None)
            self._schema = raw
        return self._schema

    def openai_spec(self) -> dict[str, Any]:
        """The tool in the OpenAI ``tools`` format."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.schema()},
        }

    def validate(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """Validate arguments; raise :class:`ToolError` (for the model) when they do not fit."""
        if not isinstance(arguments, Mapping):
            raise ToolError(f"arguments for {self.name} must be a JSON object", tool=self.name)
        try:
            model = self.args_model.model_validate(dict(arguments))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'arguments'}: {err['msg']}" for err in exc.errors()
            )
            raise ToolError(f"invalid arguments for {self.name}: {problems}", tool=self.name) from None
        return model.model_dump()

    def invoke(self, arguments: Mapping[str, Any]) -> ToolResult:
        """Validate and call. Returns a :class:`ToolResult`."""
        values = self.validate(arguments)
        out = self.function(**values)
        return as_result(out)

    @property
    def side_effects(self) -> bool:
        return bool(self.effects - {Effect.READ})


def as_result(out: Any) -> ToolResult:
    if isinstance(out, ToolResult):
        return out
    if isinstance(out, str):
        return ToolResult(content=out)
    try:
        return ToolResult(content=json.dumps(out, ensure_ascii=False, default=str), data=out)
    except (TypeError, ValueError):
        raise ToolError(f"tool returned a value that is not text or JSON: {type(out).__name__}") from None


def _description(doc: str | None, name: str) -> str:
    if not doc or not doc.strip():
        raise ValueError(f"tool {name!r} has no docstring; its first line is what the model sees")
    return inspect.cleandoc(doc).splitlines()[0].strip()


def _param_docs(doc: str | None) -> dict[str, str]:
    """Parameter descriptions from a Google-style ``Args:`` section."""
    out: dict[str, str] = {}
    if not doc:
        return out
    in_args = False
    for line in inspect.cleandoc(doc).splitlines():
        stripped = line.strip()
        if stripped.lower() in {"args:", "arguments:", "parameters:"}:
            in_args = True
            continue
        if in_args:
            m = re.match(r"^(\w+)\s*(\([^)]*\))?:\s*(.+)$", stripped)
            if m:
                out[m.group(1)] = m.group(3)
            elif not stripped or stripped.endswith(":"):
                in_args = False
    return out


def _model_from_function(fn: Callable[..., Any], name: str) -> type[BaseModel]:
    sig = inspect.signature(fn)
    try:
        hints = get_type_hints(fn)
    except Exception as exc:
        raise ValueError(f"tool {name!r}: cannot resolve type hints: {exc}") from exc
    docs = _param_docs(fn.__doc__)
    fields: dict[str, Any] = {}
    for pname, param in sig.parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise ValueError(f"tool {name!r}: *args/**kwargs are not allowed ({pname})")
        if pname not in hints:
            raise ValueError(f"tool {name!r}: parameter {pname!r} has no type hint")
        ann = hints[pname]
        kwargs: dict[str, Any] = {}
        if pname in docs:
            kwargs["description"] = docs[pname]
        if ann is str:
            kwargs["max_length"] = MAX_STRING_ARG
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[pname] = (ann, Field(default, **kwargs))
    model_name = "".join(part.capitalize() for part in re.split(r"[._]", name)) + "Args"
    return create_model(model_name, __config__=ConfigDict(extra="forbid", strict=False), **fields)


def _from_langchain(obj: Any) -> tuple[Callable[..., Any], type[BaseModel], str, str]:
    schema = obj.get_input_schema() if hasattr(obj, "get_input_schema") else obj.args_schema
    if not (isinstance(schema, type) and issubclass(schema, BaseModel)):
        raise ValueError(f"LangChain tool {obj.name!r} has no pydantic args schema")
    strict = create_model(f"{schema.__name__}Strict", __base__=schema, __config__=None)
    strict.model_config["extra"] = "forbid"

    def call(**kwargs: Any) -> Any:
        return obj.invoke(kwargs)

    return call, strict, obj.name, obj.description or ""


def make_tool(
    obj: Any,
    *,
    name: str | None = None,
    examples: Iterable[str] = (),
    effects: Iterable[str] = (Effect.READ,),
    path_args: Iterable[str] = (),
    timeout: float | None = 60.0,
    plugin: str = "",
) -> Tool:
    """Build and validate a :class:`Tool` from a typed function or a LangChain ``BaseTool``.

    Raises ``ValueError`` with a message naming the tool and the problem.
    """
    if _is_langchain_tool(obj):
        fn, model, lc_name, desc = _from_langchain(obj)
        tool_name = name or lc_name
        description = desc.strip().splitlines()[0] if desc.strip() else ""
        if not description:
            raise ValueError(f"tool {tool_name!r} has no description")
    elif callable(obj):
        fn = obj
        tool_name = name or str(getattr(obj, "__name__", ""))
        description = _description(obj.__doc__, tool_name)
        model = _model_from_function(obj, tool_name)
    else:
        raise ValueError(f"cannot make a tool from {type(obj).__name__}: pass a typed function or a LangChain tool")
    if not NAME_RE.match(tool_name):
        raise ValueError(f"tool name {tool_name!r} must be lower_snake_case (optionally 'plugin.tool')")
    effect_set = frozenset(effects)
    unknown = effect_set - Effect.ALL
    if unknown:
        raise ValueError(f"tool {tool_name!r}: unknown effects {sorted(unknown)}; use {sorted(Effect.ALL)}")
    ex = tuple(e.strip() for e in examples if e and e.strip())
    fields = set(model.model_fields)
    bad_paths = set(path_args) - fields
    if bad_paths:
        raise ValueError(f"tool {tool_name!r}: path_args {sorted(bad_paths)} are not parameters")
    return Tool(
        name=tool_name,
        description=description,
        function=fn,
        args_model=model,
        examples=ex,
        effects=effect_set,
        plugin=plugin,
        path_args=tuple(path_args),
        timeout=timeout,
    )


def _is_langchain_tool(obj: Any) -> bool:
    cls = type(obj)
    return any(c.__module__.startswith("langchain_core") and c.__name__ == "BaseTool" for c in cls.__mro__)
