from __future__ import annotations

import pytest
from llmos_retrieval.extract import ExtractError, extract, kind_of
from retrieval_pdfgen import pdf_bytes


def test_kinds_by_extension() -> None:
    assert [kind_of(n) for n in ("a.md", "b.HTML", "c.pdf", "d.py", "e.txt", "f.exe", "Makefile")] == [
        "markdown", "html", "pdf", "code", "text", None, "code",
    ]  # fmt: skip


def test_pdf_text_and_pages() -> None:
    data = pdf_bytes([["Otters hold hands (really).", "Second line."], ["Page two: 42 owls."]], title="Zoo")
    doc = extract("zoo.pdf", data)
    assert doc.kind == "pdf" and doc.pages == 2
    assert "Otters hold hands (really)." in doc.text and "Page two: 42 owls." in doc.text
    assert doc.page_at(0) == 1
    assert doc.page_at(doc.text.index("Page two")) == 2


def test_broken_and_empty_pdfs_are_clear_errors() -> None:
    with pytest.raises(ExtractError, match="cannot be read"):
        extract("bad.pdf", b"%PDF-1.4\ngarbage that is not a pdf")
    with pytest.raises(ExtractError, match="no text layer"):
        extract("scan.pdf", pdf_bytes([[]]))


def test_html_visible_text_only() -> None:
    html = (
        b"<html><head><title>Guide</title><style>p{color:red}</style><script>steal()</script></head>"
        b"<body><h1>Setup</h1><p>Run the <b>installer</b> &amp; wait.</p><ul><li>one</li><li>two</li></ul>"
        b"<table><tr><td>a</td><td>b</td></tr></table><noscript>enable js</noscript></body></html>"
    )
    doc = extract("guide.html", html)
    assert doc.title == "Guide"
    assert doc.text == "Guide\n\nSetup\n\nRun the installer & wait.\n\n- one\n- two\n\na b"


def test_markdown_title_code_and_encodings() -> None:
    assert extract("n.md", b"intro\n# The Title\nbody").title == "The Title"
    assert extract("x.py", "def f():\n    return 'é'\n".encode()).kind == "code"
    assert extract("bom.txt", b"\xef\xbb\xbfhello").text == "hello"
    assert extract("u16.txt", "hé".encode("utf-16")).text == "hé"
    assert extract("crlf.txt", b"a\r\nb").text == "a\nb"


def test_binary_is_refused() -> None:
    with pytest.raises(ExtractError, match="binary"):
        extract("blob.txt", b"abc\x00def")
