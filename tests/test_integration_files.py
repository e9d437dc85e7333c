"""Files, retrieval and system through the whole shell, on the shipped model (issue 5's requests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.model


def calls(stdout: str) -> dict[str, dict]:
    return {c["tool"]: c for c in json.loads(stdout)["tool_calls"]}


def test_read_notes(isolated: Path) -> None:
    Path("notes.txt").write_text("Call Ada at 5pm.\n")
    r = run_cli("run", "--json", "read notes.txt")
    assert r.returncode == 0, r.stderr
    c = calls(r.stdout)["files.read"]
    assert c["ok"] and "Call Ada at 5pm." in c["output"]
    assert json.loads(r.stdout)["answer"].startswith("Call Ada at 5pm.")


def test_find_the_pdfs_under_docs(isolated: Path) -> None:
    (Path("docs") / "sub").mkdir(parents=True)
    for name in ("docs/a.pdf", "docs/sub/b.pdf", "docs/c.txt", "top.pdf"):
        Path(name).write_bytes(b"%PDF-1.4\n")
    r = run_cli("run", "--json", "find the PDFs under docs")
    assert r.returncode == 0, r.stderr
    out = calls(r.stdout)["files.find"]["output"]
    assert "a.pdf" in out and "b.pdf" in out and "c.txt" not in out


def test_add_folder_then_ask_answers_with_citations(isolated: Path) -> None:
    Path("handbook").mkdir()
    Path("handbook/leave.md").write_text("# Leave\nNew employees get 25 vacation days per year.\n")
    Path("handbook/travel.md").write_text("# Travel\nTrain tickets are booked through the travel desk.\n")
    Path("handbook/security.md").write_text("# Security\nBadges must be worn at all times in the office.\n")
    request = "add the folder handbook/ to my documents, then ask how many vacation days new employees get"
    r = run_cli("run", "--json", "--yes", request)
    assert r.returncode == 0, r.stderr
    c = calls(r.stdout)
    assert c["retrieval.ingest"]["ok"]
    ask = c["retrieval.ask"]
    assert ask["arguments"] == {"question": "how many vacation days new employees get"}
    # every claim shown is cited from the ingested documents; whether the 135M model's answer is the
    # leave.md one varies from run to run (see the issue 5 note), so only the citation form is asserted
    assert ask["ok"] and "[handbook/" in ask["output"], ask["output"]


def test_disk_space_runs_only_after_approval(isolated: Path) -> None:
    r = run_cli("run", "--json", "how much disk space is free")
    assert r.returncode == 5, (r.returncode, r.stderr)  # no terminal, no --yes: the ask is a deny
    c = calls(r.stdout)["system.run"]
    assert not c["ok"] and c["output"].startswith("Cancelled:")
