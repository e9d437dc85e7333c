"""The wire format between llmos and an out-of-process plugin: JSON lines over stdio.

One request per line from the parent (``{"id": 1, "op": "invoke", ...}``), one
response per line from the child (``{"id": 1, "ok": true, "result": ...}`` or
``{"id": 1, "ok": false, "error": {"type": "ToolError", "message": "..."}}``).
A line longer than the cap is never buffered whole: the reader reports it and
the parent kills the child.
"""

from __future__ import annotations

import json
import os
from typing import Any

__all__ = ["DEFAULT_MAX_OUTPUT", "LineReader", "OutputTooLarge", "encode", "max_output"]

DEFAULT_MAX_OUTPUT = 8 * 1024 * 1024  # bytes of one response line


def max_output() -> int:
    """The cap on one response, from ``LLMOS_PLUGIN_MAX_OUTPUT`` (bytes), default 8 MiB."""
    raw = os.environ.get("LLMOS_PLUGIN_MAX_OUTPUT", "")
    try:
        value = int(raw) if raw else DEFAULT_MAX_OUTPUT
    except ValueError:
        value = DEFAULT_MAX_OUTPUT
    return max(4096, value)


class OutputTooLarge(Exception):
    """A response line exceeded the cap; what was read of it has been discarded."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"more than {limit} bytes (read {size} before stopping)")
        self.size, self.limit = size, limit


def encode(message: Any) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8") + b"\n"


class LineReader:
    """Read newline-terminated lines from a file descriptor, never holding more than ``limit`` bytes."""

    def __init__(self, fd: int, limit: int, chunk: int = 65536) -> None:
        self.fd, self.limit, self.chunk = fd, limit, chunk
        self._buf = bytearray()

    def readline(self) -> bytes | None:
        """The next line without its newline; None at end of file; raises :class:`OutputTooLarge`."""
        while True:
            nl = self._buf.find(b"\n")
            if nl >= 0:
                line = bytes(self._buf[:nl])
                del self._buf[: nl + 1]
                return line
            if len(self._buf) > self.limit:
                size = len(self._buf)
                self._buf.clear()
                raise OutputTooLarge(size, self.limit)
            data = os.read(self.fd, self.chunk)
            if not data:
                return None
            self._buf.extend(data)
