"""Walking a directory tree inside the workspace without following symlinks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from llmos_shell.policy.boundary import Workspace

__all__ = ["Walked", "rel_to_root", "walk"]


@dataclass(frozen=True)
class Walked:
    """One entry met on a walk: ``path`` is relative to the workspace root."""

    path: str
    name: str
    kind: str  # file, dir, symlink, other
    size: int


def rel_to_root(ws: Workspace, real: str | os.PathLike[str]) -> str:
    """The workspace-relative form of a resolved path (``.`` for the root)."""
    rel = os.path.relpath(os.fspath(real), ws.root)
    return "." if rel in ("", ".") else rel


def walk(ws: Workspace, start: str, *, skip_dirs: frozenset[str], max_files: int) -> Iterator[Walked]:
    """Yield every entry below ``start`` (a workspace-relative directory), depth first, sorted.

    Symlinks are reported as ``symlink`` and never followed; directories named in
    ``skip_dirs`` are reported but not entered. Stops after ``max_files`` files and
    then yields a final entry of kind ``limit``. Directories that cannot be read
    (permissions, a component swapped for a symlink) are skipped.
    """
    files = 0
    for rel, entry in ws.tree(start, enter=lambda name: name not in skip_dirs):
        yield Walked(rel, entry.name, entry.kind, entry.size)
        if entry.kind == "file":
            files += 1
            if files >= max_files:
                yield Walked(rel.rpartition("/")[0] or ".", "", "limit", 0)
                return
