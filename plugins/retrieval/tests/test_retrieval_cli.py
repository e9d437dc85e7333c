"""``llmos docs add|list|remove`` and ``llmos ask`` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmos_shell.cli import main
from llmos_shell.kernel.scripted import ScriptedKernel


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: object, kernel: ScriptedKernel) -> Path:
    monkeypatch.setenv("LLMOS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LLMOS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("LLMOS_PLUGINS", "retrieval")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "llmos.toml").write_text("[plugins.retrieval]\nmin_score = 0.1\n")
    work = tmp_path / "work"
    (work / "docs").mkdir(parents=True)
    monkeypatch.chdir(work)
    (work / "docs" / "kites.md").write_text("# Kites\n\nA box kite flies best in winds of 15 to 25 km/h.\n")
    (work / "docs" / "bread.txt").write_text("Sourdough rises for twelve hours in a cool kitchen.\n")
    return work


def test_add_list_ask_remove(cli_env: Path, kernel: ScriptedKernel, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "add", "docs"]) == 0
    assert capsys.readouterr().out.startswith("docs: 2 indexed; 2 chunks stored in")
    assert main(["docs", "add", "docs"]) == 0
    assert "docs: 2 unchanged; 0 chunks" in capsys.readouterr().out

    assert main(["docs", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted(e["file"] for e in listed) == ["docs/bread.txt", "docs/kites.md"]

    kernel.enqueue({"source": 1, "answer": "A box kite flies best in winds of 15 to 25 km/h."})
    assert main(["ask", "What", "wind", "suits", "a", "box", "kite?"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("A box kite flies best in winds of 15 to 25 km/h. [docs/kites.md:1]")

    kernel.enqueue({"source": 1, "answer": "Sourdough rises for twelve hours."})
    assert main(["ask", "--json", "how long does sourdough rise?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "answered" and data["citations"] == ["docs/bread.txt:1"]

    assert main(["docs", "remove", "docs/kites.md"]) == 0
    assert capsys.readouterr().out.strip() == "Removed 1 document (1 chunks)."
    assert main(["docs", "remove", "docs/kites.md"]) == 2
    assert "not in the library: docs/kites.md" in capsys.readouterr().err


def test_failed_files_give_exit_code_6(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (cli_env / "docs" / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    assert main(["docs", "add", "docs"]) == 6
    captured = capsys.readouterr()
    assert "broken.pdf" in captured.out and "1 file could not be ingested" in captured.err


def test_missing_path_and_empty_question(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "add", "nope"]) == 2
    assert "no such file or folder: nope" in capsys.readouterr().err
    assert main(["ask", " "]) == 2


def test_docs_add_reads_only_below_the_given_folder(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("launch codes")
    (cli_env / "docs" / "leak.txt").symlink_to(secret)
    assert main(["docs", "add", "docs", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert sorted(f["file"] for f in report["files"]) == ["docs/bread.txt", "docs/kites.md"]


def test_plugin_disabled_is_a_clear_usage_error(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LLMOS_PLUGINS", "files")
    assert main(["docs", "list"]) == 2
    assert "the retrieval plugin is not available" in capsys.readouterr().err
