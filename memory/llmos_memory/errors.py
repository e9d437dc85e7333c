"""One exception tree for the memory store.

Every error carries a one-line message that says what happened and what to do next, so the
shell can print ``str(exc)`` as is. Catch :class:`StoreError` to catch them all.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every error raised by ``llmos_memory``."""


class StoreCorrupt(StoreError):
    """The SQLite database (the source of truth) is damaged or unreadable.

    The index is never the cause of this error: a damaged index is rebuilt silently (with a
    notice). The database file is never overwritten by the store once this is detected.
    """


class StoreReadOnly(StoreError):
    """A write was attempted on a store opened in read-only mode (read-only directory,
    corrupt database, or ``read_only=True``)."""


class ModelMismatch(StoreError):
    """The embedder differs (model id or dimension) from the model whose vectors the store holds.

    A store never mixes vectors of two models; ``MemoryStore.reindex(embedder)`` (the CLI's
    ``llmos memory reindex``) re-embeds every memory with the new model.
    """


class RedactionFailed(StoreError):
    """The redactor raised: nothing was stored (fail closed)."""


class StoreLocked(StoreError):
    """Another live process held the writer lock for longer than the lock timeout."""


class InvalidInput(StoreError, ValueError):
    """An argument was rejected (empty text, bad namespace, metadata that is not JSON, bad import line)."""


# Alias kept for callers that spell the base class after the package.
MemoryError_ = StoreError

__all__ = [
    "InvalidInput",
    "MemoryError_",
    "ModelMismatch",
    "RedactionFailed",
    "StoreCorrupt",
    "StoreError",
    "StoreLocked",
    "StoreReadOnly",
]
