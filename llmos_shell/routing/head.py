"""A learned prior over the first-party tools: which tool a request's embedding looks like.

The example phrases say what a tool does in a few dozen words; people say it in many more ways.
The head is a softmax regression (one weight vector a class) over the request's embedding (the
same vector the phrases are compared with) and its words (lexical.py's terms: stemmed words,
word pairs and the lead word, and the shapes of its literals: a folder, an image, a glob ...,
hashed into ``TERM_DIMENSIONS`` buckets), trained on the labelled
requests of the development sets in
``benchmarks/data`` (never on a held-out or validation set): one class a first-party tool, and
``none`` for requests answered without a tool. Its probability, times ``HEAD_WEIGHT``, is added
to each tool's retrieval score.

A tool the head was not trained on (a third-party plugin's, a ``--tools`` file's) gets the bonus
of ``none``: to the head, "none" means "none of the tools I know", so an unknown tool and
answering directly stay where the phrases put them, and a request that looks like a known tool's
still leans to that tool. A catalog with no tool the head knows is not touched at all.

The weights ship as ``tool_head.npz`` (numpy, never pickled) beside this module, with the
embedding model they were trained for; ``scripts/train_tool_head.py`` makes them again.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .commands import command_in
from .kinds import AUDIO_KINDS, IMAGE_KINDS, VIDEO_KINDS, kind_of
from .lexical import terms
from .literals import extract_literals

__all__ = ["HEAD_FILE", "HEAD_WEIGHT", "ToolHead", "features", "load_head", "shapes", "train_head"]

HEAD_FILE = Path(__file__).with_name("tool_head.npz")
HEAD_WEIGHT = 0.1  # leave-one-set-out on the development sets: 0.05 and 0.2 gained less (docs/routing.md)
NO_TOOL = "none"  # the candidate and the class of requests answered directly
VECTOR_SCALE = 10.0  # unit-length embeddings, scaled so that a mild weight decay suits both kinds of feature
TERM_DIMENSIONS = 512
TERM_WEIGHT = 5.0  # leave-one-set-out classification: 92.7% on the embedding alone, 94.0% at 1.5, 94.9-95.1% at 3-5


def shapes(text: str) -> set[str]:
    """What the request's literals are, as terms: ``@image``/``@audio``/``@video``/``@file`` for a
    named file by its kind, ``@folder`` for a path without an extension, ``@glob``, ``@quoted``,
    ``@url``, and ``@command`` for a command line spelled out ("sha1sum backup.tar"). The words
    around a literal do not say whether it is a folder or a photo."""
    lit = extract_literals(text)
    out = {"@glob"} if lit.globs else set()
    out |= {"@command"} if command_in(text, with_arguments=True) is not None else set()
    out |= {"@quoted"} if lit.quoted else set()
    out |= {"@url"} if lit.urls else set()
    for path in lit.paths:
        kind = kind_of(path)
        if kind is None or path.endswith(("/", "\\")):
            out.add("@folder")
        else:
            families = (("@image", IMAGE_KINDS), ("@audio", AUDIO_KINDS), ("@video", VIDEO_KINDS))
            out.add(next((name for name, kinds in families if kind in kinds), "@file"))
    return out


def features(vectors: Any, texts: Sequence[str]) -> Any:
    """One row a request: its scaled embedding, then its hashed terms (unit length, times ``TERM_WEIGHT``)."""
    import numpy as np

    v = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1) * VECTOR_SCALE
    words = np.zeros((len(texts), TERM_DIMENSIONS), dtype=np.float32)
    for row, text in enumerate(texts):
        for term in terms(text) | shapes(text):
            words[row, zlib.crc32(term.encode()) % TERM_DIMENSIONS] = 1.0
    norms = np.sqrt(words.sum(axis=1, keepdims=True))
    return np.concatenate([v, TERM_WEIGHT * words / np.maximum(norms, 1.0)], axis=1)


@dataclass(frozen=True)
class ToolHead:
    """Softmax regression from a request (its vector and words) to ``classes`` (tool names and ``none``)."""

    classes: tuple[str, ...]
    weights: Any  # (embedding + term dimensions, classes) float32
    bias: Any  # (classes,) float32
    model_id: str  # the embedding model the vectors come from
    trained_on: tuple[str, ...] = ()  # the data sets it learnt from (by name)
    data_digest: str = ""  # sha256 of those sets' contents (scripts/train_tool_head.py)

    def probabilities(self, vector: Any, text: str) -> dict[str, float]:
        """Class -> probability for one request (its embedding and its text)."""
        import numpy as np

        z = np.einsum("ij,i->j", self.weights, features(vector, [text])[0]) + self.bias
        p = np.exp(z - z.max())
        p /= p.sum()
        return {c: float(v) for c, v in zip(self.classes, p, strict=True)}

    def bonuses(self, vector: Any, text: str, tools: Sequence[str], weight: float = HEAD_WEIGHT) -> dict[str, float]:
        """Tool -> ``weight`` times its probability; a tool the head does not know gets that of
        ``none``. Empty when the head knows none of ``tools``."""
        known = set(self.classes) - {NO_TOOL}
        if not known & set(tools):
            return {}
        p = self.probabilities(vector, text)
        return {t: weight * p.get(t, p[NO_TOOL]) for t in tools}

    def save(self, path: Path) -> None:
        import numpy as np

        np.savez(path, classes=np.asarray(self.classes), weights=self.weights, bias=self.bias,
                 model_id=np.asarray(self.model_id), trained_on=np.asarray(self.trained_on),
                 data_digest=np.asarray(self.data_digest))  # fmt: skip


def load_head(model_id: str, path: Path = HEAD_FILE) -> ToolHead | None:
    """The shipped head, or None when it is missing, unreadable or trained for another embedding model."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as f:
            head = ToolHead(
                classes=tuple(str(c) for c in f["classes"]),
                weights=f["weights"].astype(np.float32),
                bias=f["bias"].astype(np.float32),
                model_id=str(f["model_id"]),
                trained_on=tuple(str(s) for s in f["trained_on"]),
                data_digest=str(f["data_digest"]) if "data_digest" in f else "",
            )
    except (OSError, ValueError, KeyError):
        return None
    shape = (head.weights.shape[0] - TERM_DIMENSIONS, head.weights.shape[1])
    if head.model_id != model_id or NO_TOOL not in head.classes or shape[1] != len(head.classes) or shape[0] < 1:
        return None
    return head


def train_head(vectors: Any, texts: Sequence[str], labels: Sequence[str], *, model_id: str,
               trained_on: Sequence[str] = (), data_digest: str = "", l2: float = 1e-3, epochs: int = 1000,
               rate: float = 0.5) -> ToolHead:  # fmt: skip
    """Fit the head by full-batch gradient descent on the cross-entropy (deterministic): ``vectors``
    are the requests' unit-length embeddings, ``texts`` the requests, ``labels`` their classes."""
    import numpy as np

    classes = tuple(sorted(set(labels)))
    if NO_TOOL not in classes:
        raise ValueError(f"the training labels need the class {NO_TOOL!r} (requests answered directly)")
    x = features(vectors, texts).astype(np.float64)
    index = {c: i for i, c in enumerate(classes)}
    y = np.eye(len(classes))[[index[label] for label in labels]]
    w = np.zeros((x.shape[1], len(classes)))
    b = np.zeros(len(classes))
    for _ in range(epochs):
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - y) / len(x)
        w -= rate * (x.T @ g + l2 * w)
        b -= rate * g.sum(axis=0)
    return ToolHead(classes, w.astype(np.float32), b.astype(np.float32), model_id, tuple(trained_on), data_digest)
