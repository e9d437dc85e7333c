"""``llmos mcp serve``: llmos's tools as an MCP stdio server.

Every ``tools/call`` goes through :meth:`Shell.call_tool`, the same gate the
shell uses: argument validation, the policy engine (rules, workspace
boundary, provenance), the approver and the audit log. There is nobody to
ask, so *ask* is denied unless the server was started with ``--yes``. The
session's provenance carries over between calls, as in the shell: after a
tool returned untrusted content, side-effecting calls need approval.

Works with the ``mcp`` SDK 1.x (decorators) and 2.x (``on_*`` handlers).
"""

from __future__ import annotations

import inspect
import io
import os
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..shell import Shell

__all__ = ["call_tool", "claim_stdio", "list_tools", "serve"]


def claim_stdio() -> tuple[int, int]:
    """Keep private copies of fds 0 and 1 for the protocol; point 0 at /dev/null and 1 at stderr.

    Called before plugins load, so nothing they print can reach the MCP client.
    """
    proto_in, proto_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    return proto_in, proto_out


def list_tools(shell: Shell) -> list[dict[str, Any]]:
    """The shell's tools as MCP tool definitions (protocol dicts)."""
    out = []
    for tool in shell.tools.values():
        out.append({
            "name": tool.name, "description": tool.description, "inputSchema": tool.schema(),
            "annotations": {"readOnlyHint": not tool.side_effects, "openWorldHint": "network" in tool.effects},
        })  # fmt: skip
    return out


def call_tool(shell: Shell, name: str, arguments: dict[str, Any] | None) -> dict[str, Any]:
    """One call through the policy gate, as a ``CallToolResult`` dict."""
    call, _ = shell.call_tool(name, dict(arguments or {}), chosen_by="mcp")
    meta = {"decision": call.decision, "rule": call.rule, "provenance": call.provenance or "tool"}
    if call.source:
        meta["source"] = call.source
    return {"content": [{"type": "text", "text": call.output}], "isError": not call.ok, "_meta": {"llmos": meta}}


async def serve(shell: Shell, proto_in: int, proto_out: int, *, name: str = "llmos", version: str = "") -> None:
    import anyio
    from mcp import types
    from mcp.server.lowlevel import Server
    from mcp.server.stdio import stdio_server

    lock = threading.Lock()  # the shell is not thread-safe: one call at a time

    def run_call(tool: str, arguments: dict[str, Any] | None) -> dict[str, Any]:
        with lock:
            return call_tool(shell, tool, arguments)

    def tool_models() -> list[Any]:
        return [types.Tool.model_validate(t) for t in list_tools(shell)]

    if "on_list_tools" in inspect.signature(Server.__init__).parameters or _has_overload_kw(Server, "on_list_tools"):

        async def on_list_tools(ctx: Any, params: Any) -> Any:
            return types.ListToolsResult(tools=tool_models())

        async def on_call_tool(ctx: Any, params: Any) -> Any:
            result = await anyio.to_thread.run_sync(run_call, params.name, params.arguments)
            return types.CallToolResult.model_validate(result)

        server: Any = Server(name, version=version, on_list_tools=on_list_tools, on_call_tool=on_call_tool)
    else:  # mcp 1.x
        server = Server(name, version=version)

        @server.list_tools()
        async def _list() -> list[Any]:
            return tool_models()

        @server.call_tool()
        async def _call(tool: str, arguments: dict[str, Any]) -> Any:
            result = await anyio.to_thread.run_sync(run_call, tool, arguments)
            text = result["content"][0]["text"]
            if result["isError"]:
                raise RuntimeError(text)  # 1.x turns this into isError with the text
            return [types.TextContent(type="text", text=text)]

    stdin = anyio.wrap_file(io.TextIOWrapper(os.fdopen(proto_in, "rb", buffering=0), encoding="utf-8",
                                             errors="replace"))  # fmt: skip
    stdout = anyio.wrap_file(io.TextIOWrapper(os.fdopen(proto_out, "wb"), encoding="utf-8", write_through=True))
    async with stdio_server(stdin=stdin, stdout=stdout) as (read, write):
        await server.run(read, write, server.create_initialization_options())


def _has_overload_kw(cls: Any, kw: str) -> bool:
    try:
        from typing import get_overloads
    except ImportError:  # pragma: no cover
        return False
    return any(kw in inspect.signature(f).parameters for f in get_overloads(cls.__init__))
