from __future__ import annotations

import pytest
from llmos_files.patterns import matches, normalise_pattern


@pytest.mark.parametrize(
    ("spoken", "globs"),
    [
        ("pdf", ["*.pdf"]),
        ("PDFs", ["*.pdf"]),
        ("pdfs", ["*.pdf"]),
        (".pdf", ["*.pdf"]),
        ("pdf files", ["*.pdf"]),
        ("all the PDF documents", ["*.pdf"]),
        ("python files", ["*.py"]),
        ("markdown", ["*.md", "*.markdown"]),
        (".toml", ["*.toml"]),
        ("*.tar.gz", ["*.tar.gz"]),
        ("notes-??.md", ["notes-??.md"]),
        ("report", ["*report*"]),
        ("README.md", ["*README.md*"]),
        ("", ["*"]),
    ],
)
def test_normalise_pattern(spoken: str, globs: list[str]) -> None:
    assert normalise_pattern(spoken) == globs


def test_images_cover_common_formats() -> None:
    globs = normalise_pattern("images")
    assert "*.png" in globs and "*.jpg" in globs and "*.webp" in globs


def test_matches_is_case_insensitive_and_path_aware() -> None:
    assert matches(["*.pdf"], "Report.PDF", "docs/Report.PDF")
    assert not matches(["*.pdf"], "report.pdf.txt", "report.pdf.txt")
    assert matches(["docs/*.md"], "a.md", "docs/a.md")
    assert not matches(["docs/*.md"], "a.md", "other/a.md")
