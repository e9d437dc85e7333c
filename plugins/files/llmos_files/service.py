"""What the files tools do. :mod:`llmos_files.plugin` only wires these to the hooks.

Every path goes through the session's :class:`~llmos_shell.policy.boundary.Workspace`
(``current_workspace()`` at call time): ``~`` is expanded, ``..`` and symlinks are
resolved with realpath and must stay inside the workspace root; contents are read
and written with the boundary's race-safe ``read_bytes`` / ``write_bytes``.
"""

from __future__ import annotations

import difflib
import os
import stat
import time
from collections.abc import Callable
from typing import Any

from llmos_shell.errors import ToolError
from llmos_shell.policy.boundary import BoundaryError, Workspace, current_workspace
from llmos_shell.tools import ToolResult

from .config import FilesConfig
from .content import SNIFF, binary_hint, decode_text, known_binary, looks_binary
from .patterns import matches, normalise_pattern
from .table import format_table, human_size
from .walk import rel_to_root, walk

__all__ = ["Files"]

_BINARY_EXT = frozenset(
    "png jpg jpeg gif bmp tif tiff webp ico heic pdf wav mp3 flac ogg m4a opus mp4 mkv mov avi webm zip gz tgz "
    "bz2 xz 7z tar whl jar so dll dylib exe bin o a pyc class gguf faiss db sqlite npy npz pkl pt onnx".split()
)
MAX_DIFF_LINES = 400
MAX_LINE_SHOWN = 200


def _mtime(ts: float | None) -> str:
    return "" if ts is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def _lstat(path: str | os.PathLike[str]) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


class Files:
    """The files tools over a workspace (``workspace`` returns the one to use at call time)."""

    def __init__(self, config: FilesConfig | None = None, workspace: Callable[[], Workspace] = current_workspace):
        self.config = config or FilesConfig()
        self._workspace = workspace

    # -- helpers -----------------------------------------------------------
    def _dir(self, ws: Workspace, directory: str) -> tuple[str, os.stat_result]:
        real = ws.resolve(directory or ".")
        st = _lstat(real)
        if st is None:
            raise ToolError(f"no such directory: {directory}")
        return rel_to_root(ws, real), st

    def _row(self, ws: Workspace, rel: str, kind: str, size: int) -> dict[str, Any]:
        st = _lstat(ws.root / rel)
        row: dict[str, Any] = {
            "path": rel,
            "kind": kind,
            "size": size if kind == "file" else None,
            "modified": _mtime(st.st_mtime if st else None),
        }
        if kind == "symlink":
            target = os.path.realpath(ws.root / rel)
            row["target"] = rel_to_root(ws, target) if ws.contains(target) else "(outside the workspace)"
        return row

    # -- tools -------------------------------------------------------------
    def list(self, path: str = ".") -> ToolResult:
        ws = self._workspace()
        rel, st = self._dir(ws, path)
        if stat.S_ISDIR(st.st_mode):
            entries = ws.listdir(rel)
            entries.sort(key=lambda e: (e.kind != "dir", e.name.lower()))
            total = len(entries)
            rows = []
            for e in entries[: self.config.list_max_entries]:
                row = self._row(ws, e.name if rel == "." else f"{rel}/{e.name}", e.kind, e.size)
                rows.append({"name": e.name + ("/" if e.kind == "dir" else ""), **row})
        else:
            kind = "file" if stat.S_ISREG(st.st_mode) else "other"
            rows = [{"name": os.path.basename(rel), **self._row(ws, rel, kind, st.st_size)}]
            total = 1
        shown = [
            {**r, "size": human_size(r["size"]), "name": r["name"] + (f" -> {r['target']}" if "target" in r else "")}
            for r in rows
        ]
        header = f"{rel}: {total} entr{'y' if total == 1 else 'ies'}"
        if total > len(rows):
            header += f" (showing the first {len(rows)}; list a subfolder to see more)"
        table = format_table(shown, ["name", "kind", "size", "modified"], right=["size"]) if rows else "(empty)"
        return ToolResult(
            content=f"{header}\n{table}",
            provenance="file",
            source=rel,
            data=rows,
            truncated=total > len(rows),
        )

    def find(self, pattern: str, directory: str = ".") -> ToolResult:
        ws = self._workspace()
        rel, st = self._dir(ws, directory)
        if not stat.S_ISDIR(st.st_mode):
            raise ToolError(f"not a directory: {directory}; give the folder to search in")
        globs = normalise_pattern(pattern)
        cfg = self.config
        rows: list[dict[str, Any]] = []
        limited = False
        for item in walk(ws, rel, skip_dirs=frozenset(cfg.skip_dirs), max_files=cfg.walk_max_files):
            if item.kind == "limit":
                limited = True
                break
            inner = item.path if rel == "." else item.path[len(rel) + 1 :]
            if matches(globs, item.name, inner):
                if len(rows) >= cfg.find_max_results:
                    limited = True
                    break
                rows.append(self._row(ws, item.path, item.kind, item.size))
        rows.sort(key=lambda r: r["path"].lower())
        where = "the workspace" if rel == "." else rel
        header = f"{len(rows)} match{'es' if len(rows) != 1 else ''} for {' or '.join(globs)} in {where}"
        if limited:
            header += " (stopped early: narrow the pattern or the folder to see everything)"
        shown = [{**r, "size": human_size(r["size"])} for r in rows]
        table = format_table(shown, ["path", "kind", "size", "modified"], right=["size"]) if rows else ""
        return ToolResult(
            content=header + ("\n" + table if table else ""),
            provenance="file",
            source=rel,
            data=rows,
            truncated=limited,
        )

    def search(self, text: str, directory: str = ".") -> ToolResult:
        if not text.strip():
            raise ToolError("give the text to search for")
        ws = self._workspace()
        rel, st = self._dir(ws, directory)
        cfg = self.config
        needle = text.casefold()
        if stat.S_ISREG(st.st_mode):
            candidates = [(rel, os.path.basename(rel), st.st_size)]
            limited = False
        elif stat.S_ISDIR(st.st_mode):
            candidates, limited = [], False
            for item in walk(ws, rel, skip_dirs=frozenset(cfg.skip_dirs), max_files=cfg.walk_max_files):
                if item.kind == "limit":
                    limited = True
                elif item.kind == "file":
                    candidates.append((item.path, item.name, item.size))
        else:
            raise ToolError(f"not a file or directory: {directory}")
        rows: list[dict[str, Any]] = []
        files_hit: set[str] = set()
        searched = skipped_binary = 0
        for path, name, _size in sorted(candidates):
            if len(rows) >= cfg.search_max_matches:
                limited = True
                break
            if name.rsplit(".", 1)[-1].lower() in _BINARY_EXT and "." in name:
                skipped_binary += 1
                continue
            try:
                data, _cut = ws.read_bytes(path, max_bytes=cfg.search_max_file_bytes)
            except (ToolError, OSError):
                continue
            if known_binary(name, data[:64]) or looks_binary(data[:SNIFF]):
                skipped_binary += 1
                continue
            searched += 1
            for number, line in enumerate(decode_text(data, truncated=_cut).splitlines(), 1):
                if needle in line.casefold():
                    rows.append({"path": path, "line": number, "text": _excerpt(line, needle)})
                    files_hit.add(path)
                    if len(rows) >= cfg.search_max_matches:
                        limited = True
                        break
        where = "the workspace" if rel == "." else rel
        header = (
            f"{_count(len(rows), 'line')} in {_count(len(files_hit), 'file')} contain {text!r}"
            f" ({searched} text files searched in {where}"
            + (f", {skipped_binary} binary skipped" if skipped_binary else "")
            + ")"
        )
        if limited:
            header += f"; stopped at {len(rows)} matches: narrow the search to see more"
        table = format_table(rows, ["path", "line", "text"], right=["line"]) if rows else ""
        return ToolResult(
            content=header + ("\n" + table if table else ""),
            provenance="file",
            source=rel,
            data=rows,
            truncated=limited,
        )

    def read(self, path: str, start_line: int = 1) -> ToolResult:
        if start_line < 1:
            raise ToolError("start_line counts from 1")
        ws = self._workspace()
        real = ws.resolve(path)
        st = _lstat(real)
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise ToolError(f"{path} is a directory: use files.list to see what is in it")
        cfg = self.config
        limit = cfg.read_window_bytes if start_line == 1 else cfg.read_scan_bytes
        try:
            data, cut = ws.read_bytes(path, max_bytes=limit)
        except BoundaryError as exc:
            if exc.kind == "missing":
                raise ToolError(f"no such file: {path}; use files.find to look for it") from None
            raise
        rel = rel_to_root(ws, real)
        if known_binary(rel, data[:64]) or looks_binary(data[:SNIFF]):
            raise ToolError(f"{rel} is not a text file: {binary_hint(rel, data[:64])}")
        size = st.st_size if st is not None else len(data)
        lines = decode_text(data, truncated=cut).splitlines(keepends=True)
        if cut and len(lines) > 1 and not lines[-1].endswith(("\n", "\r")):
            lines.pop()  # a line cut by the byte window is shown whole in the next window
        if start_line > max(len(lines), 1):
            if cut:
                raise ToolError(
                    f"line {start_line} of {rel} lies beyond the first {human_size(limit)} files.read may scan; "
                    "use files.search to find the part you need"
                )
            raise ToolError(f"{rel} has only {len(lines)} lines")
        window: list[str] = []
        used = 0
        for line in lines[start_line - 1 :]:
            if len(window) >= cfg.read_window_lines or (window and used + len(line) > cfg.read_window_bytes):
                break
            window.append(line)
            used += len(line)
        end_line = start_line + len(window) - 1
        more = cut or end_line < len(lines)
        body = "".join(window)
        if len(body) > cfg.read_window_bytes:  # one enormous line
            body = body[: cfg.read_window_bytes]
            more = True
        content = body
        if more:
            content = body.rstrip("\n") + (
                f"\n\n[truncated: showing lines {start_line}-{end_line} of {rel} ({human_size(size)} in all); "
                f"call files.read with start_line={end_line + 1} for the next part]"
            )
        return ToolResult(
            content=content,
            provenance="file",
            source=rel,
            data={
                "path": rel,
                "size": size,
                "start_line": start_line,
                "end_line": end_line,
                "truncated": more,
                "next_start_line": end_line + 1 if more else None,
            },
            truncated=more,
        )

    def write(self, path: str, content: str) -> ToolResult:
        cfg = self.config
        new = content.encode("utf-8")
        if len(new) > cfg.write_max_bytes:
            raise ToolError(
                f"content is {human_size(len(new))}; files.write accepts at most {human_size(cfg.write_max_bytes)}"
            )
        ws = self._workspace()
        real = ws.resolve(path, for_write=True)
        rel = rel_to_root(ws, real)
        st = _lstat(real)
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise ToolError(f"{rel} is a directory; give a file name")
        old: bytes | None = None
        old_cut = False
        if st is not None:
            old, old_cut = ws.read_bytes(rel, max_bytes=cfg.write_max_bytes)
            if old == new and not old_cut:
                return ToolResult(
                    content=f"{rel} unchanged: it already has this content",
                    source=rel,
                    data={"path": rel, "action": "unchanged", "bytes": len(new)},
                )
        ws.write_bytes(rel, new)
        if old is None:
            lines = content.count("\n") + (0 if content.endswith("\n") or not content else 1)
            return ToolResult(
                content=f"Created {rel} ({human_size(len(new))}, {lines} line{'s' if lines != 1 else ''})",
                source=rel,
                data={"path": rel, "action": "created", "bytes": len(new), "lines": lines},
            )
        if old_cut or known_binary(rel, old[:64]) or looks_binary(old[:SNIFF]):
            return ToolResult(
                content=f"Replaced {rel} ({human_size(len(new))}); the old content was binary or too large to diff",
                source=rel,
                data={"path": rel, "action": "replaced", "bytes": len(new), "diff": None},
            )
        diff = list(
            difflib.unified_diff(
                decode_text(old).splitlines(keepends=True),
                content.splitlines(keepends=True),
                fromfile=f"a/{rel}",
                tofile=f"b/{rel}",
            )
        )
        added = sum(1 for d in diff if d.startswith("+") and not d.startswith("+++"))
        removed = sum(1 for d in diff if d.startswith("-") and not d.startswith("---"))
        shown = [d if d.endswith("\n") else d + "\n\\ No newline at end of file\n" for d in diff[:MAX_DIFF_LINES]]
        text = "".join(shown)
        if len(diff) > MAX_DIFF_LINES:
            text += f"[diff truncated: {len(diff) - MAX_DIFF_LINES} more lines]\n"
        return ToolResult(
            content=f"Replaced {rel} (+{added} -{removed} lines)\n{text}".rstrip("\n"),
            provenance="file",  # the diff quotes the old content
            source=rel,
            data={
                "path": rel,
                "action": "replaced",
                "bytes": len(new),
                "added": added,
                "removed": removed,
                "diff": "".join(diff),
            },
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _excerpt(line: str, needle: str) -> str:
    line = line.strip()
    if len(line) <= MAX_LINE_SHOWN:
        return line
    at = max(0, line.casefold().find(needle) - MAX_LINE_SHOWN // 3)
    piece = line[at : at + MAX_LINE_SHOWN]
    return ("…" if at else "") + piece + ("…" if at + MAX_LINE_SHOWN < len(line) else "")
