"""Word evidence for tool retrieval: which tool's phrases use the request's words.

Sentence embeddings of a small model are dominated by the topic of a request ("my
dentist", "notes.txt"), not by the verb that tells neighbouring tools apart
("remember" vs "forget", "read" vs "find"). This index counts the request's words and
word pairs that occur in a tool's example phrases, each weighted by
its inverse tool frequency: a word every tool uses ("file") counts for little, a word
only one tool uses ("forget", "aloud", "grep") for a lot. Slots (``{path}``) and the
literals of a request (paths, globs, quoted text, URLs) are not words here.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from itertools import pairwise

from .literals import extract_literals

__all__ = ["TermIndex", "stem", "terms"]

_WORD = re.compile(r"[a-z0-9]+")
_SLOT = re.compile(r"\{\w+\}")
_RAW = re.compile(r"[a-z0-9'\u2019]+|\|")
_STOP = frozenset(
    "a an the of to in on at for from by with and or but is are was were be been am it its this that these "
    "those me my mine i you your we our us they them their he she his her please can could would will shall "
    "do does did what which who whom how there here some any all so just then than as into out up im ive".split()
)
_SUFFIXES = ("ing", "ed", "es", "s")
LEAD_WEIGHT = 2.0
PRIOR_WEIGHT = 1.0  # term weight no owner has: one shared word alone is not the whole evidence


def stem(word: str) -> str:
    """Crude suffix stemming ("reading", "reads" -> "read"), enough to match a word across phrases."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,:]\d+)*(?![\w.])")
_HOST = re.compile(r"(?<![\w@/.-])(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|edu|gov|info|app|uk|de|fr|eu)\b", re.I)
_CLITIC_S = re.compile(r"['\u2019]s\b", re.I)  # "where's" is "where" (not "wher"), "Odile's" is "odile"


def _masked(text: str) -> str:
    """``text`` with its slots and literals (URLs, quoted text, paths, globs) replaced by " | ",
    and without the clitic "'s" of its words."""
    text = _SLOT.sub(" | ", text)
    lit = extract_literals(text)
    for value in (*lit.urls, *lit.quoted, *lit.paths, *lit.globs):
        text = text.replace(value, " | ")
    text = _NUMBER.sub(" ", text)  # "closes at 7" is no word of "what is 12 times 7?"
    text = _HOST.sub(" | ", text)  # "ping shopify.com": a host is no word
    return _CLITIC_S.sub("", text)


def _named_folders_masked(masked: str) -> str:
    """A request's words that name a folder here ("what's in the docs folder", with ./docs) are the
    argument, not a word for a tool: "docs" says nothing of "add to my docs"."""

    def mask(m: re.Match[str]) -> str:
        word = m.group(0)
        try:
            return " | " if word.lower() not in _STOP and os.path.isdir(word) else word
        except (OSError, ValueError):
            return word

    return re.sub(r"(?<![\w./~-])[A-Za-z][\w-]+(?![\w/.-])", mask, masked)


_SAME_WORD = {"dir": "directory", "dirs": "directory"}  # a short form counts as its word


def _words(masked: str) -> list[str]:
    said = _WORD.findall(masked.lower().replace("'", "").replace("\u2019", ""))
    words = [stem(_SAME_WORD.get(w, w)) for w in said]
    return [w for w in words if w not in _STOP]


# Words before a command's verb that do not tell commands apart ("could you please ...").
_PREAMBLE = frozenset(
    "please pls kindly hey hi ok okay so now can could would will you u i id want need like to just go ahead and "
    "then also".split()
)


def lead(text: str) -> str | None:
    """The first word of a command after its preamble ("I want you to *remember*: ..."), stop words kept.

    "remember my colour is green" and "what do you remember about my colour" share their content
    words; their lead words ("remember" against "what") tell the command from the question.
    A request opening with a file or a quote opens with no verb.
    """
    return _lead(_masked(text))


def _lead(masked: str) -> str | None:
    for raw in _RAW.findall(masked.lower()):
        if raw == "|":
            return None
        word = raw.replace("'", "").replace("\u2019", "")
        if word and word not in _PREAMBLE:
            return "^" + stem(word)
    return None


_RECALLING = re.compile(r"\b(?:did|have|had)\s+i\s+([a-z]+)")  # "what did I say", not "I prefer tea"


def _first_person(masked: str) -> set[str]:
    """The speaker's own verbs after "did", "have" or "had" (``i_say`` in "what did I say the code
    was", ``i_mention`` in "have I mentioned my dentist"): "I" is a stop word, yet "did I say" asks
    of what was said, where "say" alone ("say hello") is a command to speak. A statement ("I prefer
    tea") or a how-to ("how do I run a script") says nothing of what was said."""
    verbs = _RECALLING.findall(masked.lower())
    return {"i_" + stem(v) for v in verbs if v not in _STOP and v not in _PREAMBLE}


def terms(text: str) -> set[str]:
    """Stemmed content words of ``text``, its adjacent word pairs (``read_aloud``), the speaker's own
    verbs (``i_say``) and its lead word."""
    masked = _masked(text)
    return _terms(_words(masked), _lead(masked), masked)


def _terms(words: list[str], first: str | None = None, masked: str = "") -> set[str]:
    out = set(words) | {f"{a}_{b}" for a, b in pairwise(words)} | _first_person(masked)
    if first:
        out.add(first)
    return out


class TermIndex:
    """Per owner (a tool, or "none"), the terms of its phrases, weighted by inverse owner frequency."""

    def __init__(self, phrases: Iterable[tuple[str, str]]) -> None:
        self.terms: dict[str, set[str]] = {}
        for owner, phrase in phrases:
            self.terms.setdefault(owner, set()).update(terms(phrase))
        self.owners_of: dict[str, list[str]] = {}
        for owner, owned in self.terms.items():
            for term in owned:
                self.owners_of.setdefault(term, []).append(owner)
        # BM25's idf, floored at 0: a term most owners share carries no evidence.
        n = len(self.terms)
        self.idf = {
            t: max(0.0, math.log((n - len(o) + 0.5) / (len(o) + 0.5) + 1.0) - math.log(2.0))
            for t, o in self.owners_of.items()
        }

    def scores(self, text: str) -> dict[str, float]:
        """Owner -> share of the request's known term weight that the owner's phrases use (0..1).

        ``PRIOR_WEIGHT`` joins the denominator, so a request whose only known word is shared by a
        tool by chance ("number") does not hand that tool the whole evidence.
        """
        masked = _named_folders_masked(_masked(text))
        words = _words(masked)
        weight = {t: self.idf[t] for t in _terms(words, _lead(masked), masked) if self.idf.get(t, 0.0) > 0.0}
        if words and words[0] in weight:
            weight[words[0]] *= LEAD_WEIGHT  # "ask ...", "forget ...": a command's first word says the most
        total = sum(weight.values()) + PRIOR_WEIGHT
        if total == PRIOR_WEIGHT:
            return dict.fromkeys(self.terms, 0.0)
        scores = dict.fromkeys(self.terms, 0.0)
        for term, w in weight.items():
            for owner in self.owners_of[term]:
                scores[owner] += w / total
        return scores
