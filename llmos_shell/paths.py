"""Where llmos keeps things: config, data (logs, memory, history), cache.

Every location can be moved with an environment variable, which the tests use
to keep each test in its own temporary directory:

- ``LLMOS_CONFIG_DIR``: user configuration (``llmos.toml``, ``models.json``)
- ``LLMOS_DATA_DIR``: conversation log, memory store, audit log, REPL history
- ``LLMOS_CACHE_DIR``: persisted prompt caches
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "llmos"


def _dir(env: str, kind: str) -> Path:
    value = os.environ.get(env)
    if value:
        return Path(value).expanduser()
    import platformdirs

    getter = {
        "config": platformdirs.user_config_dir,
        "data": platformdirs.user_data_dir,
        "cache": platformdirs.user_cache_dir,
    }[kind]
    return Path(getter(APP, appauthor=False))


def config_dir() -> Path:
    return _dir("LLMOS_CONFIG_DIR", "config")


def data_dir() -> Path:
    return _dir("LLMOS_DATA_DIR", "data")


def cache_dir() -> Path:
    return _dir("LLMOS_CACHE_DIR", "cache")


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the owner only (0700)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path
