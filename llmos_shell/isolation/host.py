"""The child side of an out-of-process plugin: ``python -m llmos_shell.isolation.host NAME``.

It loads exactly one plugin into a fresh :class:`~llmos_shell.plugins.PluginHost`
(so registration is validated by the same code as in process) and answers
requests from the parent on a private copy of stdin/stdout. File descriptors 0
and 1 are pointed at ``/dev/null`` and stderr before the plugin is imported,
so a plugin that prints or reads stdin cannot corrupt the protocol.

The child holds no object of the parent: no other plugin, no policy engine, no
memory store, no conversation. Whatever it does, the parent's policy decided
before the call, and the parent validates and caps what comes back.
"""

from __future__ import annotations

import json
import os
import sys
from importlib import metadata
from typing import Any

from .protocol import LineReader, encode, max_output

OPS = ("load", "configure", "register", "validate", "invoke")


class _Failure(Exception):
    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(message)
        self.type_name = type_name


def _split(message: str) -> _Failure:
    """``"ValueError: bad key"`` -> a failure of that type."""
    head, sep, rest = message.partition(": ")
    if sep and head.isidentifier():
        return _Failure(head, rest)
    return _Failure("PluginError", message)


class ChildHost:
    def __init__(self, name: str) -> None:
        self.name = name
        self.host: Any = None
        self.limit = max_output()

    def handle(self, request: dict[str, Any]) -> Any:
        op = request.get("op")
        if op not in OPS:
            raise _Failure("ProtocolError", f"unknown op {op!r}")
        return getattr(self, f"op_{op}")(request)

    def op_load(self, request: dict[str, Any]) -> Any:
        from ..plugins import PluginHost

        for entry in reversed(request.get("sys_path") or []):
            if entry not in sys.path:
                sys.path.insert(0, entry)
        ep = metadata.EntryPoint(name=self.name, value=request["value"], group="llmos")
        try:
            plugin = ep.load()
        except Exception as exc:  # noqa: BLE001 - reported to the parent as an import failure
            raise _Failure("ImportError", f"import failed: {type(exc).__name__}: {exc}") from None
        self.host = PluginHost()
        info = self.host.add(self.name, plugin, version=getattr(plugin, "__version__", "") or "")
        self.host.check()
        if info.errors:
            raise _Failure("PluginError", "; ".join(info.errors))
        return {"module": info.module}

    def op_configure(self, request: dict[str, Any]) -> Any:
        for impl in self.host.pm.hook.llmos_configure.get_hookimpls():
            try:
                impl.function(config=dict(request.get("config") or {}))
            except Exception as exc:  # noqa: BLE001 - the parent marks the plugin failed
                raise _Failure(type(exc).__name__, str(exc)) from None
        return None

    def op_register(self, request: dict[str, Any]) -> Any:
        self.host.collect_tools()
        info = self.host.plugins[self.name]
        if not self.host.pm.has_plugin(self.name):  # register_tools raised: the plugin was disabled
            raise _split(info.errors[-1].removeprefix("register_tools failed: "))
        tools = []
        for name in info.tools:
            tool = self.host.tools[name]
            tools.append({
                "name": tool.name, "description": tool.description, "schema": tool.schema(),
                "examples": list(tool.examples), "effects": sorted(tool.effects),
                "path_args": list(tool.path_args), "timeout": tool.timeout,
            })  # fmt: skip
        return {"tools": tools, "errors": list(info.errors)}

    def _tool(self, request: dict[str, Any]) -> Any:
        from ..errors import ToolError

        tool = self.host.tools.get(request.get("tool", "")) if self.host else None
        if tool is None:
            raise ToolError(f'tool "{request.get("tool")}" does not exist')
        return tool

    def op_validate(self, request: dict[str, Any]) -> Any:
        values = self._tool(request).validate(request.get("arguments") or {})
        return json.loads(json.dumps(values, default=str))

    def op_invoke(self, request: dict[str, Any]) -> Any:
        from ..errors import ToolError

        tool = self._tool(request)
        result = tool.invoke(request.get("arguments") or {})
        if len(result.content) > self.limit:
            raise ToolError(
                f"{tool.name} returned {len(result.content)} characters, more than the limit of {self.limit}; "
                "output discarded"
            )
        return {"content": result.content, "provenance": result.provenance, "source": result.source,
                "data": result.data, "truncated": result.truncated}  # fmt: skip


def _respond(out: Any, request_id: Any, ok: bool, payload: Any, limit: int) -> None:
    if ok:
        try:
            line = encode({"id": request_id, "ok": True, "result": payload})
        except (TypeError, ValueError) as exc:  # default=str covers most; recursion and the like do not
            ok, payload = False, {"type": "ToolError", "message": f"result is not JSON-serializable: {exc}"}
        else:
            if len(line) > limit:
                ok = False
                message = f"result of {len(line)} bytes exceeds the limit of {limit}; output discarded"
                payload = {"type": "ToolError", "message": message}
    if not ok:
        line = encode({"id": request_id, "ok": False, "error": payload})
    out.write(line)
    out.flush()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m llmos_shell.isolation.host PLUGIN_NAME\n")
        return 2
    proto_in_fd = os.dup(0)
    proto_out = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)  # stray prints go to stderr, never onto the protocol
    sys.stdin = open(os.devnull, encoding="utf-8")
    sys.stdout = sys.stderr
    child = ChildHost(args[0])
    reader = LineReader(proto_in_fd, limit=64 * 1024 * 1024)
    from ..errors import ToolError

    while True:
        line = reader.readline()
        if line is None:  # the parent went away: leave now, whatever threads the plugin started
            proto_out.flush()
            os._exit(0)
        request: dict[str, Any] = {}
        try:
            request = json.loads(line)
            payload, ok = child.handle(request), True
        except _Failure as exc:
            payload, ok = {"type": exc.type_name, "message": str(exc)}, False
        except ToolError as exc:
            payload, ok = {"type": "ToolError", "message": str(exc)}, False
        except Exception as exc:  # noqa: BLE001 - a plugin bug is an answer, not the end of the child
            payload, ok = {"type": type(exc).__name__, "message": str(exc)}, False
        _respond(proto_out, request.get("id"), ok, payload, child.limit)


if __name__ == "__main__":
    sys.exit(main())
