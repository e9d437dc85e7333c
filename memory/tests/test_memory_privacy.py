"""SECURITY-CASES group D (memory side): redaction before storage, fail closed, real forgetting,
private files."""

from __future__ import annotations

import re
import stat

import pytest
from fakes import HashEmbedder, all_bytes
from llmos_memory import MemoryStore, RedactionFailed

CANARIES = {
    "AKIAIOSFODNN7EXAMPLE": "<AWS_KEY>",
    "hunter2": "<PASSWORD>",
    "eyJhbGciOiJIUzI1NiJ9.canary-bearer-token": "<TOKEN>",
    "MIIEowIBAAKCAQEAcanaryPEMbody": "<PRIVATE_KEY>",
    "4111111111111111": "<CARD>",
}


def redactor(text: str) -> str:
    for secret, placeholder in CANARIES.items():
        text = text.replace(secret, placeholder)
    return re.sub(r"[\w.]+@[\w.]+", "<EMAIL>", text)


PASTE = (
    "my key is AKIAIOSFODNN7EXAMPLE and password=hunter2, Authorization: Bearer "
    "eyJhbGciOiJIUzI1NiJ9.canary-bearer-token\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAcanaryPEMbody\n"
    "card 4111111111111111 mail bob@example.com"
)


def test_d1_canaries_never_reach_any_file(store_dir):
    emb = HashEmbedder()
    with MemoryStore.open(store_dir, embedder=emb, redactor=redactor) as s:
        mid = s.add(PASTE, metadata={"note": "password=hunter2"}, source="https://x/?token=AKIAIOSFODNN7EXAMPLE")
        stored = s.get(mid)
        assert stored is not None
        assert "<AWS_KEY>" in stored.text and "<PASSWORD>" in stored.text and "<EMAIL>" in stored.text
        assert stored.metadata == {"note": "password=<PASSWORD>"} and stored.source == "https://x/?token=<AWS_KEY>"
        # The embedded text is the redacted text too.
        assert emb.calls[-1] == [stored.text]
        # Checked while the WAL still holds the transaction, and again after close.
        blob = all_bytes(store_dir)
        assert (store_dir / "memory.db-wal").exists()
        for secret in [*CANARIES, "bob@example.com"]:
            assert secret.encode() not in blob, secret
    blob = all_bytes(store_dir)
    for secret in [*CANARIES, "bob@example.com"]:
        assert secret.encode() not in blob, secret


class RedactorDown(Exception):
    pass


def broken_redactor(text: str) -> str:
    raise RedactorDown(f"analyzer failed on {text}")  # a message that itself carries the secret


def test_d3_redactor_failure_fails_closed(store_dir):
    emb = HashEmbedder()
    with MemoryStore.open(store_dir, embedder=emb, redactor=broken_redactor) as s:
        with pytest.raises(RedactionFailed) as info:
            s.add("password=hunter2")
        assert "nothing was stored" in str(info.value)
        assert "hunter2" not in str(info.value)  # the error message does not leak the text
        assert info.value.__cause__ is None and info.value.__suppress_context__
        with pytest.raises(RedactionFailed):
            s.add_many([{"text": "fine"}, {"text": "password=hunter2"}])
        assert s.count() == 0 and emb.calls == []
    assert b"hunter2" not in all_bytes(store_dir)


def test_d3_redactor_returning_non_text_fails_closed(store_dir):
    with MemoryStore.open(store_dir, embedder=HashEmbedder(), redactor=lambda t: None) as s:  # type: ignore[arg-type, return-value]
        with pytest.raises(RedactionFailed):
            s.add("anything")
        assert s.count() == 0


def test_d3_import_passes_through_redactor(store_dir):
    import io

    with MemoryStore.open(store_dir, embedder=HashEmbedder(), redactor=redactor) as s:
        assert s.import_jsonl(io.StringIO('{"text": "old key AKIAIOSFODNN7EXAMPLE"}\n')) == 1
        assert s.list()[0].text == "old key <AWS_KEY>"


def test_d5_forget_then_compact_removes_text_from_every_file(store_dir):
    canary = "zebra-canary-7f3a9c"
    with MemoryStore.open(store_dir, embedder=HashEmbedder()) as s:
        s.add_many([{"text": f"ordinary memory {i} " + "filler " * 30} for i in range(50)])
        mid = s.add(f"the secret word is {canary}", namespace="conversations")
        s.add_many([{"text": f"later memory {i}"} for i in range(20)])
        assert s.search(canary, k=1, namespace="conversations")[0].id == mid
        vec_before = s.stats()["index_vectors"]
        assert s.forget(mid)
        assert s.stats()["index_vectors"] == vec_before - 1  # remove_ids on the flat index
        assert all(h.id != mid for h in s.search(canary, k=5, namespace=None))
        s.compact()
        assert canary.encode() not in all_bytes(store_dir)
        assert s.verify().ok
        assert s.count() == 70
    assert canary.encode() not in all_bytes(store_dir)


def test_d6_private_permissions_and_separate_profiles(tmp_path):
    alice, bob = tmp_path / "profiles" / "alice" / "memory", tmp_path / "profiles" / "bob" / "memory"
    with MemoryStore.open(alice, embedder=HashEmbedder()) as a, MemoryStore.open(bob, embedder=HashEmbedder()) as b:
        a.add("alice's bank is Nordea")
        assert b.search("alice bank Nordea", k=5, namespace=None) == []
        a.add("flush")
        a.flush()
    for root in (alice, bob):
        assert stat.S_IMODE(root.stat().st_mode) == 0o700
        for p in root.iterdir():
            if p.is_file():
                assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    with MemoryStore.open(alice, embedder=HashEmbedder()) as a:
        finding = next(f for f in a.verify().findings if f.code == "permissions")
        assert finding.level == "ok"


def test_d6_loose_permissions_are_tightened_on_open(store_dir):
    with MemoryStore.open(store_dir, embedder=HashEmbedder()) as s:
        s.add("x")
    store_dir.chmod(0o755)
    for p in store_dir.iterdir():
        p.chmod(0o644)
    with MemoryStore.open(store_dir, embedder=HashEmbedder()):
        pass
    assert stat.S_IMODE(store_dir.stat().st_mode) == 0o700
    for p in store_dir.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
