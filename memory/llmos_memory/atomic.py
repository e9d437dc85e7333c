"""Crash-safe file replacement and private permissions.

``atomic_write`` writes a temp file in the same directory, fsyncs it, renames it over the target
and fsyncs the directory: after a crash at any point the target is either the old file or the new
one, never neither and never a mix. On any error (ENOSPC included) the temp file is removed and
the old file is left untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def write_all(fd: int, data: bytes | memoryview) -> None:
    """Write every byte of ``data`` to ``fd`` (the seam tests patch to simulate ENOSPC)."""
    view = memoryview(data).cast("B")
    while view:
        written = os.write(fd, view[: 1 << 24])
        view = view[written:]


def fsync_dir(path: Path) -> None:
    """fsync a directory so a rename in it is durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes | memoryview) -> None:
    """Replace ``path`` with ``data`` atomically and durably (mode 0600)."""
    tmp = path.with_name(f".{path.name}.tmp.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
    try:
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) and make it 0700 if we own it."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    st = path.stat()
    if stat.S_IMODE(st.st_mode) != DIR_MODE and st.st_uid == os.geteuid():
        with contextlib.suppress(OSError):
            os.chmod(path, DIR_MODE)


def make_private(path: Path) -> None:
    """chmod a store file to 0600 when it exists and we own it."""
    try:
        st = path.stat()
    except OSError:
        return
    if stat.S_IMODE(st.st_mode) != FILE_MODE and st.st_uid == os.geteuid():
        with contextlib.suppress(OSError):
            os.chmod(path, FILE_MODE)


def remove_stale_temps(directory: Path) -> list[str]:
    """Delete temp files left by a writer killed mid-save; returns their names."""
    removed = []
    for entry in directory.glob(".*.tmp.*"):
        with contextlib.suppress(OSError):
            entry.unlink()
            removed.append(entry.name)
    return removed
