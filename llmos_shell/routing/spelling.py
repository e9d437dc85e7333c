"""Misspelt command words: "rememeber" means remember, "forgett" means forget.

A tool's example phrases give the words that tell tools apart. A request word of six
letters or more that is not one of them, but is one typing slip away from exactly one of
them (a letter missing or doubled, or two neighbours swapped), is read as that word when
tools are scored and command words are trimmed. A wrong letter is no slip here: without a
dictionary, "story" and "store" or "remote" and "remove" cannot be told from typos.
Argument values are never rewritten: they are copied from the request as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .lexical import stem

__all__ = ["MIN_LENGTH", "Speller", "one_slip"]

MIN_LENGTH = 6  # shorter words are too close to each other to guess ("stats"/"status", "lunch"/"launch")
_SLOT = re.compile(r"\{\w+\}")
# A word on its own, not part of a path or a name ("notes/rememeber.txt", "get_user").
_TOKEN = re.compile(r"(?<![\w./\\~-])[A-Za-z]{" + str(MIN_LENGTH) + r",}(?![\w./\\-])")


def one_slip(typed: str, word: str) -> bool:
    """``typed`` is ``word`` with one letter missing or extra, or two neighbours swapped; the first
    letter must be right (slips rarely hit it)."""
    if typed == word or not typed or not word or typed[0] != word[0] or abs(len(typed) - len(word)) > 1:
        return False
    if len(typed) == len(word):
        diff = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        return (len(diff) == 2 and diff[1] == diff[0] + 1 and typed[diff[0]] == word[diff[1]]
                and typed[diff[1]] == word[diff[0]])  # fmt: skip
    short, long = (typed, word) if len(typed) < len(word) else (word, typed)
    i = next((i for i, (a, b) in enumerate(zip(short, long, strict=False)) if a != b), len(short))
    return short[i:] == long[i + 1 :]


class Speller:
    """Reads slips of the words in ``phrases`` (a tool set's example phrases)."""

    def __init__(self, phrases: Iterable[str]) -> None:
        words = {w.lower() for p in phrases for w in re.findall(r"[A-Za-z]+", _SLOT.sub(" ", p))}
        self.known = frozenset(w for w in words if len(w) >= MIN_LENGTH)
        self._stems = frozenset(stem(w) for w in words)

    def word(self, typed: str) -> str | None:
        """The phrase word ``typed`` is a slip of; None when it is one itself, a form of one
        ("reading"), or near none or several."""
        t = typed.lower()
        if len(t) < MIN_LENGTH or t in self.known or self._form_of_known(t):
            return None
        near = [w for w in self.known if one_slip(t, w)]
        return near[0] if len(near) == 1 else None

    def _form_of_known(self, t: str) -> bool:
        """ "stored" of "store", "sentences" of "sentence": a form of a phrase word, not a slip."""
        root = stem(t)
        return root in self._stems or any(w.startswith(root) for w in self.known if len(root) >= 4)

    def correct(self, text: str) -> str:
        """``text`` with each slipped word replaced by the phrase word it means."""
        return _TOKEN.sub(lambda m: self.word(m.group(0)) or m.group(0), text)
