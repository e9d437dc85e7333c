"""Plugin loading: one small factory, per-plugin error isolation, an allowlist.

Plugins are distributions exposing the entry-point group ``llmos``; the entry
point's name is the plugin's name and the namespace of its tools
(``files`` -> ``files.read``). First-party plugins are found the same way.

Environment:
- ``LLMOS_PLUGINS=a,b``: load only these plugins (empty string: none).
- ``LLMOS_STRICT_PLUGINS=1``: a plugin that fails to load is fatal.
- ``LLMOS_TRACE_HOOKS=1``: print every hook call to stderr.
- ``LLMOS_PLUGIN_ISOLATION=process|inprocess``: where third-party plugins run
  (default ``process``: a child process per plugin, see :mod:`llmos_shell.isolation`).

Beyond the hooks, a plugin *object* may offer two plain attributes, used by the
out-of-process and MCP plugins: ``llmos_subplugins()`` (called after
``llmos_configure``; returns ``{name: plugin}`` to add, e.g. one per MCP server)
and ``llmos_load_errors`` (non-fatal errors found while registering, shown by
``llmos plugins``). ``register`` also accepts a ready :class:`Tool`; its name is
namespaced like any other. :meth:`PluginHost.close` calls ``close()`` on every
plugin object that has one (child processes, MCP servers).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from types import ModuleType
from typing import Any

import pluggy

from . import hookspecs
from .errors import PluginError
from .tools import NAME_RE, Tool, make_tool

__all__ = ["ENTRY_POINT_GROUP", "PluginHost", "PluginInfo", "load_plugins"]

ENTRY_POINT_GROUP = "llmos"
# Plugins shipped inside the core distribution, loaded like entry points (unless one has the same name).
BUILTIN_PLUGINS = {"mcp": "llmos_shell.mcp.plugin"}


@dataclass
class PluginInfo:
    """What ``llmos plugins list`` shows for one plugin."""

    name: str
    version: str = ""
    module: str = ""
    distribution: str = ""
    tools: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.errors:
            return "ok"
        return "partial" if self.tools else "failed"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "module": self.module,
            "distribution": self.distribution,
            "status": self.status,
            "tools": self.tools,
            "errors": self.errors,
        }


class PluginHost:
    """A plugin manager plus the tools its plugins registered."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager("llmos")
        self.pm.add_hookspecs(hookspecs)
        if os.environ.get("LLMOS_TRACE_HOOKS"):
            self.pm.trace.root.setwriter(sys.stderr.write)
            self.pm.enable_tracing()
        self.plugins: dict[str, PluginInfo] = {}
        self.tools: dict[str, Tool] = {}
        self._modules: dict[str, object] = {}

    # -- loading ---------------------------------------------------------
    def add(self, name: str, plugin: object, *, version: str = "", distribution: str = "") -> PluginInfo:
        """Register one plugin object (module or instance) under ``name``."""
        info = self.plugins.setdefault(name, PluginInfo(name=name, version=version, distribution=distribution))
        info.module = getattr(plugin, "__name__", type(plugin).__name__)
        if name in self._modules:
            info.errors.append(f"a plugin named {name!r} is already loaded")
            return info
        try:
            self.pm.register(plugin, name=name)
        except Exception as exc:  # noqa: BLE001 - isolation: report, keep others
            info.errors.append(f"cannot register: {exc}")
            return info
        self._modules[name] = plugin
        return info

    def fail(self, name: str, message: str, *, version: str = "", distribution: str = "") -> None:
        info = self.plugins.setdefault(name, PluginInfo(name=name, version=version, distribution=distribution))
        info.errors.append(message)

    def check(self) -> None:
        """Reject hook implementations that match no hook (misspelt names)."""
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            plugin = getattr(exc, "plugin", None)
            name = self.pm.get_name(plugin) if plugin is not None else None
            if name:
                self.plugins[name].errors.append(str(exc))
                self.pm.unregister(name=name)
                self._modules.pop(name, None)
            else:  # pragma: no cover - pluggy always names the plugin
                raise

    def configure(self, config: Mapping[str, Mapping[str, Any]]) -> None:
        """Call ``llmos_configure`` on each plugin separately, so one failure stays local."""
        for impl in self.pm.hook.llmos_configure.get_hookimpls():
            name = impl.plugin_name
            try:
                impl.function(config=dict(config.get(name, {})))
            except Exception as exc:  # noqa: BLE001 - isolation
                self._disable(name, f"llmos_configure failed: {type(exc).__name__}: {exc}")

    def collect_tools(self) -> None:
        """Call ``register_tools`` on each plugin separately and validate every tool."""
        for impl in self.pm.hook.register_tools.get_hookimpls():
            name = impl.plugin_name
            info = self.plugins.setdefault(name, PluginInfo(name=name))
            staged: list[Tool] = []

            def register(obj: Any, *, name: str | None = None, _plugin: str = name, _staged=staged, **kw: Any) -> None:
                if isinstance(obj, Tool):  # built elsewhere (out-of-process plugin, MCP server)
                    tool = obj
                    if not NAME_RE.match(tool.name):
                        raise ValueError(f"tool name {tool.name!r} must be lower_snake_case (optionally 'plugin.tool')")
                    tool.plugin = _plugin
                else:
                    tool = make_tool(obj, name=name, plugin=_plugin, **kw)
                short = tool.name.split(".")[-1] if tool.name.startswith(_plugin + ".") else tool.name
                if "." in short:
                    raise ValueError(f"tool name {tool.name!r} must not contain another plugin's namespace")
                tool.name = f"{_plugin}.{short}"
                _staged.append(tool)

            try:
                impl.function(register=_safe_register(register, info))
            except Exception as exc:  # noqa: BLE001 - isolation
                self._disable(name, f"register_tools failed: {type(exc).__name__}: {exc}")
                continue
            info.errors.extend(str(e) for e in getattr(impl.plugin, "llmos_load_errors", ()) or ())
            for tool in staged:
                if tool.name in self.tools:
                    other = self.tools[tool.name].plugin
                    info.errors.append(f"tool {tool.name!r} clashes with plugin {other!r}; skipped")
                    continue
                self.tools[tool.name] = tool
                info.tools.append(tool.name)

    def expand(self) -> None:
        """Add the plugins that configured plugins provide through ``llmos_subplugins()``."""
        for name, plugin in list(self._modules.items()):
            provide = getattr(plugin, "llmos_subplugins", None)
            if not callable(provide):
                continue
            try:
                subs = dict(provide())
            except Exception as exc:  # noqa: BLE001 - isolation
                self._disable(name, f"llmos_subplugins failed: {type(exc).__name__}: {exc}")
                continue
            parent = self.plugins[name]
            for sub_name, sub in subs.items():
                self.add(sub_name, sub, version=parent.version, distribution=parent.distribution)

    def close(self) -> None:
        """Stop what plugins started (child processes, MCP servers): ``close()`` on each plugin object."""
        for plugin in list(self._modules.values()):
            close = getattr(plugin, "close", None)
            if callable(close) and not isinstance(plugin, ModuleType):
                try:
                    close()
                except Exception:  # noqa: BLE001 - best effort at shutdown
                    pass

    def _disable(self, name: str, message: str) -> None:
        info = self.plugins.setdefault(name, PluginInfo(name=name))
        info.errors.append(message)
        for tool_name in list(info.tools):
            self.tools.pop(tool_name, None)
        info.tools.clear()
        if self.pm.has_plugin(name):
            self.pm.unregister(name=name)
        plugin = self._modules.pop(name, None)
        close = getattr(plugin, "close", None)
        if callable(close) and not isinstance(plugin, ModuleType):
            close()


def _safe_register(register: Any, info: PluginInfo) -> Any:
    """Wrap ``register`` so a bad tool is reported and skipped, not fatal to the plugin."""

    def wrapped(obj: Any, **kw: Any) -> None:
        try:
            register(obj, **kw)
        except (ValueError, TypeError) as exc:
            info.errors.append(f"tool rejected: {exc}")

    return wrapped


def allowlist() -> set[str] | None:
    """Names from ``LLMOS_PLUGINS`` (``LLMOS_LOAD_PLUGINS`` also accepted); None = no restriction."""
    for var in ("LLMOS_PLUGINS", "LLMOS_LOAD_PLUGINS"):
        if var in os.environ:
            return {p.strip() for p in os.environ[var].split(",") if p.strip()}
    return None


def _entry_points() -> Iterable[metadata.EntryPoint]:
    return sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)


def load_plugins(
    config: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    extra: Mapping[str, object] | None = None,
    entry_points: bool = True,
    strict: bool | None = None,
    isolation: str | None = None,
) -> PluginHost:
    """Build a fresh :class:`PluginHost`: load entry points, configure, collect tools.

    ``extra`` maps names to plugin objects registered as if found by entry point
    (tests use it). Failures are recorded on the plugin's :class:`PluginInfo`;
    with ``strict`` (default: ``LLMOS_STRICT_PLUGINS``) the first one raises
    :class:`PluginError`. ``isolation`` (default: ``LLMOS_PLUGIN_ISOLATION``,
    else ``process``) runs third-party entry points in child processes.
    """
    if strict is None:
        strict = os.environ.get("LLMOS_STRICT_PLUGINS", "") not in ("", "0")
    allowed = allowlist()
    host = PluginHost()
    if entry_points:
        from . import isolation as iso

        mode = iso.isolation_mode(isolation)
        found = list(_entry_points())
        names = {ep.name for ep in found}
        found += [metadata.EntryPoint(n, v, ENTRY_POINT_GROUP) for n, v in BUILTIN_PLUGINS.items() if n not in names]
        pending: list[tuple[str, Any, str, str]] = []
        for ep in found:
            if allowed is not None and ep.name not in allowed:
                continue
            dist = ep.dist
            version = dist.version if dist else ""
            dist_name = dist.metadata["Name"] if dist else ("llmos" if ep.name in BUILTIN_PLUGINS else "")
            if iso.should_isolate(dist_name, mode):  # spawned now, so children load in parallel
                proxy = iso.IsolatedPlugin(ep.name, ep.value, load_timeout=iso.load_timeout())
                pending.append((ep.name, proxy, version, dist_name))
                continue
            try:
                module = ep.load()
            except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the others
                message = f"import failed: {type(exc).__name__}: {exc}"
                host.fail(ep.name, message, version=version, distribution=dist_name)
                continue
            host.add(ep.name, module, version=version, distribution=dist_name)
        for ep_name, proxy, version, dist_name in pending:
            error = proxy.wait_loaded()
            if error is not None:
                host.fail(ep_name, error, version=version, distribution=dist_name)
                continue
            host.add(ep_name, proxy, version=version, distribution=dist_name)
    for name, obj in (extra or {}).items():
        if allowed is not None and name not in allowed:
            continue
        version = getattr(obj, "__version__", "") if isinstance(obj, ModuleType) else ""
        host.add(name, obj, version=version)
    host.check()
    host.configure(config or {})
    host.expand()
    host.collect_tools()
    if strict:
        broken = [f"{p.name}: {'; '.join(p.errors)}" for p in host.plugins.values() if p.errors]
        if broken:
            host.close()
            raise PluginError(
                "plugin failed to load: " + broken[0], hint="fix or uninstall it, or unset LLMOS_STRICT_PLUGINS"
            )
    return host
