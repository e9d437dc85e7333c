"""Shared fixtures: a deterministic hash embedder (fast, no model) and store factories."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import HashEmbedder
from llmos_memory import MemoryStore


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "mem"


@pytest.fixture
def store(store_dir: Path, embedder: HashEmbedder):
    s = MemoryStore.open(store_dir, embedder=embedder)
    yield s
    s.close()
