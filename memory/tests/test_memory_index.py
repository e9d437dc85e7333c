"""Index choice (flat by default, HNSW past the threshold), recall, tombstones, watermark."""

from __future__ import annotations

import json

import numpy as np
from fakes import HashEmbedder
from llmos_memory import MemoryStore


class RandomEmbedder(HashEmbedder):
    """Random unit vectors keyed by text (a hard, unclustered case for HNSW recall)."""

    def _one(self, text: str) -> np.ndarray:
        rng = np.random.default_rng(abs(hash(text)) % (2**32))
        v = rng.normal(size=self.dim).astype(np.float32)
        return v / np.linalg.norm(v)


def test_flat_by_default_exact_recall(store_dir):
    with MemoryStore.open(store_dir, embedder=HashEmbedder()) as s:
        s.add_many([{"text": f"note {i} word{i % 17}"} for i in range(300)])
        assert s.stats()["index_kind"] == "flat"
        assert s.measure_recall(k=10, queries=50) == 1.0


def test_hnsw_chosen_past_threshold_and_recall_measured(store_dir):
    emb = RandomEmbedder(dim=32)
    with MemoryStore.open(store_dir, embedder=emb, hnsw_threshold=500) as s:
        s.add_many([{"text": f"item {i}"} for i in range(499)])
        assert s.stats()["index_kind"] == "flat"
        s.add_many([{"text": f"item {i}"} for i in range(499, 1500)])
        assert s.stats()["index_kind"] == "hnsw"
        assert any("switched to an HNSW index" in n for n in s.notices)
        recall = s.measure_recall(k=10, queries=100)
        assert recall >= 0.95, recall
        hit = s.search("item 1234", k=1)[0]
        assert hit.text == "item 1234"
    with MemoryStore.open(store_dir, embedder=emb, hnsw_threshold=500) as s:
        assert s.notices == [] and s.stats()["index_kind"] == "hnsw"
        assert json.loads((store_dir / "manifest.json").read_text())["kind"] == "hnsw"
        assert s.verify().ok


def test_hnsw_forget_tombstones_then_compact_removes(store_dir):
    emb = RandomEmbedder(dim=32)
    with MemoryStore.open(store_dir, embedder=emb, hnsw_threshold=100) as s:
        ids = s.add_many([{"text": f"item {i}"} for i in range(200)])
        assert s.stats()["index_kind"] == "hnsw"
        assert s.forget(ids[7])
        st = s.stats()
        assert st["index_tombstones"] == 1 and st["count"] == 199
        assert all(h.id != ids[7] for h in s.search("item 7", k=10))
    with MemoryStore.open(store_dir, embedder=emb, hnsw_threshold=100) as s:
        # The tombstone is re-derived from the deletion log on open.
        assert s.notices == [] and s.stats()["index_tombstones"] == 1
        assert all(h.id != ids[7] for h in s.search("item 7", k=10))
        s.compact()
        st = s.stats()
        assert st["index_tombstones"] == 0 and st["index_vectors"] == 199
        assert s.verify().ok


def test_watermark_in_manifest_follows_saves(store_dir):
    with MemoryStore.open(store_dir, embedder=HashEmbedder(), index_save_every=10) as s:
        s.add_many([{"text": f"a{i}"} for i in range(3)])
        m = json.loads((store_dir / "manifest.json").read_text())
        assert m["max_seq"] == 0  # not saved yet: SQLite has the rows, replay covers them
        s.add_many([{"text": f"b{i}"} for i in range(10)])
        m = json.loads((store_dir / "manifest.json").read_text())
        assert m["max_seq"] == 13 and m["ntotal"] == 13
        s.add("c")
    m = json.loads((store_dir / "manifest.json").read_text())
    assert m["max_seq"] == 14  # saved on close
