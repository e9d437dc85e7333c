"""SECURITY-CASES group G: corrupt or truncated index / metadata, detected before serving results."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
from pathlib import Path

import pytest
from fakes import HashEmbedder
from llmos_memory import MemoryStore, ModelMismatch, StoreReadOnly

FRUITS = ["apple orchard harvest", "banana smoothie recipe", "cherry blossom festival", "durian smell warning"]


def make_store(path: Path, texts=FRUITS, **kw) -> list[int]:
    with MemoryStore.open(path, embedder=HashEmbedder(), **kw) as s:
        return s.add_many([{"text": t} for t in texts])


def manifest(path: Path) -> dict:
    return json.loads((path / "manifest.json").read_text())


def index_path(path: Path) -> Path:
    return path / manifest(path)["index_file"]


def fresh_results(path: Path, query: str) -> list[tuple[int, str]]:
    """What a store rebuilt from SQLite alone returns (the reference for every fault)."""
    with MemoryStore.open(path, embedder=HashEmbedder()) as s:
        s.rebuild_index()
        return [(h.id, h.text) for h in s.search(query, k=4)]


def reopen_and_search(path: Path, query: str = "cherry blossom"):
    s = MemoryStore.open(path, embedder=HashEmbedder())
    hits = [(h.id, h.text) for h in s.search(query, k=4)]
    notices = list(s.notices)
    report = s.verify()
    s.close()
    return hits, notices, report


def corrupt(path: Path, how: str) -> None:
    p = index_path(path)
    data = bytearray(p.read_bytes())
    if how == "truncated":
        data = data[: len(data) // 2]
    elif how == "zero-bytes":
        data = bytearray()
    elif how == "random-bytes":
        data = bytearray(os.urandom(len(data)))
    elif how == "flipped-byte":
        data[-20] ^= 0x01  # inside the vector payload: faiss would load it silently
    elif how == "junk-appended":
        data += b"JUNK" * 16  # faiss would load it silently too
    p.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncated", "zero-bytes", "random-bytes"])
def test_g1_truncated_zero_or_random_index_is_rebuilt(store_dir, how):
    make_store(store_dir)
    corrupt(store_dir, how)
    hits, notices, report = reopen_and_search(store_dir)
    assert any("index was corrupt" in n and "rebuilt from SQLite" in n for n in notices), notices
    assert hits == fresh_results(store_dir, "cherry blossom")
    assert hits[0][1] == "cherry blossom festival"
    quarantined = list((store_dir / "quarantine").iterdir())
    assert len(quarantined) == 1 and ".corrupt." in quarantined[0].name
    assert report.ok, str(report)


@pytest.mark.parametrize("how", ["flipped-byte", "junk-appended"])
def test_g2_flipped_byte_or_junk_appended_never_served(store_dir, how):
    import faiss
    import numpy as np

    make_store(store_dir)
    corrupt(store_dir, how)
    # Precondition from SECURITY-CASES: faiss itself loads the damaged file without complaint.
    faiss.deserialize_index(np.frombuffer(index_path(store_dir).read_bytes(), dtype=np.uint8))
    hits, notices, _ = reopen_and_search(store_dir)
    assert any("sha256 mismatch" in n or "size" in n for n in notices), notices
    assert hits == fresh_results(store_dir, "cherry blossom")


@pytest.mark.parametrize("how", ["missing", "invalid-json", "wrong-types", "path-escape"])
def test_g3_manifest_missing_or_invalid_means_untrusted(store_dir, how):
    make_store(store_dir)
    m = store_dir / "manifest.json"
    if how == "missing":
        m.unlink()
    elif how == "invalid-json":
        m.write_text("{not json")
    elif how == "wrong-types":
        data = json.loads(m.read_text())
        data["ntotal"] = "four"
        m.write_text(json.dumps(data))
    else:
        data = json.loads(m.read_text())
        data["index_file"] = "../../etc/passwd"
        m.write_text(json.dumps(data))
    hits, notices, report = reopen_and_search(store_dir)
    assert any("index untrusted" in n and "rebuilt from SQLite" in n for n in notices), notices
    assert hits[0][1] == "cherry blossom festival"
    assert report.ok


def test_g4_row_count_differs_from_index_is_rebuilt(store_dir):
    ids = make_store(store_dir)
    # A "lost sidecar write": a row vanishes from SQLite without going through forget().
    with sqlite3.connect(store_dir / "memory.db") as conn:
        conn.execute("DELETE FROM memories WHERE id = ?", (ids[1],))
    hits, notices, report = reopen_and_search(store_dir, "banana smoothie")
    assert any("index disagreed with SQLite" in n and "4 vectors" in n for n in notices), notices
    assert all(i != ids[1] for i, _ in hits)
    assert report.ok


def test_g4_regression_apple_never_returns_cherry(tmp_path):
    # Two stores with the same ids but swapped texts: an index that belongs to the other one,
    # with a perfectly valid checksum and manifest, must not map "apple" to "cherry".
    a, b = tmp_path / "a", tmp_path / "b"
    make_store(a, ["apple", "banana", "cherry"])
    make_store(b, ["cherry", "banana", "apple"])
    for name in os.listdir(a):
        if name.startswith("index-"):
            os.unlink(a / name)
    (a / manifest(b)["index_file"]).write_bytes(index_path(b).read_bytes())
    (a / "manifest.json").write_bytes((b / "manifest.json").read_bytes())
    with MemoryStore.open(a, embedder=HashEmbedder()) as s:
        assert any("differs from the stored one" in n for n in s.notices), s.notices
        top = s.search("apple", k=1)[0]
        assert top.text == "apple"
        assert all(h.text != "cherry" for h in s.search("apple", k=1))


def test_g5_dimension_change_refused_with_reindex_hint(store_dir):
    make_store(store_dir)
    with MemoryStore.open(store_dir, embedder=HashEmbedder(dim=96)) as s:
        assert any("llmos memory reindex" in n for n in s.notices)
        with pytest.raises(ModelMismatch, match="llmos memory reindex") as info:
            s.add("a new fact")
        assert "64-d" in str(info.value) and "96-d" in str(info.value)
        with pytest.raises(ModelMismatch):
            s.search("apple")
        assert s.count() == 4 and s.get(1) is not None  # reading rows still works
        assert s.reindex(HashEmbedder(dim=96)) == 4
        assert s.search("cherry blossom", k=1)[0].text == "cherry blossom festival"
        s.add("a new fact")
    with MemoryStore.open(store_dir, embedder=HashEmbedder(dim=96)) as s:
        assert s.notices == [] and s.stats()["dim"] == 96 and s.verify().ok


def test_g5_model_id_change_same_dim_refused(store_dir):
    make_store(store_dir)
    with MemoryStore.open(store_dir, embedder=HashEmbedder(model_id="other-model")) as s:
        with pytest.raises(ModelMismatch, match="test-hash-64"):
            s.add_many([{"text": "x"}])
        assert s.count() == 4


def test_g5_model_changed_by_another_process_is_noticed(store_dir):
    make_store(store_dir)
    with MemoryStore.open(store_dir, embedder=HashEmbedder()) as old:
        with MemoryStore.open(store_dir, embedder=HashEmbedder(dim=32)) as new:
            new.reindex(HashEmbedder(dim=32))
        with pytest.raises(ModelMismatch):
            old.search("apple")
        with pytest.raises(ModelMismatch):
            old.add("apple pie")


def test_g6_index_from_newer_faiss_names_both_versions(store_dir):
    import faiss

    make_store(store_dir)
    p = index_path(store_dir)
    data = bytearray(p.read_bytes())
    data[0:4] = b"IxZZ"  # an index type this faiss does not know
    p.write_bytes(bytes(data))
    m = manifest(store_dir)
    m.update(sha256=hashlib.sha256(data).hexdigest(), faiss_version="9.9.9")
    (store_dir / "manifest.json").write_text(json.dumps(m))
    hits, notices, _ = reopen_and_search(store_dir)
    msg = next(n for n in notices if "unreadable by faiss" in n)
    assert "9.9.9" in msg and faiss.__version__ in msg and "rebuilt from SQLite" in msg
    assert hits[0][1] == "cherry blossom festival"


class Boom:
    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


MARKER = ""


def test_g7_pickle_in_store_is_never_loaded(store_dir, tmp_path):
    global MARKER
    MARKER = str(tmp_path / "pwned")
    make_store(store_dir)
    payload = pickle.dumps(Boom())
    for name in ("index.pkl", "docstore.pkl", "memory.pickle"):
        (store_dir / name).write_bytes(payload)
    hits, notices, report = reopen_and_search(store_dir)
    assert not Path(MARKER).exists()
    assert any("pickle file index.pkl" in n and "never loaded" in n for n in notices)
    assert hits[0][1] == "cherry blossom festival"
    assert any(f.code == "files" and "index.pkl" in f.message for f in report.findings)


def test_g8_sqlite_page_corruption_opens_read_only_untouched(store_dir):
    make_store(store_dir, [f"memory number {i} " + "padding " * 40 for i in range(200)])
    db = store_dir / "memory.db"
    page = 4096
    size = db.stat().st_size
    with db.open("r+b") as fh:
        fh.seek((size // page // 2) * page)
        fh.write(b"\0" * page)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    s = MemoryStore.open(store_dir, embedder=HashEmbedder())
    try:
        assert s.read_only
        msg = next(n for n in s.notices if "integrity check" in n)
        assert "backup" in msg and ".recover" in msg and "left untouched" in msg
        with pytest.raises(StoreReadOnly, match="integrity check"):
            s.add("new memory")
        assert not s.verify().ok
    finally:
        s.close()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not (store_dir / "memory.db-wal").exists() or (store_dir / "memory.db-wal").stat().st_size == 0


def test_g8_unreadable_database_header_raises_store_corrupt(store_dir):
    from llmos_memory import StoreCorrupt

    make_store(store_dir)
    db = store_dir / "memory.db"
    with db.open("r+b") as fh:
        fh.write(b"\0" * 100)
    before = db.read_bytes()
    with pytest.raises(StoreCorrupt, match="backup"):
        MemoryStore.open(store_dir, embedder=HashEmbedder())
    assert db.read_bytes() == before


def test_verify_reports_damage_without_repairing(store_dir):
    make_store(store_dir)
    with MemoryStore.open(store_dir, embedder=HashEmbedder()) as s:
        corrupt(store_dir, "flipped-byte")
        damaged = index_path(store_dir).read_bytes()
        report = s.verify()
        assert not report.ok
        assert any(f.code == "index" and "sha256 does not match" in f.message for f in report.findings)
        assert index_path(store_dir).read_bytes() == damaged  # verify changed nothing
        # The open store keeps serving from its in-memory index, which was checked at open.
        assert s.search("cherry blossom", k=1)[0].text == "cherry blossom festival"
        s.rebuild_index()
        assert s.verify().ok
