"""Turning a path argument into a regular file the plugin may read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from llmos_shell.errors import ToolError

__all__ = ["input_file"]


def input_file(path: str, *, what: str = "file", max_bytes: int | None = None) -> Path:
    """Resolve ``path`` inside the session's workspace and insist on a regular, readable file.

    The workspace boundary (``llmos_shell.policy.boundary``) resolves relative paths
    against the workspace root (default: the working directory), follows symlinks with
    realpath and refuses anything outside it or on the mandatory deny list.
    Raises :class:`ToolError` (``BoundaryError`` is one) with a message the model can act on.
    """
    from llmos_shell.policy.boundary import current_workspace

    if not path or "\x00" in path:
        raise ToolError(f"invalid {what} path {path!r}")
    p = current_workspace().resolve(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise ToolError(f"no such {what}: {path}") from None
    except OSError as exc:
        raise ToolError(f"cannot access {what} {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ToolError(f"{path} is not a regular file; only regular {what}s can be read")
    if max_bytes is not None and st.st_size > max_bytes:
        raise ToolError(f"{path} is {st.st_size:,} bytes; the limit is {max_bytes:,} (max_bytes)")
    if not os.access(p, os.R_OK):
        raise ToolError(f"permission denied: {path}")
    return p
