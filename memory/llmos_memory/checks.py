"""``verify()`` and ``measure_recall()``: read-only checks of a store."""

from __future__ import annotations

import hashlib
import stat
from typing import TYPE_CHECKING

import numpy as np

from . import db as dbm
from .index import VectorIndex
from .manifest import ManifestInvalid, read_manifest
from .persist import QUARANTINE_DIR, index_files
from .records import VerifyReport

if TYPE_CHECKING:
    from .manifest import Manifest
    from .store import MemoryStore


def verify_store(store: MemoryStore, full: bool = True) -> VerifyReport:
    """Run every check; never modifies the store. Caller holds the store mutex."""
    report = VerifyReport()
    conn = store._live_conn()
    path = store.path

    errors = dbm.integrity_errors(conn, full=full)
    if errors:
        report.add("error", "sqlite", f"integrity check failed: {errors[0]}")
        return report
    report.add("ok", "sqlite", "integrity_check ok" if full else "quick_check ok")

    with dbm.transaction(conn, immediate=False):
        meta = dbm.get_meta(conn)
        seq = int(meta.get("seq", 0))
        rows = conn.execute("SELECT count(*) FROM memories").fetchone()[0]
        foreign = conn.execute(
            "SELECT count(*) FROM memories WHERE model_id != ? OR dim != ?", (store.model_id, store.dim)
        ).fetchone()[0]
        sql_ids, sql_vecs = store._read_vectors()
    if foreign:
        report.add("error", "model", f"{foreign} row(s) hold vectors of another model; run `llmos memory reindex`")
    elif store._mismatch:
        report.add("error", "model", store._mismatch)
    else:
        report.add("ok", "model", f"{rows} memories, all embedded with {store.model_id} ({store.dim}-d)")

    try:
        manifest = read_manifest(path)
    except ManifestInvalid as exc:
        if rows or any(index_files(path)):
            report.add("error", "manifest", f"{exc}; the index will be rebuilt on next open")
        else:
            report.add("ok", "manifest", "empty store, no index saved yet")
        manifest = None
    if manifest is not None:
        _check_index_file(store, report, manifest, sql_ids, sql_vecs, seq, full)

    _check_permissions(store, report)
    stray = [
        p.name
        for p in path.iterdir()
        if p.suffix in (".pkl", ".pickle") or (p.is_file() and p.name.startswith(".") and ".tmp." in p.name)
    ]
    if stray:
        report.add("warning", "files", f"unexpected files (never loaded): {', '.join(sorted(stray))}")
    qdir = path / QUARANTINE_DIR
    if qdir.is_dir() and any(qdir.iterdir()):
        report.add("warning", "quarantine", f"{len(list(qdir.iterdir()))} damaged index file(s) kept in {qdir}")
    return report


def _check_index_file(
    store: MemoryStore,
    report: VerifyReport,
    manifest: Manifest,
    sql_ids: np.ndarray,
    sql_vecs: np.ndarray,
    seq: int,
    full: bool,
) -> None:
    path = store.path / manifest.index_file
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.add("error", "index", f"{manifest.index_file} unreadable ({exc.strerror}); it will be rebuilt")
        return
    if len(data) != manifest.size or hashlib.sha256(data).hexdigest() != manifest.sha256:
        report.add("error", "index", f"{manifest.index_file} sha256 does not match the manifest; it will be rebuilt")
        return
    try:
        index = VectorIndex.deserialize(data, manifest.kind, manifest.dim)
    except Exception as exc:  # noqa: BLE001 - report any faiss failure
        report.add("error", "index", f"faiss cannot read {manifest.index_file}: {exc}")
        return
    report.add("ok", "index", f"{manifest.index_file}: {manifest.kind}, {index.ntotal} vectors, sha256 ok")
    if manifest.model_id != store.model_id or manifest.dim != store.dim:
        report.add("error", "index", f"index built with {manifest.model_id}, store holds {store.model_id}")
    if manifest.max_seq > seq:
        report.add("error", "watermark", f"index watermark {manifest.max_seq} is ahead of the database ({seq})")
    elif manifest.max_seq < seq:
        report.add(
            "warning", "watermark", f"{seq - manifest.max_seq} change(s) not yet in the saved index (replayed on open)"
        )
    idx_ids = index.ids()
    missing = np.setdiff1d(sql_ids, idx_ids)
    extra = np.setdiff1d(idx_ids, sql_ids)
    if len(missing) or len(extra):
        level = "warning" if manifest.max_seq < seq else "error"
        report.add(
            level,
            "rows",
            f"{len(sql_ids)} rows vs {index.ntotal} vectors ({len(missing)} missing, {len(extra)} extra)",
        )
    else:
        report.add("ok", "rows", f"{len(sql_ids)} rows = {index.ntotal} vectors")
    positions = range(len(idx_ids)) if full else range(min(64, len(idx_ids)))
    where = {int(i): n for n, i in enumerate(sql_ids.tolist())}
    bad = 0
    for p in positions:
        row = where.get(int(idx_ids[p]))
        if row is not None and not np.allclose(index.vector_at(p), sql_vecs[row], atol=1e-5):
            bad += 1
    if bad:
        report.add("error", "vectors", f"{bad} index vector(s) differ from the stored vectors")
    else:
        report.add("ok", "vectors", f"{len(positions)} index vectors equal their stored vectors")


def _check_permissions(store: MemoryStore, report: VerifyReport) -> None:
    loose = []
    for p in [store.path, *store.path.iterdir()]:
        mode = stat.S_IMODE(p.stat().st_mode)
        if mode & 0o077:
            loose.append(f"{p.name or p}={oct(mode)}")
    if loose:
        report.add("warning", "permissions", "readable by others: " + ", ".join(loose))
    else:
        report.add("ok", "permissions", "directory 0700, files 0600")


def measure_recall(
    store: MemoryStore, k: int = 10, queries: int = 200, seed: int = 0, query_vectors: np.ndarray | None = None
) -> float:
    """Tie-tolerant recall@k of the live index vs exact search.

    Queries are ``query_vectors`` when given (for example real embedded questions), otherwise
    ``queries`` stored vectors perturbed by Gaussian noise of norm about 0.3.
    """
    index = store._index
    assert index is not None
    ids, vecs = store._read_vectors()
    if len(ids) == 0:
        return 1.0
    if query_vectors is not None:
        q = np.asarray(query_vectors, dtype=np.float32).reshape(-1, store.dim).copy()
    else:
        rng = np.random.default_rng(seed)
        picks = rng.choice(len(ids), size=min(queries, len(ids)), replace=False)
        noise = rng.normal(scale=0.3 / np.sqrt(store.dim), size=(len(picks), store.dim)).astype(np.float32)
        q = vecs[picks] + noise
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    hits = total = 0
    position = {int(i): n for n, i in enumerate(ids.tolist())}
    for row in q:
        scores = vecs @ row
        kk = min(k, len(ids))
        kth = np.partition(-scores, kk - 1)[kk - 1] * -1  # k-th best exact score
        got = [i for i, _ in index.search(row, kk)]
        # Tie-tolerant: a result counts when its exact score reaches the k-th best exact score.
        hits += sum(1 for i in got if i in position and scores[position[i]] >= kth - 1e-5)
        total += kk
    return hits / total if total else 1.0


__all__ = ["measure_recall", "verify_store"]
