"""llmos-retrieval: the ``retrieval`` plugin (ingest documents, answer with citations).

Public API::

    from llmos_retrieval import set_kernel_provider, set_store_provider
    set_kernel_provider(lambda: shell.kernel)   # share the session's model (default: build the configured one)
    set_store_provider(lambda: store)           # use this MemoryStore (default: [plugins.retrieval] store)

:class:`Library` (ingest / catalog / remove / search), :func:`chunk_text` and :func:`extract`
are usable on their own.
"""

from __future__ import annotations

from .answer import Answer, answer_question
from .chunking import Chunk, chunk_text
from .config import RetrievalConfig
from .context import default_store_path, set_kernel_provider, set_store_provider
from .extract import Extracted, ExtractError, extract
from .library import FileEntry, IngestEvent, IngestReport, Library, Passage
from .service import Retrieval

__version__ = "0.1.0"
__all__ = [
    "Answer",
    "Chunk",
    "ExtractError",
    "Extracted",
    "FileEntry",
    "IngestEvent",
    "IngestReport",
    "Library",
    "Passage",
    "Retrieval",
    "RetrievalConfig",
    "__version__",
    "answer_question",
    "chunk_text",
    "default_store_path",
    "extract",
    "set_kernel_provider",
    "set_store_provider",
]
