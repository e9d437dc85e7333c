from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from llmos_memory import MemoryStore
from llmos_retrieval import Retrieval, RetrievalConfig, context

from llmos_shell.kernel.scripted import ScriptedKernel
from llmos_shell.policy.boundary import Workspace, use_workspace


class HashEmbedder:
    """Deterministic bag-of-words vectors: texts sharing words are similar. Quality is not the point."""

    model_id = "test-hash-bow-256"
    dim = 256

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            if len(word) > 2:
                v[int(hashlib.md5(word[:6].encode()).hexdigest(), 16) % self.dim] += 1.0
        v[0] += 0.01  # never the zero vector
        return v / np.linalg.norm(v)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), dtype=np.float32)


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "ws"
    root.mkdir()
    monkeypatch.chdir(root)
    with use_workspace(Workspace(root)):
        yield root


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MemoryStore]:
    s = MemoryStore.open(tmp_path / "store", embedder=HashEmbedder())
    previous = context.set_store_provider(lambda: s)
    yield s
    context.set_store_provider(previous)
    s.close()


@pytest.fixture
def kernel() -> Iterator[ScriptedKernel]:
    k = ScriptedKernel()
    previous = context.set_kernel_provider(lambda: k)
    yield k
    context.set_kernel_provider(previous)


@pytest.fixture
def retrieval(ws: Path, store: MemoryStore, kernel: ScriptedKernel) -> Retrieval:
    # The hash embedder's scores are lower than e5's: a threshold that suits it.
    return Retrieval(RetrievalConfig(min_score=0.2))
