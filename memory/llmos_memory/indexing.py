"""The index lifecycle of a store: load and check the on-disk index, reconcile it with SQLite,
rebuild, save, and catch up with changes committed by other processes.

A mixin of :class:`~llmos_memory.store.MemoryStore` (kept apart so each module stays readable):
everything here runs with the store's mutex held.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import db as dbm
from .embedders import Embedder
from .errors import StoreCorrupt, StoreError
from .lock import FileLock

if TYPE_CHECKING:
    import numpy as np

    from .index import VectorIndex
    from .manifest import Manifest

SAMPLE_CHECK = 64  # vectors compared between index and SQLite on every load


def _blobs_to_array(blobs: list[bytes], dim: int) -> np.ndarray:
    import numpy as np

    if not blobs:
        return np.zeros((0, dim), dtype=np.float32)
    arr = np.frombuffer(b"".join(blobs), dtype="<f4")
    if arr.size != len(blobs) * dim:
        raise StoreCorrupt("a stored vector has the wrong length; run `llmos memory reindex` to re-embed every memory")
    return arr.reshape(len(blobs), dim).astype(np.float32)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class IndexLifecycle:
    """State and methods shared with MemoryStore for keeping the index true to SQLite."""

    path: Path
    notices: list[str]
    read_only: bool
    hnsw_threshold: int
    _embedder: Embedder | None
    _conn: sqlite3.Connection | None
    _flock: FileLock | None
    _mutex: threading.RLock
    _index: VectorIndex | None
    _applied_seq: int
    _saved_seq: int
    _generation: int
    _model_id: str
    _dim: int
    _mismatch: str | None
    _corrupt: str | None

    def _notice(self, message: str) -> None:
        if not self.notices or self.notices[-1] != message:
            self.notices.append(message)

    def _check_model(self) -> None:
        assert self._embedder is not None
        emb_id, emb_dim = self._embedder.model_id, int(self._embedder.dim)
        if emb_id != self._model_id or emb_dim != self._dim:
            self._mismatch = (
                f"memory store {self.path} holds vectors of {self._model_id} ({self._dim}-d) but the configured "
                f"embedder is {emb_id} ({emb_dim}-d); run `llmos memory reindex` to re-embed every memory with "
                f"the new model, or configure the old one again"
            )
            if self._mismatch not in self.notices:
                self.notices.append(self._mismatch)
        else:
            self._mismatch = None

    @contextlib.contextmanager
    def _shared(self) -> Iterator[None]:
        """Hold the flock so no writer commits while the on-disk index is read (and maybe rebuilt).

        Exclusive for a writable store (a rebuild saves the index), shared for a read-only one.
        """
        assert self._flock is not None
        held = self._flock.acquire(shared=self.read_only)
        try:
            yield
        finally:
            if held:
                self._flock.release()

    def _load_index(self) -> None:
        """Load the on-disk index, or rebuild it from SQLite; reconcile with SQLite either way."""
        from .persist import IndexUntrusted, load_index, quarantine, remove_orphans

        assert self._conn is not None
        with self._shared():
            meta = dbm.get_meta(self._conn)
            self._generation = int(meta.get("generation", "1"))
            try:
                index, manifest = load_index(
                    self.path, model_id=self._model_id, dim=self._dim, generation=self._generation
                )
            except IndexUntrusted as exc:
                message = exc.reason
                if exc.damaged and not self.read_only:
                    moved = quarantine(self.path, exc.damaged, "corrupt")
                    if moved:
                        message += f"; moved to {moved}"
                if not self._store_is_empty() or exc.damaged or "missing" not in exc.reason:
                    self._rebuild(message)
                else:
                    self._rebuild(None)
                return
            with dbm.transaction(self._conn, immediate=False):
                problem = self._reconcile(index, manifest)
            if problem:
                self._rebuild(f"index disagreed with SQLite ({problem})")
                return
            self._index = index
            self._saved_seq = manifest.max_seq
            if not self.read_only:
                remove_orphans(self.path, keep=manifest.index_file)
                if self._applied_seq > manifest.max_seq:
                    replayed = self._applied_seq - manifest.max_seq
                    self.notices.append(
                        f"replayed {replayed} change(s) committed after the last index save (seq "
                        f"{manifest.max_seq} -> {self._applied_seq})"
                    )
                    self._save(raise_errors=False)

    def _store_is_empty(self) -> bool:
        assert self._conn is not None
        return self._conn.execute("SELECT count(*) FROM memories").fetchone()[0] == 0

    def _reconcile(self, index: VectorIndex, manifest: Manifest) -> str | None:
        """Bring a checksum-valid index to the SQLite snapshot; returns a problem or None.

        Inside a read transaction. Legitimate differences: rows with seq above the watermark
        (added later) and logged deletions (deleted later / HNSW tombstones). Anything else means
        the index does not belong to this database, and it is rebuilt.
        """
        import numpy as np

        assert self._conn is not None
        conn = self._conn
        seq = int(dbm.get_meta(conn)["seq"])
        if manifest.max_seq > seq:
            return f"index watermark {manifest.max_seq} is ahead of the database ({seq})"
        sql_ids = np.fromiter((r[0] for r in conn.execute("SELECT id FROM memories")), dtype=np.int64)
        idx_ids = index.ids()
        if len(np.unique(idx_ids)) != len(idx_ids):
            return "duplicate ids in the index"
        only_idx = np.setdiff1d(idx_ids, sql_ids).tolist()
        only_sql = np.setdiff1d(sql_ids, idx_ids).tolist()
        if only_idx:
            logged: set[int] = set()
            for chunk in _chunks(only_idx, 500):
                marks = ",".join("?" * len(chunk))
                logged.update(r[0] for r in conn.execute(f"SELECT id FROM deletions WHERE id IN ({marks})", chunk))
            unexplained = len(only_idx) - len(logged)
            if unexplained:
                return f"{len(sql_ids)} rows vs {len(idx_ids)} vectors; {unexplained} vector(s) have no row"
        if only_sql:
            old = 0
            for chunk in _chunks(only_sql, 500):
                marks = ",".join("?" * len(chunk))
                old += conn.execute(
                    f"SELECT count(*) FROM memories WHERE seq <= ? AND id IN ({marks})", [manifest.max_seq, *chunk]
                ).fetchone()[0]
            if old:
                return f"{len(sql_ids)} rows vs {len(idx_ids)} vectors; {old} row(s) missing from the index"
        problem = self._sample_check(index, idx_ids)
        if problem:
            return problem
        index.remove(only_idx)
        if only_sql:
            ids, vecs = self._read_vectors("WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(only_sql)])
            index.add(ids, vecs)
        self._applied_seq = seq
        return None

    def _sample_check(self, index: VectorIndex, idx_ids: np.ndarray) -> str | None:
        """Compare some index vectors with the SQLite vectors of the same ids."""
        import numpy as np

        if len(idx_ids) == 0:
            return None
        rng = np.random.default_rng()
        positions = rng.choice(len(idx_ids), size=min(SAMPLE_CHECK, len(idx_ids)), replace=False)
        wanted = {int(idx_ids[p]): int(p) for p in positions}
        ids, vecs = self._read_vectors("WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(list(wanted))])
        for mid, vec in zip(ids.tolist(), vecs, strict=True):
            if not np.allclose(index.vector_at(wanted[mid]), vec, atol=1e-5):
                return f"the index vector of memory {mid} differs from the stored one"
        return None

    def _read_vectors(self, where: str = "", params: Iterable[Any] = ()) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        assert self._conn is not None
        ids: list[int] = []
        blobs: list[bytes] = []
        for mid, blob in self._conn.execute(f"SELECT id, vector FROM memories {where} ORDER BY id", list(params)):
            ids.append(mid)
            blobs.append(blob)
        return np.asarray(ids, dtype=np.int64), _blobs_to_array(blobs, self._dim)

    def _choose_kind(self, count: int) -> str:
        return "hnsw" if count >= self.hnsw_threshold else "flat"

    def _rebuild(self, reason: str | None) -> None:
        """Rebuild the in-memory index from SQLite (a consistent snapshot) and save it if we can."""
        from .index import VectorIndex

        assert self._conn is not None
        with dbm.transaction(self._conn, immediate=False):
            seq = int(dbm.get_meta(self._conn)["seq"])
            ids, vecs = self._read_vectors()
        self._index = VectorIndex.build(self._choose_kind(len(ids)), self._dim, ids, vecs)
        self._applied_seq = seq
        self._saved_seq = -1
        saved = False
        if not self.read_only:
            saved = self._save(raise_errors=False)
        if reason:
            where = "rebuilt from SQLite" if saved or not self.read_only else "rebuilt in memory (read-only store)"
            self.notices.append(f"{reason}; {where}")

    def _save(self, raise_errors: bool = True) -> bool:
        """Persist the index (writer lock held by the caller or taken here)."""
        from .persist import save_index

        if self._index is None or self.read_only:
            return False
        assert self._flock is not None
        self._flock.acquire()
        try:
            manifest = save_index(
                self.path, self._index, model_id=self._model_id, generation=self._generation, max_seq=self._applied_seq
            )
        except OSError as exc:
            message = (
                f"could not save the memory index ({exc.strerror or exc}); the previous index is intact and "
                f"every memory is safe in SQLite; free disk space, then run `llmos memory verify`"
            )
            if raise_errors:
                raise StoreError(message) from exc
            self._notice(message)
            return False
        finally:
            self._flock.release()
        self._saved_seq = manifest.max_seq
        return True

    def _sync(self) -> None:
        """Make the in-memory index current with the latest committed state (mutex held)."""
        if self._corrupt is not None and self._index is None:
            raise StoreCorrupt(self._corrupt)
        assert self._conn is not None
        generation = int(dbm.get_meta(self._conn).get("generation", "1"))
        if self._index is None or generation != self._generation:
            self._refresh_model()
            self._load_index()

    def _refresh_model(self) -> None:
        assert self._conn is not None
        meta = dbm.get_meta(self._conn)
        if "model_id" in meta:
            self._model_id, self._dim = meta["model_id"], int(meta["dim"])
        self._check_model()

    def _catch_up(self) -> bool:
        """Inside a transaction: apply rows/deletions above the applied watermark.

        Returns False when the store generation changed under us (caller must resync).
        """
        assert self._conn is not None and self._index is not None
        meta = dbm.get_meta(self._conn)
        if int(meta.get("generation", "1")) != self._generation:
            return False
        seq = int(meta["seq"])
        if seq > self._applied_seq:
            ids, vecs = self._read_vectors("WHERE seq > ?", [self._applied_seq])
            self._index.add(ids, vecs)
            gone = [r[0] for r in self._conn.execute("SELECT id FROM deletions WHERE seq > ?", (self._applied_seq,))]
            self._index.remove(gone)
            self._applied_seq = seq
        return True

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction with the index brought up to its snapshot (mutex held)."""
        assert self._conn is not None
        for _ in range(5):
            self._sync()
            with dbm.transaction(self._conn, immediate=False) as conn:
                if self._catch_up():
                    yield conn
                    return
            self._index = None
        raise StoreError("the memory store kept changing generation while reading; retry")
