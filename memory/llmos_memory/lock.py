"""The cross-process writer lock: ``flock(2)`` on ``<store>/lock``.

flock locks belong to an open file description, so the kernel drops them when the holding
process dies (even by SIGKILL): a lock file left behind by a dead process is never "stale", it
is simply unlocked. The PID written into the file is informational only (used in messages).
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

from .errors import StoreLocked


class FileLock:
    """A reentrant (per object) exclusive/shared flock with a timeout.

    Not thread-safe by itself: the store serializes its own threads with a ``threading.RLock``
    before touching this lock.
    """

    def __init__(self, path: Path, timeout: float = 10.0) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None
        self._depth = 0
        self._mode: int | None = None

    def _open(self, create: bool) -> int | None:
        if self._fd is None:
            flags = os.O_RDWR | (os.O_CREAT if create else 0) | getattr(os, "O_CLOEXEC", 0)
            try:
                self._fd = os.open(self.path, flags, 0o600)
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EROFS, errno.EPERM, errno.ENOENT):
                    raise
                try:  # a read-only directory: a shared lock still works on an O_RDONLY fd
                    self._fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
                except OSError:
                    return None
        return self._fd

    def holder(self) -> str:
        """The PID recorded by the last exclusive holder (may be dead), for messages."""
        try:
            return self.path.read_text(encoding="ascii").strip() or "unknown"
        except (OSError, UnicodeDecodeError):
            return "unknown"

    def acquire(self, shared: bool = False, timeout: float | None = None) -> bool:
        """Take the lock; returns False only when no lock file can be opened (read-only store).

        Raises :class:`StoreLocked` after ``timeout`` seconds (default: the lock's timeout).
        """
        want = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        if self._depth:
            # Reentrant use: an exclusive hold covers a nested shared request.
            if self._mode == fcntl.LOCK_EX or want == fcntl.LOCK_SH:
                self._depth += 1
                return True
            raise RuntimeError("cannot upgrade a shared memory-store lock to exclusive")
        fd = self._open(create=not shared)
        if fd is None:
            return False
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        delay = 0.002
        while True:
            try:
                fcntl.flock(fd, want | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
            if time.monotonic() >= deadline:
                raise StoreLocked(
                    f"memory store {self.path.parent} is locked by another process (pid {self.holder()}) "
                    f"for more than {limit:g}s; wait for it to finish or close the other llmos session"
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        if want == fcntl.LOCK_EX:
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
            except OSError:
                pass
        self._mode = want
        self._depth = 1
        return True

    def release(self) -> None:
        if not self._depth:
            return
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            self._mode = None

    def close(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)  # closing the fd drops any flock held through it
            finally:
                self._fd = None
                self._depth = 0
                self._mode = None
