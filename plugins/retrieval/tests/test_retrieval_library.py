"""Ingest, catalog, re-ingest, remove and search against a real memory store (hash embedder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from llmos_memory import MemoryStore
from llmos_retrieval import IngestEvent, Retrieval, RetrievalConfig
from retrieval_pdfgen import write_pdf

from llmos_shell.errors import ToolError
from llmos_shell.policy.boundary import Workspace


def _docs(ws: Path) -> Path:
    docs = ws / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "otters.md").write_text("# Otters\n\nSea otters hold hands while sleeping so they do not drift apart.\n")
    (docs / "etna.txt").write_text("Mount Etna is the most active volcano in Europe, on the island of Sicily.\n")
    (docs / "sub" / "page.html").write_text(
        "<html><body><p>The lighthouse keeper rings the bell at dusk.</p></body></html>"
    )
    (docs / "sub" / "tool.py").write_text('def brew():\n    """Brew the coffee for exactly four minutes."""\n')
    write_pdf(docs / "tea.pdf", [["Green tea is brewed at 80 degrees."], ["Black tea needs boiling water."]])
    (docs / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (docs / ".hidden.md").write_text("secret notes")
    return docs


def test_ingest_a_folder_of_mixed_documents(retrieval: Retrieval, ws: Path, store: MemoryStore) -> None:
    _docs(ws)
    events: list[IngestEvent] = []
    report = retrieval.ingest("docs", progress=events.append)
    assert report.count("indexed") == 5 and report.count("failed") == 0
    indexed = sorted(r.file for r in report.rows)
    assert indexed == ["docs/etna.txt", "docs/otters.md", "docs/sub/page.html", "docs/sub/tool.py", "docs/tea.pdf"]
    assert [e.status for e in events[:2]] == ["reading", "indexed"]
    assert events[-1].index == events[-1].total == 5
    catalog = retrieval.library.catalog()
    tea = catalog[str(ws / "docs" / "tea.pdf")]
    assert tea.kind == "pdf" and tea.pages == 2 and tea.complete
    hits = store.list(namespace="documents", limit=100)
    meta = next(h.metadata for h in hits if h.metadata["file"] == "docs/tea.pdf")
    assert meta["chunk"] == 1 and meta["page"] == 1 and len(meta["sha256"]) == 64 and meta["mtime"] > 0
    assert all(h.provenance == "file" for h in hits)
    assert report.pages == 2 + 4  # PDF pages + one page per other document


def test_unchanged_files_are_skipped_and_changed_ones_replaced(
    retrieval: Retrieval, ws: Path, store: MemoryStore
) -> None:
    docs = _docs(ws)
    retrieval.ingest("docs")
    before = store.count("documents")
    again = retrieval.ingest("docs")
    assert again.count("unchanged") == 5 and again.chunks == 0
    assert store.count("documents") == before
    # touched but identical content: still unchanged (sha256)
    os.utime(docs / "etna.txt", ns=(1, 1))
    assert retrieval.ingest("docs/etna.txt").rows[0].status == "unchanged"
    (docs / "etna.txt").write_text("Mount Etna erupted again in the spring.\n\nIts summit is 3,357 metres high.\n")
    report = retrieval.ingest("docs")
    assert report.count("updated") == 1 and report.count("unchanged") == 4
    texts = [m.text for m in store.list(namespace="documents", limit=100) if m.metadata["file"] == "docs/etna.txt"]
    assert texts and all("most active volcano" not in t for t in texts)
    assert store.count("documents") == before - 1 + len(texts)


def test_duplicate_chunks_within_a_file_are_stored_once(retrieval: Retrieval, ws: Path, store: MemoryStore) -> None:
    para = "This boilerplate paragraph repeats itself many times over in the file. " * 8
    (ws / "dup.txt").write_text("\n\n".join([para] * 5))
    report = retrieval.ingest("dup.txt")
    # five identical paragraphs: the first chunk, then one "overlap + paragraph" chunk stored once
    assert report.rows[0].chunks == 2 and store.count("documents") == 2


def test_copies_in_two_files_are_searched_once_and_removed_separately(retrieval: Retrieval, ws: Path) -> None:
    (ws / "a.txt").write_text("The secret ingredient of the soup is smoked paprika.")
    (ws / "b.txt").write_text("The secret ingredient of the soup is smoked paprika.")
    retrieval.ingest(".")
    passages = retrieval.library.search("secret ingredient soup")
    assert len([p for p in passages if "paprika" in p.text]) == 1
    gone = retrieval.library.remove("a.txt")
    assert [e.file for e in gone] == ["a.txt"]
    assert [p.file for p in retrieval.library.search("secret ingredient soup")] == ["b.txt"]


def test_remove_a_folder(retrieval: Retrieval, ws: Path, store: MemoryStore) -> None:
    _docs(ws)
    retrieval.ingest("docs")
    gone = retrieval.library.remove("docs/sub")
    assert sorted(e.file for e in gone) == ["docs/sub/page.html", "docs/sub/tool.py"]
    assert sorted(e.file for e in retrieval.library.catalog().values()) == [
        "docs/etna.txt", "docs/otters.md", "docs/tea.pdf",
    ]  # fmt: skip
    assert retrieval.library.remove("nothing/here") == []


def test_oversized_files_are_refused_without_reading(ws: Path, store: MemoryStore, kernel: object) -> None:
    (ws / "big.txt").write_text("x" * 5000)
    small = Retrieval(RetrievalConfig(max_file_bytes=1000))
    row = small.ingest("big.txt").rows[0]
    assert row.status == "skipped" and "max_file_bytes" in row.reason
    assert store.count("documents") == 0


def test_unreadable_documents_fail_alone(retrieval: Retrieval, ws: Path) -> None:
    (ws / "good.md").write_text("Good text about kites.")
    (ws / "bad.pdf").write_bytes(b"%PDF-1.4 this is broken")
    report = retrieval.ingest(".")
    status = {r.file: r.status for r in report.rows}
    assert status == {"bad.pdf": "failed", "good.md": "indexed"}
    assert "cannot be read" in next(r.reason for r in report.rows if r.file == "bad.pdf")


def test_symlinks_out_of_the_workspace_are_not_followed(retrieval: Retrieval, ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("the launch code is 0000")
    (ws / "link").symlink_to(outside)
    (ws / "leak.md").symlink_to(outside / "secret.md")
    (ws / "ok.md").write_text("fine")
    report = retrieval.ingest(".")
    assert [r.file for r in report.rows] == ["ok.md"]
    with pytest.raises(ToolError, match="outside workspace"):
        retrieval.ingest("link")
    with pytest.raises(ToolError, match="outside workspace"):
        retrieval.ingest("../outside")


def test_an_interrupted_store_write_leaves_no_half_file(
    ws: Path, store: MemoryStore, kernel: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    (ws / "long.txt").write_text(
        "\n\n".join(f"Paragraph {i} about topic {i} with enough words to fill space." * 3 for i in range(40))
    )
    lib = Retrieval(RetrievalConfig(batch_chunks=2))
    calls = {"n": 0}
    real_add_many = store.add_many

    def flaky(items: list[dict]) -> list[int]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real_add_many(items)

    monkeypatch.setattr(store, "add_many", flaky)
    with pytest.raises(OSError):
        lib.ingest("long.txt")
    assert store.count("documents") == 0
    monkeypatch.setattr(store, "add_many", real_add_many)
    assert lib.ingest("long.txt").rows[0].status == "indexed"


def test_a_workspace_can_be_given_explicitly(store: MemoryStore, kernel: object, tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "n.txt").write_text("notes from elsewhere")
    report = Retrieval().ingest(str(folder), workspace=Workspace(folder))
    assert report.count("indexed") == 1
    assert next(iter(Retrieval().library.catalog().values())).source == str(folder / "n.txt")
