"""What the router needs to know of a tool, from a plugin tool or a JSON definition file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from ..tools import Tool

__all__ = ["ToolSpec", "load_tool_specs", "spec_from_tool"]

PATH_NAMES = {"path", "file", "filename", "file_path", "filepath", "directory", "dir", "folder", "image", "audio"}


@dataclass
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]
    examples: tuple[str, ...] = ()
    path_args: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def properties(self) -> dict[str, Any]:
        return dict(self.parameters.get("properties") or {})

    @property
    def required(self) -> list[str]:
        return list(self.parameters.get("required") or [])

    def is_path(self, param: str) -> bool:
        return param in self.path_args or param.lower() in PATH_NAMES

    def path_takes(self, param: str) -> str:
        """What a path parameter takes, from its name and description: "file", "folder" or "" (either)."""
        schema = self.properties.get(param, {})
        # "relative to the working directory", "the llmos data directory" say where a file is, not what it is
        where = _WHERE.sub(" ", str(schema.get("description", "")))
        text = re.sub(r"[_\W]+", " ", f"{param} {where}").lower()  # file_path: "file path"
        file = re.search(r"\bfile\b", text) is not None
        folder = re.search(r"\b(?:folder|directory|dir)\b", text) is not None
        if file and folder:
            return ""
        return "file" if file else "folder" if folder else ""


_WHERE = re.compile(
    r"\brelative\s+to\s+[^,;.()]*|\b(?:working|current|data|home|temp|cache)\s+(?:directory|folder|dir)\b", re.I
)


def spec_from_tool(tool: Tool) -> ToolSpec:
    return ToolSpec(tool.name, tool.description, tool.schema(), tool.examples, tool.path_args)


_BFCL_TYPES = {"dict": "object", "float": "number", "tuple": "array", "any": "string"}


def _normalize_schema(node: Any) -> Any:
    """BFCL writes ``dict``/``float``/``tuple``; JSON schema says ``object``/``number``/``array``."""
    if isinstance(node, dict):
        out = {k: _normalize_schema(v) for k, v in node.items()}
        t = out.get("type")
        if isinstance(t, str) and t in _BFCL_TYPES:
            out["type"] = _BFCL_TYPES[t]
        if out.get("type") == "object" and "properties" in out:
            props = out["properties"]
            out["required"] = [r for r in out.get("required", []) if r in props]
        return out
    if isinstance(node, list):
        return [_normalize_schema(v) for v in node]
    return node


def specs_from_json(data: Any, *, source: str = "tools") -> list[ToolSpec]:
    """OpenAI ``tools`` list (``{"type": "function", "function": {...}}``) or BFCL function list."""
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise UsageError(f"{source}: expected a JSON list of tool definitions")
    specs = []
    for i, item in enumerate(data):
        fn = item.get("function", item) if isinstance(item, dict) else None
        if not isinstance(fn, dict) or not fn.get("name"):
            raise UsageError(f"{source}: item {i} has no function name", hint="use the OpenAI tools format")
        params = _normalize_schema(fn.get("parameters") or {"type": "object", "properties": {}})
        specs.append(
            ToolSpec(
                name=str(fn["name"]),
                description=str(fn.get("description") or ""),
                parameters=params,
                examples=tuple(fn.get("examples") or ()),
            )
        )
    return specs


def load_tool_specs(path: Path) -> list[ToolSpec]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise UsageError(f"{path}: not valid JSON ({exc})") from None
    return specs_from_json(data, source=str(path))
