"""Out-of-process plugins: third-party code runs in a child process the shell can kill.

An in-process plugin that hangs cannot be stopped (a Python thread cannot be
killed), one that segfaults or calls ``os._exit`` takes the shell with it, and
one that returns 200 MB fills the shell's memory. So, by default, every plugin
whose distribution is not first-party runs in ``python -m
llmos_shell.isolation.host NAME``, spoken to over JSON lines on stdio, with a
timeout on load and on every call (then its process group is killed), a cap
on every answer, and crash reports that name the signal.

``LLMOS_PLUGIN_ISOLATION=process`` (default) or ``inprocess`` chooses the mode;
``LLMOS_PLUGIN_LOAD_TIMEOUT`` (seconds, default 15) bounds import, configure and
registration; ``LLMOS_PLUGIN_MAX_OUTPUT`` (bytes, default 8 MiB) caps one answer.
"""

from __future__ import annotations

import os
import re

from ..errors import ConfigError
from .plugin import IsolatedPlugin, RemoteTool
from .process import PluginCrashed, PluginOutputError, PluginProcess, PluginProcessError, PluginTimeout

__all__ = [
    "FIRST_PARTY",
    "IsolatedPlugin",
    "PluginCrashed",
    "PluginOutputError",
    "PluginProcess",
    "PluginProcessError",
    "PluginTimeout",
    "RemoteTool",
    "is_first_party",
    "isolation_mode",
    "load_timeout",
    "should_isolate",
]

FIRST_PARTY = frozenset(
    {"llmos", "llmos-memory", "llmos-files", "llmos-retrieval", "llmos-system", "llmos-vision", "llmos-speech"}
)
MODES = ("process", "inprocess")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def is_first_party(distribution: str) -> bool:
    return _normalize(distribution) in FIRST_PARTY


def isolation_mode(explicit: str | None = None) -> str:
    """``process`` or ``inprocess``: the argument, else ``LLMOS_PLUGIN_ISOLATION``, else ``process``."""
    mode = (explicit if explicit is not None else os.environ.get("LLMOS_PLUGIN_ISOLATION", "")).strip().lower()
    mode = mode.replace("-", "").replace("_", "") or "process"
    if mode not in MODES:
        raise ConfigError(
            f"LLMOS_PLUGIN_ISOLATION={mode!r} is not a mode", hint="use 'process' (default) or 'inprocess'"
        )
    return mode


def should_isolate(distribution: str, mode: str) -> bool:
    """Third-party distributions run out of process unless the mode is ``inprocess``."""
    return mode == "process" and not is_first_party(distribution)


def load_timeout() -> float:
    raw = os.environ.get("LLMOS_PLUGIN_LOAD_TIMEOUT", "")
    try:
        return float(raw) if raw else 15.0
    except ValueError:
        raise ConfigError(f"LLMOS_PLUGIN_LOAD_TIMEOUT={raw!r} is not a number of seconds") from None
