"""Markdown answers made fit to be read aloud.

A model's answer is Markdown for the terminal. Read out as it is, a voice says "backtick
backtick backtick python" and spells out link targets. :func:`speakable` keeps the words and
drops the markup: fenced code blocks become one short sentence (the code stays on screen),
inline code, emphasis, heading marks, list bullets, quote marks and table rules go, and a link
or image is read as its text.
"""

from __future__ import annotations

import re

__all__ = ["CODE_BLOCK", "speakable"]

CODE_BLOCK = "(A code block is shown in the text.)"

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]*\1[ \t]*$|\Z)", re.DOTALL | re.MULTILINE)
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_INLINE_CODE = re.compile(r"`+([^`\n]+)`+")
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3})(?=\S)([^\n]*?\S)\1")
_LINE_MARK = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+(?:\[[ xX]\][ \t]+)?)", re.MULTILINE)
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$", re.MULTILINE)
_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.MULTILINE)


def speakable(text: str) -> str:
    """``text`` (Markdown) as plain sentences for text to speech.

    >>> speakable("**Done.** See `notes.md`:\\n```python\\nprint(1)\\n```")
    'Done. See notes.md:\\n(A code block is shown in the text.)'
    """
    text = _FENCE.sub(CODE_BLOCK, text)
    text = _TABLE_RULE.sub("", text)
    text = _RULE.sub("", text)
    text = _IMAGE_OR_LINK.sub(r"\1", text)
    text = _INLINE_CODE.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _LINE_MARK.sub("", text)
    text = re.sub(r"[ \t]*\|[ \t]*", ", ", text)  # table cells
    text = re.sub(r"^, |, $", "", text, flags=re.MULTILINE)
    return re.sub(r"\n{2,}", "\n", text).strip()
