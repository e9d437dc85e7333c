"""Text out of documents: plain text, Markdown, source code, HTML (stdlib parser) and PDF (pypdf).

:func:`extract` takes a file's name and bytes and returns an :class:`Extracted` with the text and,
for PDFs, where each page starts in it (so a chunk can name its page). Anything it cannot read
raises :class:`ExtractError` with a message saying why.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["CODE_EXTENSIONS", "SUPPORTED_EXTENSIONS", "ExtractError", "Extracted", "extract", "kind_of"]

TEXT_EXTENSIONS = frozenset({"txt", "text", "log", "rst", "org", "tex", "csv", "tsv", "adoc"})
MARKDOWN_EXTENSIONS = frozenset({"md", "markdown", "mdx"})
HTML_EXTENSIONS = frozenset({"html", "htm", "xhtml"})
CODE_EXTENSIONS = frozenset(
    "py pyi js mjs cjs ts tsx jsx java kt kts scala c h cc cpp cxx hpp hh cs go rs rb php pl pm lua r jl swift m mm "
    "sh bash zsh fish ps1 sql toml yaml yml json ini cfg conf xml css scss vue svelte dart ex exs erl hs ml clj "
    "el vim mk cmake dockerfile makefile proto graphql".split()
)
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS | MARKDOWN_EXTENSIONS | HTML_EXTENSIONS | CODE_EXTENSIONS | {"pdf"}


class ExtractError(Exception):
    """The file cannot be turned into text (binary, encrypted PDF, unsupported type)."""


@dataclass
class Extracted:
    """Extracted text. ``kind`` is ``text``, ``markdown``, ``code``, ``html`` or ``pdf``;
    ``page_starts[i]`` is the offset in ``text`` where page ``i + 1`` begins (PDF only)."""

    text: str
    kind: str
    pages: int = 1
    page_starts: list[int] = field(default_factory=list)
    title: str = ""

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding ``offset`` (None when the document has no pages)."""
        if not self.page_starts:
            return None
        page = 1
        for i, start in enumerate(self.page_starts):
            if start <= offset:
                page = i + 1
            else:
                break
        return page


def kind_of(name: str) -> str | None:
    """The document kind for a file name, or None when the extension is not supported."""
    base = name.rsplit("/", 1)[-1].lower()
    ext = base.rsplit(".", 1)[-1] if "." in base else base
    if ext == "pdf":
        return "pdf"
    if ext in HTML_EXTENSIONS:
        return "html"
    if ext in MARKDOWN_EXTENSIONS:
        return "markdown"
    if ext in TEXT_EXTENSIONS:
        return "text"
    if ext in CODE_EXTENSIONS:
        return "code"
    return None


def extract(name: str, data: bytes, *, kind: str | None = None) -> Extracted:
    """Turn ``data`` (the bytes of the file ``name``) into text; ``kind`` overrides the extension."""
    kind = kind or kind_of(name) or "text"
    if kind == "pdf" or data.startswith(b"%PDF-"):
        return _pdf(data)
    text = _decode(name, data)
    if kind == "html":
        parser = _HTMLText()
        parser.feed(text)
        parser.close()
        return Extracted(text=parser.text(), kind="html", title=parser.title)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    title = ""
    if kind == "markdown":
        m = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
        title = m.group(1).strip() if m else ""
    return Extracted(text=text, kind=kind, title=title)


def _decode(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        raise ExtractError(f"{name} is a binary file, not a document")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="replace")


def _pdf(data: bytes) -> Extracted:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency
        raise ExtractError("reading PDFs needs the pypdf package: pip install pypdf") from exc
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractError("the PDF is encrypted with a password")
        parts: list[str] = []
        starts: list[int] = []
        offset = 0
        for page in reader.pages:
            text = (page.extract_text() or "").strip()
            starts.append(offset)
            parts.append(text)
            offset += len(text) + 2
    except ExtractError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        raise ExtractError(f"the PDF cannot be read ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of error on broken files
        raise ExtractError(f"the PDF cannot be read ({type(exc).__name__}: {exc})") from None
    text = "\n\n".join(parts)
    if not text.strip():
        raise ExtractError("the PDF has no text layer (a scan?): use vision.read_text on page images instead")
    return Extracted(text=text, kind="pdf", pages=len(parts), page_starts=starts)


_HEAVY = frozenset(
    "address article aside blockquote details dialog dl fieldset figure footer form h1 h2 h3 h4 h5 h6 header hr "
    "main nav ol p pre section table ul caption figcaption summary".split()
)
_LIGHT = frozenset("br dd div dt li tr".split())
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head"})


class _HTMLText(HTMLParser):
    """Visible text of an HTML page: block elements become line breaks, scripts and styles vanish."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._skip = 0
        self._pre = 0
        self._in_title = False
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP:
            self._skip += 1
        elif tag == "pre":
            self._pre += 1
        if tag in _HEAVY:
            self._parts.append("\n\n")
        elif tag in _LIGHT:
            self._parts.append("\n")
        if tag == "li":
            self._parts.append("- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "hr"}:
            self._parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in _HEAVY:
            self._parts.append("\n\n")
        elif tag in {"td", "th"}:
            self._parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data.strip()
            return
        if self._skip:
            return
        self._parts.append(data if self._pre else re.sub(r"\s+", " ", data))

    def text(self) -> str:
        raw = "".join(self._parts)
        lines = [line.strip() for line in raw.split("\n")]
        out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        return out if not self.title or out.startswith(self.title) else f"{self.title}\n\n{out}"
