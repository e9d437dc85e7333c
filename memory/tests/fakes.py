"""Test doubles shared by the tests and by the child processes they spawn."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np

TOKEN = re.compile(r"\w+")


class HashEmbedder:
    """Bag-of-words feature hashing: texts sharing words get similar vectors. Deterministic."""

    def __init__(self, dim: int = 64, model_id: str | None = None) -> None:
        self.dim = dim
        self.model_id = model_id or f"test-hash-{dim}"
        self.calls: list[list[str]] = []

    def _one(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for token in TOKEN.findall(text.lower()) or [text]:
            h = hashlib.blake2b(token.encode(), digest_size=8).digest()
            vec[int.from_bytes(h[:4], "little") % self.dim] += 1.0 if h[4] & 1 else -1.0
        norm = np.linalg.norm(vec)
        if norm == 0:
            vec[0] = 1.0
            norm = 1.0
        return vec / norm

    def embed_query(self, text: str) -> np.ndarray:
        return self._one(text)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._one(t) for t in texts])


def all_bytes(directory: Path) -> bytes:
    """Every byte of every file under ``directory`` (for canary greps)."""
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())
