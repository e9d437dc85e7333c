"""One memory store per process, opened on first use with the configured embedder and the redactor.

Used by the shell (automatic recall), the ``memory.*`` tools and ``llmos memory``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from . import paths
from .errors import MemoryStoreError, UsageError

__all__ = ["close_store", "get_store", "store_path"]

_lock = threading.Lock()
_store: Any = None


def store_path(settings: Any = None) -> Path:
    if settings is None:
        from .config import load_settings

        settings, _ = load_settings()
    m = settings.memory
    return Path(m.path).expanduser() if m.path else paths.data_dir() / "memory" / m.profile


def get_store(settings: Any = None, *, read_only: bool = False) -> Any:
    """The process's store; raises a user-facing error when memory is unavailable."""
    global _store
    with _lock:
        if settings is None:
            from .config import load_settings

            settings, _ = load_settings()
        path = store_path(settings).expanduser().absolute()
        if _store is not None:
            if Path(_store.path) == path:
                return _store
            _store.close()  # the configuration points elsewhere now (another profile or data dir)
            _store = None
        if not settings.memory.enabled:
            raise UsageError("memory is disabled (memory.enabled = false in llmos.toml)")
        try:
            import llmos_memory
        except ImportError:
            raise UsageError("memory needs the llmos-memory package", hint="install the `all` extra") from None
        from .policy.redact import Redactor

        embedder = None
        if settings.memory.embedder:
            embedder = llmos_memory.LlamaCppEmbedder(settings.memory.embedder)
        try:
            _store = llmos_memory.MemoryStore.open(
                path, embedder=embedder, redactor=Redactor().redact, read_only=read_only
            )
        except llmos_memory.MemoryError_ as exc:
            raise MemoryStoreError(str(exc)) from None
        return _store


def close_store() -> None:
    global _store
    with _lock:
        if _store is not None:
            _store.close()
            _store = None
