"""The derived vector index: FAISS, inner product on normalized vectors, keyed by SQLite row id.

Two kinds, both wrapped in ``IndexIDMap`` so the row ids live inside the index file (no sidecar
mapping that could drift, cf. mem0 #7117):

* ``flat``: ``IndexFlatIP``, exact; deletions use ``remove_ids``.
* ``hnsw``: ``IndexHNSWFlat`` (approximate), chosen past a size threshold. HNSW cannot remove
  vectors, so a deleted id becomes a tombstone that search filters out, and the index is rebuilt
  (from SQLite) when tombstones pass 10% or on ``compact()``.

faiss and numpy are imported here and nowhere else at module level of this package.
"""

from __future__ import annotations

from typing import Any

import faiss
import numpy as np

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 256


class IndexLoadError(Exception):
    """Internal: faiss could not read an index file (truncated, random bytes, unknown version)."""


def faiss_version() -> str:
    return str(getattr(faiss, "__version__", "unknown"))


class VectorIndex:
    """A FAISS index of (id, vector) pairs plus the set of tombstoned ids (HNSW only)."""

    def __init__(self, kind: str, dim: int, raw: Any) -> None:
        self.kind = kind
        self.dim = dim
        self.raw = raw  # faiss.IndexIDMap
        self.tombstones: set[int] = set()
        self._present: set[int] | None = None  # HNSW only: ids in the graph, to tombstone only those
        if kind == "hnsw":
            self._hnsw().hnsw.efSearch = HNSW_EF_SEARCH

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def empty(cls, kind: str, dim: int) -> VectorIndex:
        inner: Any
        if kind == "flat":
            inner = faiss.IndexFlatIP(dim)
        elif kind == "hnsw":
            inner = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        else:
            raise ValueError(f"unknown index kind {kind!r}")
        raw = faiss.IndexIDMap(inner)
        return cls(kind, dim, raw)

    @classmethod
    def build(cls, kind: str, dim: int, ids: np.ndarray, vectors: np.ndarray) -> VectorIndex:
        index = cls.empty(kind, dim)
        if len(ids):
            index.add(ids, vectors)
        return index

    @classmethod
    def deserialize(cls, data: bytes, kind: str, dim: int) -> VectorIndex:
        """Load from bytes; raises :class:`IndexLoadError` with faiss's reason on any failure."""
        try:
            raw = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except (RuntimeError, ValueError, MemoryError) as exc:
            reason = str(exc).strip().splitlines()
            raise IndexLoadError(reason[-1] if reason else type(exc).__name__) from exc
        if not isinstance(raw, faiss.IndexIDMap):
            raise IndexLoadError(f"unexpected index type {type(raw).__name__}")
        if raw.d != dim:
            raise IndexLoadError(f"index dimension {raw.d} != {dim}")
        inner = faiss.downcast_index(raw.index)
        actual = "hnsw" if isinstance(inner, faiss.IndexHNSW) else "flat"
        if actual != kind or not isinstance(inner, faiss.IndexHNSWFlat | faiss.IndexFlatIP):
            raise IndexLoadError(f"index kind {type(inner).__name__} does not match manifest kind {kind}")
        if inner.metric_type != faiss.METRIC_INNER_PRODUCT:
            raise IndexLoadError("index metric is not inner product")
        return cls(kind, dim, raw)

    def serialize(self) -> bytes:
        return faiss.serialize_index(self.raw).tobytes()

    # -- mutation -----------------------------------------------------------------------------
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        if len(ids):
            self.raw.add_with_ids(vectors, ids)
            as_ints = [int(i) for i in ids]
            self.tombstones.difference_update(as_ints)
            if self._present is not None:
                self._present.update(as_ints)

    def remove(self, ids: list[int]) -> None:
        if not ids:
            return
        if self.kind == "flat":
            self.raw.remove_ids(np.asarray(ids, dtype=np.int64))
        else:
            if self._present is None:
                self._present = set(self.ids().tolist())
            self.tombstones.update(int(i) for i in ids if int(i) in self._present)

    # -- queries ------------------------------------------------------------------------------
    @property
    def ntotal(self) -> int:
        return int(self.raw.ntotal)

    @property
    def live_count(self) -> int:
        return self.ntotal - len(self.tombstones)

    def ids(self) -> np.ndarray:
        """Every id stored in the index (tombstones included), in storage order."""
        return faiss.vector_to_array(self.raw.id_map).astype(np.int64)

    def vector_at(self, position: int) -> np.ndarray:
        return np.asarray(self.raw.index.reconstruct(int(position)), dtype=np.float32)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top ``k`` (id, score) pairs, tombstones removed (so possibly fewer than ``k``)."""
        if self.ntotal == 0 or k <= 0:
            return []
        fetch = min(self.ntotal, k + len(self.tombstones))
        if self.kind == "hnsw":
            self._hnsw().hnsw.efSearch = max(HNSW_EF_SEARCH, fetch)
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        scores, ids = self.raw.search(q, fetch)
        out = []
        for i, s in zip(ids[0].tolist(), scores[0].tolist(), strict=True):
            if i >= 0 and i not in self.tombstones:
                out.append((int(i), float(s)))
        return out[:k]

    def _hnsw(self) -> Any:
        return faiss.downcast_index(self.raw.index)

    def needs_compaction(self) -> bool:
        return self.kind == "hnsw" and len(self.tombstones) > max(100, self.ntotal // 10)


def exact_top_k(query: np.ndarray, ids: np.ndarray, vectors: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Exact top-k by inner product with numpy (used for small namespaces and recall checks)."""
    if len(ids) == 0 or k <= 0:
        return []
    scores = vectors @ np.asarray(query, dtype=np.float32).reshape(-1)
    k = min(k, len(ids))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(ids[i]), float(scores[i])) for i in top]
