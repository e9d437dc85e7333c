"""The document library: ingest files into the memory store, list, remove and search them.

Chunks live in one namespace (``documents`` by default) of an ``llmos_memory`` store. Each chunk's
``source`` is the real absolute path of its file; its metadata holds ``file`` (the path as shown),
``chunk`` (1-based) and ``chunks``, ``sha256`` (of the file), ``chunk_sha256``, ``mtime``,
``mtime_ns``, ``size``, ``kind`` and, for PDFs, ``page``.

- A file whose size and mtime, or whose sha256, match what is stored is skipped (``unchanged``).
- A changed file's old chunks are deleted and its new chunks stored (``updated``).
- Identical chunks inside one file are stored once; identical chunks of different files (copies)
  are each kept, so removing one file never removes another's text, and :meth:`Library.search`
  returns a text only once.
- Files are read through a :class:`~llmos_shell.policy.boundary.Workspace` (race-safe, never
  through a symlink leading outside it) and refused above ``max_file_bytes`` without being read.
"""

from __future__ import annotations

import hashlib
import math
import os
import stat
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from llmos_shell.errors import ToolError
from llmos_shell.policy.boundary import Workspace

from .chunking import chunk_text
from .config import RetrievalConfig
from .extract import Extracted, ExtractError, extract, kind_of

if TYPE_CHECKING:
    from llmos_memory import MemoryStore

__all__ = ["CHARS_PER_PAGE", "FileEntry", "IngestEvent", "IngestReport", "Library", "Passage", "display_path"]

#: A "page" of non-PDF text for throughput figures (PDF pages are counted as they are).
CHARS_PER_PAGE = 3000
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache",
                       ".pytest_cache", ".ruff_cache", "dist", "build", ".llmos"})  # fmt: skip
Progress = Callable[["IngestEvent"], None]


def display_path(real: str | os.PathLike[str]) -> str:
    """How a stored file is shown and cited: relative to the current directory when inside it,
    ``~/...`` when inside the home directory, else absolute."""
    real = os.fspath(real)
    cwd = os.getcwd()
    if real == cwd or real.startswith(cwd.rstrip("/") + "/"):
        return os.path.relpath(real, cwd)
    home = os.path.expanduser("~")
    if home not in ("", "/") and real.startswith(home.rstrip("/") + "/"):
        return "~/" + os.path.relpath(real, home)
    return real


@dataclass
class FileEntry:
    """One ingested file as the store knows it."""

    source: str
    file: str
    sha256: str
    size: int
    mtime: float
    mtime_ns: int
    kind: str
    chunks: int  # as recorded at ingest
    stored: int = 0  # chunks actually found in the store
    pages: int | None = None
    ingested_at: float = 0.0
    ids: list[int] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.stored == self.chunks

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("ids")
        return out


@dataclass
class IngestEvent:
    """Progress of one file: ``status`` is ``reading`` (started), then ``indexed``, ``updated``,
    ``unchanged``, ``skipped`` or ``failed``."""

    index: int
    total: int
    file: str
    status: str
    chunks: int = 0
    bytes: int = 0
    chars: int = 0
    pages: int = 0
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestReport:
    """What one ingest did, file by file, with totals and timing."""

    path: str
    rows: list[IngestEvent] = field(default_factory=list)
    seconds: float = 0.0
    store_seconds: float = 0.0  # embedding + storing (inside the memory store)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def chunks(self) -> int:
        return sum(r.chunks for r in self.rows if r.status in ("indexed", "updated"))

    @property
    def bytes(self) -> int:
        return sum(r.bytes for r in self.rows if r.status in ("indexed", "updated"))

    @property
    def pages(self) -> int:
        return sum(r.pages for r in self.rows if r.status in ("indexed", "updated"))

    def summary(self) -> str:
        parts = [
            f"{self.count(s)} {s}" for s in ("indexed", "updated", "unchanged", "skipped", "failed") if self.count(s)
        ]
        return (
            f"{self.path}: {', '.join(parts) or 'no documents found'}; {self.chunks} chunks stored "
            f"in {self.seconds:.1f} s"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "files": [r.as_dict() for r in self.rows],
            "chunks": self.chunks,
            "bytes": self.bytes,
            "pages": self.pages,
            "seconds": round(self.seconds, 3),
            "store_seconds": round(self.store_seconds, 3),
            **{s: self.count(s) for s in ("indexed", "updated", "unchanged", "skipped", "failed")},
        }


@dataclass(frozen=True)
class Passage:
    """One retrieved chunk."""

    id: int
    file: str
    chunk: int
    text: str
    score: float
    source: str
    page: int | None = None

    @property
    def citation(self) -> str:
        return f"{self.file}:{self.chunk}"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "citation": self.citation}


def _page_count(extracted: Extracted) -> int:
    if extracted.kind == "pdf":
        return extracted.pages
    return max(1, math.ceil(len(extracted.text) / CHARS_PER_PAGE))


class Library:
    """Documents in a memory store. ``store`` returns the (lazily opened) store to use."""

    def __init__(self, store: Callable[[], MemoryStore], config: RetrievalConfig | None = None) -> None:
        self._store = store
        self.config = config or RetrievalConfig()

    @property
    def store(self) -> MemoryStore:
        return self._store()

    # -- catalog -----------------------------------------------------------------------
    def catalog(self) -> dict[str, FileEntry]:
        """Every ingested file, keyed by its real absolute path."""
        out: dict[str, FileEntry] = {}
        ns = self.config.namespace
        offset, page = 0, 1000
        while True:
            batch = self.store.list(namespace=ns, limit=page, offset=offset)
            for memory in batch:
                meta = memory.metadata or {}
                source = memory.source or str(meta.get("file", ""))
                entry = out.get(source)
                if entry is None:
                    entry = out[source] = FileEntry(
                        source=source,
                        file=str(meta.get("file", source)),
                        sha256=str(meta.get("sha256", "")),
                        size=int(meta.get("size", 0)),
                        mtime=float(meta.get("mtime", 0.0)),
                        mtime_ns=int(meta.get("mtime_ns", 0)),
                        kind=str(meta.get("kind", "")),
                        chunks=int(meta.get("chunks", 0)),
                        pages=meta.get("pages"),
                        ingested_at=memory.created_at,
                    )
                elif str(meta.get("sha256", "")) != entry.sha256:
                    entry.chunks = -1  # two versions mixed (an interrupted update): never "complete"
                entry.stored += 1
                entry.ids.append(memory.id)
            if len(batch) < page:
                return out
            offset += page

    # -- ingest ------------------------------------------------------------------------
    def ingest(self, path: str, *, workspace: Workspace, progress: Progress | None = None) -> IngestReport:
        """Ingest a file, or every supported document below a folder, read through ``workspace``."""
        started = time.perf_counter()
        real = workspace.resolve(path)
        try:
            st = os.lstat(real)
        except FileNotFoundError:
            raise ToolError(f"no such file or folder: {path}") from None
        rel = os.path.relpath(real, workspace.root)
        report = IngestReport(path=display_path(real))
        if stat.S_ISDIR(st.st_mode):
            files, limited = self._documents(workspace, "." if rel == "." else rel)
            if limited:
                why = f"stopped after {self.config.max_files} files (max_files)"
                report.rows.append(IngestEvent(0, 0, report.path, "skipped", reason=why))
        elif stat.S_ISREG(st.st_mode):
            files = [rel]
        else:
            raise ToolError(f"{path} is not a regular file or folder")
        catalog = self.catalog()
        for index, file_rel in enumerate(files, 1):
            event = IngestEvent(index, len(files), display_path(workspace.root / file_rel), "reading")
            if progress is not None:
                progress(replace(event))
            self._ingest_file(workspace, file_rel, catalog, event, report, explicit=len(files) == 1)
            report.rows.append(event)
            if progress is not None:
                progress(event)
        report.seconds = time.perf_counter() - started
        return report

    def _documents(self, ws: Workspace, start: str) -> tuple[list[str], bool]:
        out: list[str] = []
        for rel, entry in ws.tree(start, enter=lambda name: name not in SKIP_DIRS and not name.startswith(".")):
            if entry.kind == "file" and kind_of(entry.name) is not None and not entry.name.startswith("."):
                out.append(rel)
                if len(out) >= self.config.max_files:
                    return sorted(out), True
        return sorted(out), False

    def _ingest_file(
        self,
        ws: Workspace,
        rel: str,
        catalog: dict[str, FileEntry],
        event: IngestEvent,
        report: IngestReport,
        *,
        explicit: bool,
    ) -> None:
        cfg = self.config
        source = str(ws.root / rel)
        try:
            st = os.lstat(source)
        except OSError as exc:
            event.status, event.reason = "failed", f"cannot read: {exc.strerror or exc}"
            return
        if not stat.S_ISREG(st.st_mode):
            event.status, event.reason = "skipped", "not a regular file"
            return
        if st.st_size > cfg.max_file_bytes:
            event.status = "skipped"
            event.reason = f"{st.st_size:,} bytes is over the limit of {cfg.max_file_bytes:,} (max_file_bytes)"
            return
        old = catalog.get(source)
        if old is not None and old.complete and old.size == st.st_size and old.mtime_ns == st.st_mtime_ns:
            event.status, event.chunks = "unchanged", 0
            return
        try:
            data, cut = ws.read_bytes(rel, max_bytes=cfg.max_file_bytes)
        except ToolError as exc:
            event.status, event.reason = "failed", str(exc)
            return
        if cut:
            event.status, event.reason = "skipped", f"grew over the limit of {cfg.max_file_bytes:,} bytes while read"
            return
        sha = hashlib.sha256(data).hexdigest()
        if old is not None and old.complete and old.sha256 == sha:
            event.status = "unchanged"
            return
        kind = kind_of(rel) if not explicit else (kind_of(rel) or "text")
        try:
            extracted = extract(rel, data, kind=kind)
        except ExtractError as exc:
            event.status, event.reason = "failed", str(exc)
            return
        chunks = chunk_text(extracted.text, cfg.chunk_chars, cfg.overlap_chars)
        seen: set[str] = set()
        unique = []
        for chunk in chunks:
            digest = hashlib.sha256(" ".join(chunk.text.split()).encode()).hexdigest()
            if digest not in seen:
                seen.add(digest)
                unique.append((chunk, digest))
        if not unique:
            event.status, event.reason = "skipped", "no text in it"
            return
        if len(unique) > cfg.max_chunks_per_file:
            event.status = "failed"
            event.reason = f"{len(unique)} chunks is over the limit of {cfg.max_chunks_per_file} (max_chunks_per_file)"
            return
        shown = display_path(source)
        base = {
            "file": shown,
            "chunks": len(unique),
            "sha256": sha,
            "mtime": st.st_mtime,
            "mtime_ns": st.st_mtime_ns,
            "size": st.st_size,
            "kind": extracted.kind,
        }
        if extracted.kind == "pdf":
            base["pages"] = extracted.pages
        if extracted.title:
            base["title"] = extracted.title[:200]
        items = []
        for number, (chunk, digest) in enumerate(unique, 1):
            meta = {**base, "chunk": number, "chunk_sha256": digest}
            page = extracted.page_at(chunk.start)
            if page is not None:
                meta["page"] = page
            items.append({"text": chunk.text, "namespace": cfg.namespace, "metadata": meta,
                          "provenance": "file", "source": source})  # fmt: skip
        store = self.store
        t0 = time.perf_counter()
        if old is not None:
            store.forget_where(namespace=cfg.namespace, source=source)
        try:
            for start in range(0, len(items), cfg.batch_chunks):
                store.add_many(items[start : start + cfg.batch_chunks])
        except BaseException:
            # Never leave half a file behind: the next ingest would take it for complete.
            store.forget_where(namespace=cfg.namespace, source=source)
            raise
        finally:
            report.store_seconds += time.perf_counter() - t0
        event.status = "updated" if old is not None else "indexed"
        event.chunks = len(items)
        event.bytes = len(data)
        event.chars = len(extracted.text)
        event.pages = _page_count(extracted)

    # -- remove ------------------------------------------------------------------------
    def remove(self, path: str) -> list[FileEntry]:
        """Forget a file, or every file below a folder; ``path`` may be the shown name. Returns what went."""
        catalog = self.catalog()
        wanted = os.path.realpath(os.path.expanduser(path))
        prefix = wanted.rstrip("/") + "/"
        shown_prefix = path.rstrip("/") + "/"
        gone = [
            e
            for e in catalog.values()
            if e.source == wanted or e.source.startswith(prefix) or e.file == path or e.file.startswith(shown_prefix)
        ]
        for entry in gone:
            self.store.forget_where(namespace=self.config.namespace, source=entry.source)
        return gone

    # -- search ------------------------------------------------------------------------
    def search(self, question: str, k: int | None = None) -> list[Passage]:
        """The ``k`` best passages for ``question``; a text stored for several files appears once."""
        k = k or self.config.top_k
        hits = self.store.search(question, k=k * 3, namespace=self.config.namespace)
        out: list[Passage] = []
        seen: set[str] = set()
        for hit in hits:
            meta = hit.metadata or {}
            digest = str(meta.get("chunk_sha256") or hashlib.sha256(hit.text.encode()).hexdigest())
            if digest in seen:
                continue
            seen.add(digest)
            out.append(
                Passage(
                    id=hit.id,
                    file=str(meta.get("file", hit.source or "?")),
                    chunk=int(meta.get("chunk", 0)),
                    text=hit.text,
                    score=float(hit.score),
                    source=hit.source or "",
                    page=meta.get("page"),
                )
            )
            if len(out) >= k:
                break
        return out
