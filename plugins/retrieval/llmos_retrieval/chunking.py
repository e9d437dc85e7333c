"""Splitting text into overlapping chunks along paragraphs and sentences.

:func:`chunk_text` packs whole paragraphs into chunks of about ``size`` characters. A paragraph
longer than that is split between sentences, a sentence longer than that between words. Each
chunk after the first starts with the last sentences (at most ``overlap`` characters, cut at a
word boundary when one sentence is longer) of the chunk before it, so a fact that straddles a
boundary is whole in at least one chunk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Chunk", "chunk_text"]

_PARAGRAPH = re.compile(r"\n[ \t]*\n+")
_SENTENCE_END = re.compile("(?<=[.!?\u3002\uff01\uff1f])" r"[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9À-ÖØ-Þ])|\n")


@dataclass(frozen=True)
class Chunk:
    """One chunk: its text and the offset in the source text where its own (non-overlap) part starts."""

    text: str
    start: int


def _pieces(text: str, size: int) -> list[tuple[str, int, int]]:
    """Paragraphs (or sentences / word runs of over-long paragraphs), each <= size, with their
    offsets and the number of the paragraph they belong to."""
    out: list[tuple[str, int, int]] = []
    number = 0
    pos = 0
    for m in [*_PARAGRAPH.finditer(text), None]:
        end = m.start() if m else len(text)
        para = text[pos:end]
        lead = len(para) - len(para.lstrip())
        para_start, para = pos + lead, para.strip()
        pos = m.end() if m else len(text)
        if not para:
            continue
        number += 1
        if len(para) <= size:
            out.append((para, para_start, number))
            continue
        s_pos = 0
        for sm in [*_SENTENCE_END.finditer(para), None]:
            s_end = sm.end() if sm else len(para)
            sentence = para[s_pos:s_end].strip()
            s_start = para_start + s_pos + (len(para[s_pos:s_end]) - len(para[s_pos:s_end].lstrip()))
            s_pos = s_end
            if not sentence:
                continue
            if len(sentence) <= size:
                out.append((sentence, s_start, number))
                continue
            for w_start, piece in _word_runs(sentence, size):
                out.append((piece, s_start + w_start, number))
    return out


def _word_runs(sentence: str, size: int) -> list[tuple[int, str]]:
    runs: list[tuple[int, str]] = []
    start = 0
    while start < len(sentence):
        end = min(len(sentence), start + size)
        if end < len(sentence):
            cut = sentence.rfind(" ", start + size // 2, end)
            end = cut if cut > start else end
        piece = sentence[start:end].strip()
        if piece:
            runs.append((start, piece))
        start = end
        while start < len(sentence) and sentence[start] == " ":
            start += 1
    return runs


def _tail(text: str, overlap: int) -> str:
    """The last sentences of ``text`` fitting in ``overlap`` characters (else its last words)."""
    if overlap <= 0 or not text:
        return ""
    if len(text) <= overlap:
        return text
    window = text[-overlap:]
    boundaries = [m.end() for m in _SENTENCE_END.finditer(window)]
    if boundaries and boundaries[0] < len(window):
        return window[boundaries[0] :].strip()
    space = window.find(" ")
    return window[space + 1 :].strip() if 0 <= space < len(window) - 1 else window.strip()


def chunk_text(text: str, size: int = 800, overlap: int = 150) -> list[Chunk]:
    """Split ``text`` into chunks of about ``size`` characters with ``overlap`` characters carried over.

    Pieces of one paragraph are joined with a space, paragraphs with a blank line.
    """
    if size < 50:
        raise ValueError("chunk size must be at least 50 characters")
    if not 0 <= overlap < size:
        raise ValueError("overlap must be at least 0 and smaller than the chunk size")
    chunks: list[Chunk] = []
    body = ""
    body_start = 0
    last_para = 0
    for piece, start, para in _pieces(text, size):
        sep = "" if not body else (" " if para == last_para else "\n\n")
        if body and len(body) + len(sep) + len(piece) > size:
            chunks.append(Chunk(body, body_start))
            carried = _tail(body, overlap)
            if carried and len(carried) + 2 + len(piece) <= size + overlap:
                body, sep = carried, (" " if para == last_para else "\n\n")
            else:
                body, sep = "", ""
            body_start = start
        if not body:
            body_start = start
        body += sep + piece
        last_para = para
    if body:
        chunks.append(Chunk(body, body_start))
    return chunks
