"""Saving and loading the index file, checked against the manifest before faiss ever parses it.

Load order: manifest valid -> same model and generation as SQLite -> file size and sha256 match ->
faiss can read it -> vector count matches. Any failure raises :class:`IndexUntrusted` with a
human reason; damaged files are moved to ``quarantine/`` (never served, never deleted outright).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from pathlib import Path

from .atomic import DIR_MODE, atomic_write
from .index import IndexLoadError, VectorIndex, faiss_version
from .manifest import MANIFEST_NAME, Manifest, ManifestInvalid, read_manifest, write_manifest

QUARANTINE_DIR = "quarantine"
QUARANTINE_KEEP = 3
_INDEX_RE = re.compile(r"^index-(\d+)\.faiss$")


class IndexUntrusted(Exception):
    """Internal: the on-disk index cannot be used; ``reason`` says why, ``damaged`` names a bad file."""

    def __init__(self, reason: str, damaged: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.damaged = damaged


def index_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if _INDEX_RE.match(p.name))


def load_index(directory: Path, *, model_id: str, dim: int, generation: int) -> tuple[VectorIndex, Manifest]:
    try:
        manifest = read_manifest(directory)
    except ManifestInvalid as exc:
        raise IndexUntrusted(f"index untrusted ({exc})") from exc
    if manifest.model_id != model_id or manifest.dim != dim:
        raise IndexUntrusted(
            f"index was built with model {manifest.model_id} ({manifest.dim}-d), the store holds {model_id} ({dim}-d)"
        )
    if manifest.generation != generation:
        raise IndexUntrusted(f"index is stale (generation {manifest.generation}, store is at {generation})")
    path = directory / manifest.index_file
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise IndexUntrusted(f"index file {manifest.index_file} is missing") from exc
    except OSError as exc:
        raise IndexUntrusted(f"index file {manifest.index_file} is unreadable ({exc.strerror})") from exc
    if len(data) != manifest.size:
        raise IndexUntrusted(
            f"index was corrupt (size {len(data)} != {manifest.size} in manifest)", damaged=manifest.index_file
        )
    if hashlib.sha256(data).hexdigest() != manifest.sha256:
        raise IndexUntrusted("index was corrupt (sha256 mismatch)", damaged=manifest.index_file)
    try:
        index = VectorIndex.deserialize(data, manifest.kind, manifest.dim)
    except IndexLoadError as exc:
        ours = faiss_version()
        versions = (
            f"; it was written by faiss {manifest.faiss_version}, this is faiss {ours}"
            if manifest.faiss_version != ours
            else ""
        )
        raise IndexUntrusted(f"index unreadable by faiss ({exc}){versions}", damaged=manifest.index_file) from exc
    if index.ntotal != manifest.ntotal:
        raise IndexUntrusted(
            f"index was corrupt ({index.ntotal} vectors, manifest says {manifest.ntotal})", damaged=manifest.index_file
        )
    return index, manifest


def next_save_counter(directory: Path) -> int:
    highest = 0
    with contextlib.suppress(ManifestInvalid):
        highest = read_manifest(directory).save_counter
    for path in index_files(directory):
        m = _INDEX_RE.match(path.name)
        if m:
            highest = max(highest, int(m.group(1)))
    return highest + 1


def save_index(directory: Path, index: VectorIndex, *, model_id: str, generation: int, max_seq: int) -> Manifest:
    """Write ``index-<n>.faiss`` then the manifest (each atomically), then drop older index files.

    On failure (ENOSPC, EIO...) the previous index and manifest are untouched and no temp file is
    left; the exception propagates.
    """
    data = index.serialize()
    counter = next_save_counter(directory)
    name = f"index-{counter}.faiss"
    atomic_write(directory / name, data)
    manifest = Manifest(
        index_file=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        kind=index.kind,
        dim=index.dim,
        model_id=model_id,
        ntotal=index.ntotal,
        max_seq=max_seq,
        generation=generation,
        save_counter=counter,
        faiss_version=faiss_version(),
    )
    try:
        write_manifest(directory, manifest)
    except BaseException:
        with contextlib.suppress(OSError):
            (directory / name).unlink()
        raise
    remove_orphans(directory, keep=name)
    return manifest


def remove_orphans(directory: Path, keep: str | None) -> list[str]:
    """Delete index files the manifest does not name (left by a crash between the two renames)."""
    removed = []
    for path in index_files(directory):
        if path.name != keep:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path.name)
    return removed


def quarantine(directory: Path, filename: str, tag: str) -> str | None:
    """Move a damaged file into ``quarantine/`` (keeping the newest few); returns its new name."""
    src = directory / filename
    if not src.exists():
        return None
    qdir = directory / QUARANTINE_DIR
    try:
        qdir.mkdir(mode=DIR_MODE, exist_ok=True)
        dest = qdir / f"{filename}.{tag}.{int(time.time() * 1000)}"
        os.replace(src, dest)
    except OSError:
        return None
    old = sorted(qdir.iterdir(), key=lambda p: p.stat().st_mtime)
    for path in old[:-QUARANTINE_KEEP]:
        with contextlib.suppress(OSError):
            path.unlink()
    return f"{QUARANTINE_DIR}/{dest.name}"


def purge_quarantine(directory: Path) -> None:
    qdir = directory / QUARANTINE_DIR
    if qdir.is_dir():
        for path in qdir.iterdir():
            with contextlib.suppress(OSError):
                path.unlink()


__all__ = ["MANIFEST_NAME", "IndexUntrusted", "load_index", "quarantine", "save_index"]
