"""Security cases A1-A4, A7-A9 through the files tools (the boundary itself is tested in tests/policy)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from llmos_files import Files

from llmos_shell.errors import ToolError


def test_a1_traversal_is_refused(files: Files) -> None:
    with pytest.raises(ToolError, match="path resolves outside workspace"):
        files.read("../../../etc/passwd")


@pytest.mark.parametrize("path", ["/etc/hostname", "~/.ssh/id_rsa", "/proc/self/environ"])
def test_a2_absolute_and_secret_paths_are_refused(files: Files, path: str) -> None:
    with pytest.raises(ToolError):
        files.read(path)


def test_a3_symlink_to_a_directory_outside_is_refused(files: Files, ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "etc"
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0")
    (ws / "etc-link").symlink_to(outside)
    with pytest.raises(ToolError, match="outside workspace"):
        files.read("etc-link/passwd")
    with pytest.raises(ToolError, match="outside workspace"):
        files.search("root", "etc-link")


def test_a3_symlinked_file_outside_is_refused(files: Files, ws: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("s3cret")
    (ws / "innocent.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(ToolError, match="outside workspace"):
        files.read("innocent.txt")
    # search skips the link (it is not a regular file), so the secret never shows
    assert files.search("s3cret").data == []


def test_a4_symlinked_parent_for_writing_is_refused(files: Files, ws: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (ws / "claude").symlink_to(target)
    with pytest.raises(ToolError):
        files.write("claude/x.txt", "pwned")
    assert not (target / "x.txt").exists()


def test_write_through_a_symlink_inside_is_refused(files: Files, ws: Path) -> None:
    (ws / "real.txt").write_text("real")
    (ws / "alias.txt").symlink_to(ws / "real.txt")
    with pytest.raises(ToolError, match="symbolic link"):
        files.write("alias.txt", "changed")
    assert (ws / "real.txt").read_text() == "real"


@pytest.mark.parametrize("path", ["a\x00b", "x" * 10_000, "%2e%2e/etc/passwd", "..\\..\\etc", "\u2025/etc/passwd"])
def test_a7_path_tricks_are_validation_errors(files: Files, ws: Path, path: str) -> None:
    before = sorted(os.listdir(ws))
    with pytest.raises(ToolError):
        files.write(path, "x")
    with pytest.raises(ToolError):
        files.read(path)
    assert sorted(os.listdir(ws)) == before


def test_a8_fifo_is_refused_without_blocking(files: Files, ws: Path) -> None:
    os.mkfifo(ws / "pipe")
    with pytest.raises(ToolError, match="not a regular file"):
        files.read("pipe")


def test_a8_sparse_huge_file_is_read_in_a_window(files: Files, ws: Path) -> None:
    with open(ws / "sparse.log", "wb") as fh:
        fh.write(b"start\n" * 20_000)  # 120 kB of text, then 10 GB of holes
        fh.truncate(10 * 1024**3)
    result = files.read("sparse.log")
    assert result.truncated and result.content.startswith("start\n")
    assert "10.7 GB in all" in result.content
    assert len(result.content) < 40_000  # one window, not the file


def test_a9_hard_link_to_an_outside_file_is_not_overwritten(files: Files, ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("original")
    os.link(outside, ws / "hard.txt")
    with pytest.raises(ToolError, match="hard link"):
        files.write("hard.txt", "changed")
    assert outside.read_text() == "original"
