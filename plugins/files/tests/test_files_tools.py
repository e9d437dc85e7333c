"""The five files tools on real files in a temporary workspace."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from llmos_files import Files, FilesConfig
from llmos_files import plugin as files_plugin

from llmos_shell.errors import ToolError
from llmos_shell.plugins import load_plugins


def _tree(root: Path) -> None:
    (root / "docs").mkdir()
    (root / "docs" / "deep").mkdir()
    (root / "src").mkdir()
    (root / ".git").mkdir()
    (root / "notes.txt").write_text("shopping list\nbuy milk\nBUY bread\n")
    (root / "docs" / "Report.PDF").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (root / "docs" / "deep" / "plan.pdf").write_bytes(b"%PDF-1.4\n")
    (root / "docs" / "readme.md").write_text("# Plan\nWe buy a boat.\n")
    (root / "src" / "app.py").write_text("def buy():\n    return 'milk'\n")
    (root / "src" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"buy")
    (root / ".git" / "config.pdf").write_bytes(b"%PDF")


# -- registration ------------------------------------------------------------------
def test_plugin_registers_five_tools_through_the_host() -> None:
    host = load_plugins(extra={"files": files_plugin}, entry_points=False)
    assert host.plugins["files"].status == "ok", host.plugins["files"].errors
    tools = host.tools
    assert sorted(tools) == ["files.find", "files.list", "files.read", "files.search", "files.write"]
    assert tools["files.write"].effects == frozenset({"write"})
    assert all(
        tools[n].effects == frozenset({"read"}) for n in ("files.list", "files.find", "files.search", "files.read")
    )
    assert tools["files.read"].path_args == ("path",)
    assert tools["files.find"].path_args == ("directory",)
    for tool in tools.values():
        assert len(tool.examples) >= 8, tool.name  # the router team tunes these
        params = set(tool.schema()["properties"])
        for example in tool.examples:  # every {placeholder} names a real parameter
            for placeholder in __import__("re").findall(r"\{(\w+)\}", example):
                assert placeholder in params, (tool.name, example)


def test_bad_configuration_names_the_key() -> None:
    host = load_plugins({"files": {"read_window_bytes": "lots"}}, extra={"files": files_plugin}, entry_points=False)
    assert host.plugins["files"].status == "failed"
    assert "read_window_bytes" in host.plugins["files"].errors[0]
    files_plugin.llmos_configure({})  # restore the module's defaults


# -- list ----------------------------------------------------------------------------
def test_list_shows_dirs_first_with_kind_and_size(files: Files, ws: Path) -> None:
    _tree(ws)
    result = files.list()
    names = [row["name"] for row in result.data]
    assert names == [".git/", "docs/", "src/", "notes.txt"]
    notes = result.data[-1]
    assert notes["kind"] == "file" and notes["size"] == len("shopping list\nbuy milk\nBUY bread\n")
    assert result.provenance == "file"
    lines = result.content.splitlines()
    assert lines[0] == ".: 4 entries"
    assert lines[1].split() == ["name", "kind", "size", "modified"]
    assert "notes.txt" in lines[-1] and "33 B" in lines[-1]


def test_list_subfolder_and_cap(ws: Path) -> None:
    _tree(ws)
    small = Files(FilesConfig(list_max_entries=1))
    result = small.list("docs")
    assert len(result.data) == 1 and result.truncated
    assert "showing the first 1" in result.content
    assert result.data[0]["path"] == "docs/deep"


def test_list_shows_symlinks_without_following(files: Files, ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("s3cret")
    (ws / "out").symlink_to(outside)
    (ws / "in").symlink_to(ws / "notes.txt")
    (ws / "notes.txt").write_text("x")
    rows = {r["name"]: r for r in files.list().data}
    assert rows["out"]["kind"] == "symlink" and rows["out"]["target"] == "(outside the workspace)"
    assert rows["in"]["target"] == "notes.txt"
    with pytest.raises(ToolError, match="outside workspace"):
        files.list("out")


# -- find ----------------------------------------------------------------------------
def test_find_pdfs_recursively_case_insensitive_skipping_git(files: Files, ws: Path) -> None:
    _tree(ws)
    result = files.find("PDFs")
    assert [r["path"] for r in result.data] == ["docs/deep/plan.pdf", "docs/Report.PDF"]
    assert result.content.startswith("2 matches for *.pdf in the workspace")


def test_find_in_a_subfolder_with_an_explicit_glob_and_a_name_part(files: Files, ws: Path) -> None:
    _tree(ws)
    assert [r["path"] for r in files.find("*.md", "docs").data] == ["docs/readme.md"]
    assert [r["path"] for r in files.find("app").data] == ["src/app.py"]
    assert [r["path"] for r in files.find("deep/*.pdf", "docs").data] == ["docs/deep/plan.pdf"]


def test_find_does_not_descend_into_symlinked_folders(files: Files, ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "leak.pdf").write_bytes(b"%PDF")
    (ws / "link").symlink_to(outside)
    assert files.find("pdf").data == []


def test_find_stops_at_the_result_cap(ws: Path) -> None:
    for i in range(5):
        (ws / f"f{i}.txt").write_text("x")
    result = Files(FilesConfig(find_max_results=3)).find("txt")
    assert len(result.data) == 3 and result.truncated
    assert "stopped early" in result.content


def test_find_refuses_a_directory_outside(files: Files) -> None:
    with pytest.raises(ToolError, match="outside workspace"):
        files.find("*", "/etc")


# -- search --------------------------------------------------------------------------
def test_search_finds_lines_case_insensitively_and_skips_binaries(files: Files, ws: Path) -> None:
    _tree(ws)
    result = files.search("buy")
    found = [(r["path"], r["line"]) for r in result.data]
    assert found == [("docs/readme.md", 2), ("notes.txt", 2), ("notes.txt", 3), ("src/app.py", 1)]
    assert "binary skipped" in result.content
    assert all(r["path"] != "src/logo.png" for r in result.data)
    assert result.provenance == "file"


def test_search_a_single_file_and_cap(ws: Path) -> None:
    (ws / "log.txt").write_text("error\n" * 50)
    result = Files(FilesConfig(search_max_matches=10)).search("ERROR", "log.txt")
    assert len(result.data) == 10 and result.truncated
    assert "stopped at 10 matches" in result.content


def test_search_detects_binary_content_without_an_extension(files: Files, ws: Path) -> None:
    (ws / "blob").write_bytes(b"needle\x00\x01\x02" * 10)
    (ws / "text").write_text("a needle here")
    assert [r["path"] for r in files.search("needle").data] == ["text"]


def test_search_excerpts_long_lines(files: Files, ws: Path) -> None:
    (ws / "min.js").write_text("x" * 5000 + "needle" + "y" * 5000)
    row = files.search("needle").data[0]
    assert "needle" in row["text"] and len(row["text"]) <= 202


def test_search_requires_text(files: Files) -> None:
    with pytest.raises(ToolError, match="give the text"):
        files.search("  ")


# -- read ----------------------------------------------------------------------------
def test_read_small_text_file(files: Files, ws: Path) -> None:
    (ws / "a.txt").write_text("one\ntwo\n")
    result = files.read("a.txt")
    assert result.content == "one\ntwo\n"
    assert result.provenance == "file" and result.source == "a.txt" and not result.truncated


def test_read_large_file_in_windows_with_a_notice(ws: Path) -> None:
    (ws / "big.txt").write_text("".join(f"line {i}\n" for i in range(1, 1001)))
    files = Files(FilesConfig(read_window_lines=100))
    first = files.read("big.txt")
    assert first.truncated and first.data["end_line"] == 100 and first.data["next_start_line"] == 101
    assert first.content.splitlines()[0] == "line 1"
    assert "[truncated: showing lines 1-100 of big.txt" in first.content
    assert "start_line=101" in first.content
    second = files.read("big.txt", start_line=101)
    assert second.content.splitlines()[0] == "line 101"
    last = files.read("big.txt", start_line=901)
    assert not last.truncated and last.content.splitlines()[-1] == "line 1000"
    with pytest.raises(ToolError, match="only 1000 lines"):
        files.read("big.txt", start_line=1001)


def test_read_byte_window_does_not_cut_a_line_or_a_character(ws: Path) -> None:
    (ws / "u.txt").write_text("é" * 200 + "\n" + "ü" * 400 + "\n")
    result = Files(FilesConfig(read_window_bytes=500)).read("u.txt")
    assert result.truncated
    assert result.content.split("\n\n[truncated")[0] == "é" * 200
    assert "\ufffd" not in result.content


def test_read_refuses_binary_with_a_hint(files: Files, ws: Path) -> None:
    _tree(ws)
    with pytest.raises(ToolError, match="vision"):
        files.read("src/logo.png")
    with pytest.raises(ToolError, match=r"retrieval\.ingest"):
        files.read("docs/Report.PDF")
    # an uncompressed PDF is nearly all ASCII: its magic bytes still mark it as binary
    (ws / "plain.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 20)
    with pytest.raises(ToolError, match=r"retrieval\.ingest"):
        files.read("plain.pdf")
    assert files.search("Catalog").data == []
    (ws / "clip.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00")
    with pytest.raises(ToolError, match="speech"):
        files.read("clip.wav")


def test_read_missing_file_and_directory(files: Files, ws: Path) -> None:
    (ws / "d").mkdir()
    with pytest.raises(ToolError, match=r"no such file: nope\.txt"):
        files.read("nope.txt")
    with pytest.raises(ToolError, match="is a directory"):
        files.read("d")


def test_read_expands_home_inside_the_workspace(files: Files, ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(ws))
    (ws / "h.txt").write_text("home sweet home")
    assert files.read("~/h.txt").content == "home sweet home"


# -- write ---------------------------------------------------------------------------
def test_write_creates_then_replaces_with_a_diff(files: Files, ws: Path) -> None:
    created = files.write("notes/todo.txt", "a\nb\nc\n")
    assert created.content == "Created notes/todo.txt (6 B, 3 lines)"
    assert created.data["action"] == "created"
    assert (ws / "notes" / "todo.txt").read_text() == "a\nb\nc\n"
    replaced = files.write("notes/todo.txt", "a\nB\nc\nd\n")
    assert replaced.content.splitlines()[:3] == [
        "Replaced notes/todo.txt (+2 -1 lines)",
        "--- a/notes/todo.txt",
        "+++ b/notes/todo.txt",
    ]
    assert "-b\n+B\n" in replaced.content and "+d" in replaced.content
    assert replaced.data["added"] == 2 and replaced.data["removed"] == 1
    assert (ws / "notes" / "todo.txt").read_text() == "a\nB\nc\nd\n"


def test_write_same_content_is_a_no_op(files: Files, ws: Path) -> None:
    (ws / "a.txt").write_text("same")
    before = os.stat(ws / "a.txt").st_ino
    assert files.write("a.txt", "same").data["action"] == "unchanged"
    assert os.stat(ws / "a.txt").st_ino == before


def test_write_over_binary_reports_without_a_diff(files: Files, ws: Path) -> None:
    (ws / "b.bin").write_bytes(b"\x00\x01\x02" * 10)
    result = files.write("b.bin", "text now")
    assert result.data["diff"] is None and "binary" in result.content


def test_write_refuses_oversized_content(ws: Path) -> None:
    with pytest.raises(ToolError, match="at most"):
        Files(FilesConfig(write_max_bytes=10)).write("x.txt", "x" * 11)
    assert not (ws / "x.txt").exists()


def test_write_to_a_directory_is_refused(files: Files, ws: Path) -> None:
    (ws / "d").mkdir()
    with pytest.raises(ToolError, match="is a directory"):
        files.write("d", "x")
