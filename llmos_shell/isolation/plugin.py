"""A third-party plugin seen through its child process: a pluggy plugin object and its tools.

:class:`IsolatedPlugin` implements ``llmos_configure`` and ``register_tools`` by
forwarding them to the child; the tools it registers are :class:`RemoteTool`
objects whose ``validate`` and ``invoke`` are requests to the child with a
deadline. The host registers them like any other tool, so namespacing
(``plugin.tool``), clash detection and the policy gate are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from ..errors import ToolError
from ..hookspecs import hookimpl
from ..tools import Tool, ToolResult
from .process import PluginProcess, PluginProcessError, RemoteError

__all__ = ["CALL_GRACE", "IsolatedPlugin", "RemoteTool"]

CALL_GRACE = 2.0  # the shell's own timeout waits this much longer, so the child is killed first and says why

_AnyArgs: type[BaseModel] = create_model("RemoteArgs", __config__=ConfigDict(extra="allow"))


class _RemoteFailure(Exception):
    """Raised into the host with the plugin's own exception type name, so messages read the same in both modes."""


def _raise_as(type_name: str, message: str) -> Exception:
    cls = type(type_name if type_name.isidentifier() else "PluginError", (_RemoteFailure,), {})
    return cls(message)


@dataclass
class RemoteTool(Tool):
    """A tool that lives in a plugin's child process. Its schema is the one the child built."""

    process: Any = field(default=None, repr=False)
    call_timeout: float = 60.0

    def validate(self, arguments: Any) -> dict[str, Any]:
        if not isinstance(arguments, dict):
            raise ToolError(f"arguments for {self.name} must be a JSON object", tool=self.name)
        try:
            values = self.process.request("validate", tool=self.name, arguments=dict(arguments))
        except RemoteError as exc:
            raise ToolError(str(exc), tool=self.name) from None
        except PluginProcessError as exc:
            raise ToolError(str(exc), tool=self.name) from None
        return dict(values)

    def invoke(self, arguments: Any) -> ToolResult:
        try:
            out = self.process.request("invoke", tool=self.name, arguments=dict(arguments), timeout=self.call_timeout)
        except RemoteError as exc:
            if exc.type_name == "ToolError":
                raise ToolError(str(exc), tool=self.name) from None
            raise ToolError(f"{self.name} failed: {exc.type_name}: {exc}", tool=self.name) from None
        except PluginProcessError as exc:
            raise ToolError(f"{exc} while running {self.name}", tool=self.name) from None
        if not isinstance(out, dict) or not isinstance(out.get("content"), str):
            raise ToolError(f"{self.name}: the plugin process sent a malformed result", tool=self.name)
        return ToolResult(
            content=out["content"], provenance=str(out.get("provenance") or "tool"), source=out.get("source"),
            data=out.get("data"), truncated=bool(out.get("truncated")),
        )  # fmt: skip


class IsolatedPlugin:
    """A pluggy plugin object standing for a third-party plugin run in a child process."""

    def __init__(self, name: str, value: str, *, load_timeout: float = 15.0, **process_kw: Any) -> None:
        self.__name__ = f"{value} (isolated)"
        self.name = name
        self.process = PluginProcess(name, value, load_timeout=load_timeout, **process_kw)
        self.llmos_load_errors: list[str] = []
        self.process.spawn()  # children of several plugins start in parallel

    def wait_loaded(self) -> str | None:
        """None when the child imported the plugin; otherwise the message for ``llmos plugins``."""
        try:
            self.process.wait_loaded()
        except RemoteError as exc:
            self.close()
            return str(exc)
        except PluginProcessError as exc:
            self.close()
            return f"load failed: {exc}"
        return None

    @hookimpl
    def llmos_configure(self, config: dict[str, Any]) -> None:
        try:
            self.process.request("configure", config=config)
        except RemoteError as exc:
            raise _raise_as(exc.type_name, str(exc)) from None
        self.process.config = dict(config)

    @hookimpl
    def register_tools(self, register: Any) -> None:
        try:
            answer = self.process.request("register")
        except RemoteError as exc:
            raise _raise_as(exc.type_name, str(exc)) from None
        self.llmos_load_errors = [str(e) for e in answer.get("errors", [])]
        for spec in answer.get("tools", []):
            call_timeout = float(spec.get("timeout") or 60.0)
            short = str(spec["name"]).split(".", 1)[-1]
            register(
                RemoteTool(
                    name=short, description=str(spec.get("description", "")), function=_no_local_function,
                    args_model=_AnyArgs, examples=tuple(spec.get("examples") or ()),
                    effects=frozenset(spec.get("effects") or ("read",)), plugin=self.name,
                    path_args=tuple(spec.get("path_args") or ()), timeout=call_timeout + CALL_GRACE,
                    _schema=dict(spec.get("schema") or {"type": "object", "properties": {}}),
                    process=self.process, call_timeout=call_timeout,
                )
            )  # fmt: skip

    def close(self) -> None:
        self.process.close()


def _no_local_function(**_: Any) -> Any:  # pragma: no cover - RemoteTool.invoke never calls it
    raise ToolError("an isolated plugin's tool runs in its own process")
