"""The ``mcp`` plugin: mount stdio MCP servers from ``[plugins.mcp]`` as llmos tools.

``llmos_configure`` validates the table; ``llmos_subplugins`` then gives the
host one plugin per server (``mcp_<server>``), each starting its server at once
so several servers initialize in parallel. Its ``register_tools`` waits for the
server (``startup_timeout``), lists the tools and registers each as
``mcp_<server>.<tool>``. A server that cannot start, hangs at initialize or
crashes fails only its own plugin.

Results are untrusted (provenance ``mcp``). Effects are unknown, so a tool is
``read, write, execute, network`` unless the server marks it ``readOnlyHint``
(and ``trust_annotations`` is on); the policy layer decides from there.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import ToolError
from ..hookspecs import hookimpl
from ..tools import Effect, ToolResult
from .config import McpServerConfig, parse_servers

__all__ = ["McpServerPlugin", "llmos_configure", "llmos_subplugins", "result_from_mcp", "tool_name"]

_servers: dict[str, McpServerConfig] = {}


@hookimpl
def llmos_configure(config: dict[str, Any]) -> None:
    """Read ``[plugins.mcp] servers = { name = { command, args, env, ... } }``."""
    global _servers
    _servers = parse_servers(config)


def llmos_subplugins() -> dict[str, object]:
    """One plugin per enabled server; each starts its server now."""
    return {f"mcp_{name}": McpServerPlugin(name, cfg) for name, cfg in _servers.items() if cfg.enabled}


def tool_name(mcp_name: str) -> str:
    """An MCP tool name as a llmos tool name: ``readFile`` / ``read-file`` / ``read.file`` -> ``read_file``."""
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", mcp_name)
    s = re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_")
    if s and not s[0].isalpha():
        s = "t_" + s
    return s


def result_from_mcp(result: dict[str, Any], *, server: str, tool: str, limit: int) -> ToolResult:
    """A ``CallToolResult`` (protocol dict) as an untrusted :class:`ToolResult`; ``isError`` -> ToolError."""
    parts: list[str] = []
    for block in result.get("content") or []:
        kind = block.get("type")
        if kind == "text":
            parts.append(str(block.get("text", "")))
        elif kind == "resource":
            res = block.get("resource") or {}
            parts.append(str(res["text"]) if "text" in res else f"[resource {res.get('uri', '')}]")
        elif kind in ("image", "audio"):
            parts.append(f"[{kind} {block.get('mimeType', '')}, {len(block.get('data', '')) * 3 // 4} bytes]")
        elif kind == "resource_link":
            parts.append(f"[resource {block.get('uri', '')}]")
        else:
            parts.append(f"[{kind} content]")
    text = "\n".join(parts)
    structured = result.get("structuredContent")
    if not text and structured is not None:
        import json

        text = json.dumps(structured, ensure_ascii=False)
    if result.get("isError"):
        raise ToolError(f"{server}/{tool}: {text[:2000] or 'the server reported an error'}")
    truncated = len(text) > limit
    if truncated:
        text = text[:limit] + f"\n[truncated: the MCP server sent {len(text) - limit} more characters]"
    return ToolResult(content=text, provenance="mcp", source=f"mcp:{server}/{tool}", data=structured,
                      truncated=truncated)  # fmt: skip


class McpServerPlugin:
    """The plugin ``mcp_<server>``: one MCP server and its tools."""

    def __init__(self, server: str, config: McpServerConfig) -> None:
        from .client import McpConnection

        self.__name__ = f"mcp server {server}"
        self.server, self.config = server, config
        self.connection = McpConnection(server, config)
        self.llmos_load_errors: list[str] = []
        self.connection.start()

    @hookimpl
    def register_tools(self, register: Any) -> None:
        from .schema_tool import schema_tool

        tools = self.connection.wait_ready()  # McpServerError: this plugin fails, the others load
        wanted = set(self.config.tools) if self.config.tools is not None else None
        seen: dict[str, str] = {}
        for spec in tools:
            original = str(spec.get("name", ""))
            if wanted is not None and original not in wanted:
                continue
            short = tool_name(original)
            if not short:
                self.llmos_load_errors.append(f"tool {original!r}: no usable name; skipped")
                continue
            if short in seen:
                self.llmos_load_errors.append(f"tools {seen[short]!r} and {original!r} both map to {short!r}; "
                                              f"kept the first")  # fmt: skip
                continue
            annotations = spec.get("annotations") or {}
            read_only = self.config.trust_annotations and annotations.get("readOnlyHint") is True
            effects = (Effect.READ,) if read_only else tuple(sorted(Effect.ALL))
            description = (spec.get("description") or spec.get("title") or annotations.get("title") or "").strip()
            try:
                tool = schema_tool(
                    short, description or f"{original} (MCP server {self.server})",
                    spec.get("inputSchema") or {"type": "object", "properties": {}}, self._caller(original),
                    effects=effects, timeout=self.config.timeout + 2.0, plugin=f"mcp_{self.server}",
                )  # fmt: skip
            except ValueError as exc:
                self.llmos_load_errors.append(f"tool {original!r} rejected: {exc}")
                continue
            seen[short] = original
            register(tool)

    def _caller(self, original: str) -> Any:
        def call(arguments: dict[str, Any]) -> ToolResult:
            from .client import McpServerError

            try:
                raw = self.connection.call_tool(original, arguments, timeout=self.config.timeout)
            except McpServerError as exc:
                raise ToolError(str(exc)) from None
            return result_from_mcp(raw, server=self.server, tool=original, limit=self.config.max_output)

        return call

    def close(self) -> None:
        self.connection.close()
