"""Where the retrieval plugin gets its kernel and its memory store: two small seams.

The plugin never builds a model or opens a store at import time. At first use it asks:

- the **kernel provider** set with :func:`set_kernel_provider` (the shell passes
  ``lambda: shell.kernel`` so ``retrieval.ask`` shares the session's model); without one, the
  kernel configured in ``llmos.toml`` is built once (``llmos_shell.kernel.create_kernel``), which
  is what ``llmos ask`` does;
- the **store provider** set with :func:`set_store_provider` (tests pass a store in a temporary
  folder); without one, the store at ``[plugins.retrieval] store`` (default
  ``<data dir>/memory/default``) is opened once, with llmos' redactor, and closed at exit.

Both setters take ``None`` to go back to the default and return the previous provider.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import RetrievalConfig

if TYPE_CHECKING:
    from llmos_memory import MemoryStore

    from llmos_shell.kernel.base import Kernel

__all__ = ["default_store_path", "get_kernel", "get_store", "set_kernel_provider", "set_store_provider"]

KernelProvider = Callable[[], "Kernel"]
StoreProvider = Callable[[], "MemoryStore"]

_lock = threading.Lock()
_kernel_provider: KernelProvider | None = None
_store_provider: StoreProvider | None = None
_default_kernel: Any = None
_default_stores: dict[Path, Any] = {}


def set_kernel_provider(provider: KernelProvider | None) -> KernelProvider | None:
    """Use ``provider()`` as the kernel that answers ``retrieval.ask``; returns the previous one."""
    global _kernel_provider
    previous, _kernel_provider = _kernel_provider, provider
    return previous


def set_store_provider(provider: StoreProvider | None) -> StoreProvider | None:
    """Use ``provider()`` as the memory store holding the documents; returns the previous one."""
    global _store_provider
    previous, _store_provider = _store_provider, provider
    return previous


def get_kernel() -> Kernel:
    """The kernel to answer with (see the module docstring)."""
    global _default_kernel
    if _kernel_provider is not None:
        return _kernel_provider()
    with _lock:
        if _default_kernel is None:
            from llmos_shell.config import load_settings
            from llmos_shell.kernel import create_kernel

            settings, _ = load_settings()
            _default_kernel = create_kernel(settings)
        return _default_kernel


def default_store_path(config: RetrievalConfig) -> Path:
    if config.store:
        return Path(config.store).expanduser()
    from llmos_shell import paths

    return paths.data_dir() / "memory" / "default"


def get_store(config: RetrievalConfig) -> MemoryStore:
    """The memory store holding the documents (see the module docstring)."""
    if _store_provider is not None:
        return _store_provider()
    path = default_store_path(config)
    with _lock:
        store = _default_stores.get(path)
        if store is None:
            from llmos_memory import MemoryStore

            store = MemoryStore.open(path, redactor=_redactor())
            _default_stores[path] = store
            atexit.register(store.close)
        return store


def _redactor() -> Callable[[str], str] | None:
    try:
        from llmos_shell.policy.redact import Redactor
    except ImportError:  # pragma: no cover - the policy package ships with llmos
        return None
    return Redactor().redact
