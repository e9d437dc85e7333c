"""Audit log: hash chain, tamper detection, permissions, concurrency."""

from __future__ import annotations

import itertools
import json
import os
import threading

import pytest

from llmos_shell.policy.audit import GENESIS, AuditLog


@pytest.fixture
def log(tmp_path):
    log = AuditLog(tmp_path / "data" / "audit.jsonl")
    for i in range(5):
        log.record(tool=f"t{i}", arguments={"i": i}, decision="allow", rule="r", mode="default",
                   provenance=["user"], outcome="ok")  # fmt: skip
    return log


def _lines(log):
    return log.path.read_text().splitlines()


def _write(log, lines):
    log.path.write_text("".join(line + "\n" for line in lines))


def test_chain_is_valid(log):
    ok, problems = log.verify()
    assert ok and problems == []
    recs = list(log.records())
    assert [r["seq"] for r in recs] == [1, 2, 3, 4, 5]
    assert recs[0]["prev"] == GENESIS
    assert all(b["prev"] == a["hash"] for a, b in itertools.pairwise(recs))
    assert set(recs[0]) >= {"time", "tool", "arguments", "rule", "mode", "provenance", "decision", "outcome", "hash"}


def test_detects_edit(log):
    lines = _lines(log)
    rec = json.loads(lines[2])
    rec["decision"] = "deny"
    lines[2] = json.dumps(rec)
    _write(log, lines)
    ok, problems = log.verify()
    assert not ok and any("line 3: hash mismatch" in p for p in problems)


def test_detects_deletion(log):
    lines = _lines(log)
    del lines[1]
    _write(log, lines)
    ok, problems = log.verify()
    assert not ok and any("deleted or reordered" in p for p in problems)


def test_detects_reordering(log):
    lines = _lines(log)
    lines[1], lines[2] = lines[2], lines[1]
    _write(log, lines)
    ok, problems = log.verify()
    assert not ok and any("chain broken" in p for p in problems)


def test_detects_tail_truncation(log):
    _write(log, _lines(log)[:3])
    ok, problems = log.verify()
    assert not ok and any("tail truncated" in p for p in problems)


def test_detects_tail_replacement(log, tmp_path):
    lines = _lines(log)
    other = AuditLog(tmp_path / "other" / "audit.jsonl")
    for i in range(5):
        other.record(tool=f"x{i}", arguments={}, decision="deny")
    _write(log, lines[:4] + _lines(other)[4:])
    ok, _problems = log.verify()
    assert not ok


def test_detects_garbage_line(log):
    with open(log.path, "a") as fh:
        fh.write("not json\n")
    ok, problems = log.verify()
    assert not ok and any("not valid JSON" in p for p in problems)


def test_permissions_0600(log):
    assert os.stat(log.path).st_mode & 0o777 == 0o600
    assert os.stat(log.head_path).st_mode & 0o777 == 0o600


def test_refuses_symlinked_log(tmp_path):
    (tmp_path / "data").mkdir(mode=0o700, exist_ok=True)
    target = tmp_path / "elsewhere.txt"
    target.write_text("")
    (tmp_path / "data" / "audit.jsonl").symlink_to(target)
    with pytest.raises(OSError):
        AuditLog(tmp_path / "data" / "audit.jsonl").record(tool="t", arguments={}, decision="allow")
    assert target.read_text() == ""


def test_concurrent_writers_keep_one_chain(tmp_path):
    path = tmp_path / "data" / "audit.jsonl"
    logs = [AuditLog(path) for _ in range(4)]  # separate handles, as separate sessions would have

    def write(log: AuditLog) -> None:
        for i in range(50):
            log.record(tool="t", arguments={"i": i}, decision="allow")

    threads = [threading.Thread(target=write, args=(lg,)) for lg in logs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok, problems = AuditLog(path).verify()
    assert ok, problems
    assert len(list(AuditLog(path).records())) == 200


def test_tail_and_default_path(log, tmp_path, monkeypatch):
    assert [r["tool"] for r in log.tail(2)] == ["t3", "t4"]
    assert AuditLog.default().path == tmp_path / "data" / "audit.jsonl"
