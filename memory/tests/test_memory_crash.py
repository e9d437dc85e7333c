"""SECURITY-CASES group H: crash consistency and concurrency.

Child processes (memory_child.py) print the ids of every write after the call returned; the
parent kills them with SIGKILL and then checks that every acknowledged write survived and that
the store is self-consistent.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import llmos_memory.atomic as atomic
import pytest
from fakes import HashEmbedder
from llmos_memory import MemoryStore, StoreError, StoreLocked, StoreReadOnly

CHILD = Path(__file__).with_name("memory_child.py")
KILLS = int(os.environ.get("LLMOS_MEMORY_KILLS", "60"))  # DATA-1 asks for 200: LLMOS_MEMORY_KILLS=200


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(proc: subprocess.Popen[str], marker: str) -> list[str]:
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith(marker):
            return lines
    raise AssertionError(f"child exited before {marker!r}: {proc.stderr.read() if proc.stderr else ''}")


def finish(proc: subprocess.Popen[str]) -> list[str]:
    """The rest of the child's output (including what wait_for's reader already buffered)."""
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read()
    proc.stderr_text = proc.stderr.read()  # type: ignore[attr-defined]
    proc.wait()
    return [line for line in out.split("\n") if line]


def parse_acks(lines: list[str]) -> tuple[set[int], set[int]]:
    """(acknowledged adds, acknowledged or in-flight deletes): a forget killed before it returned
    may or may not have committed, so its id is neither required nor forbidden afterwards."""
    added, deleted, in_flight = set(), set(), set()
    for line in lines:
        kind, _, rest = line.partition(" ")
        if kind == "ACK":
            added.update(int(x) for x in rest.split())
        elif kind == "DELETING":
            in_flight.add(int(rest))
        elif kind == "DEL":
            deleted.add(int(rest))
    return added, deleted | in_flight, deleted


def check_consistent(path: Path, present: set[int], absent: set[int]) -> list[str]:
    with MemoryStore.open(path, embedder=HashEmbedder()) as s:
        notices = list(s.notices)
        missing = [i for i in present if s.get(i) is None]
        assert not missing, f"acknowledged writes lost: {missing[:10]}"
        assert all(s.get(i) is None for i in absent), "a forgotten memory came back"
        stats = s.stats()
        assert stats["count"] == stats["index_vectors"] - stats["index_tombstones"]
        report = s.verify(full=True)
        assert report.ok, str(report)
        emb = HashEmbedder()
        for mid in random.sample(sorted(present), min(5, len(present))):
            mem = s.get(mid)
            assert mem is not None
            hits = s.search_vector(emb.embed_query(mem.text), k=10, namespace=mem.namespace)
            assert mid in [h.id for h in hits]
    return notices


def test_h1_h2_h3_random_sigkill_during_writes_loses_no_acknowledged_write(tmp_path):
    """DATA-1: KILLS (60 by default) writers killed with SIGKILL at random moments (adds, batch adds, forgets, index
    saves); after each kill every acknowledged write is present and the store is consistent."""
    path = tmp_path / "mem"
    rng = random.Random(1234)
    present: set[int] = set()
    absent: set[int] = set()
    interrupted_saves = 0
    for iteration in range(KILLS):
        proc = spawn("writer", str(path), str(iteration), str(rng.choice([1, 1, 3, 50])))
        lines = wait_for(proc, "READY")
        time.sleep(rng.uniform(0.0, 0.15))
        proc.send_signal(signal.SIGKILL)
        lines += finish(proc)
        assert proc.returncode == -signal.SIGKILL
        added, gone_or_unknown, deleted = parse_acks(lines)
        present |= added
        present -= gone_or_unknown
        absent |= deleted
        notices = check_consistent(path, present, absent)
        interrupted_saves += any("temp file" in n for n in notices)
        assert not any("corrupt" in n for n in notices), notices
    assert len(present) > 100  # the children did real work before being killed
    print(f"\n{len(present)} acknowledged memories survived {KILLS} SIGKILLs; {interrupted_saves} kills hit a save")


@pytest.mark.parametrize("point", ["index-temp-write", "after-index-rename", "after-manifest"])
def test_h1_kill_at_each_step_of_index_save_keeps_old_or_new_index(tmp_path, point):
    path = tmp_path / "mem"
    proc = spawn("crash-at", str(path), point)
    lines = finish(proc)
    assert proc.returncode == -signal.SIGKILL and "ARMED" in lines and "RETURNED" not in lines
    added, _, _ = parse_acks(lines)
    notices = check_consistent(path, added, set())
    assert not any("rebuilt" in n for n in notices), notices  # previous or new index, never neither
    with MemoryStore.open(path, embedder=HashEmbedder()) as s:
        assert s.count() == 25  # the 5 rows whose index save was interrupted were committed first
        assert len([p for p in path.iterdir() if p.name.startswith("index-")]) == 1
        assert not [p for p in path.iterdir() if ".tmp." in p.name]


def test_h2_kill_after_commit_before_index_update_is_replayed(tmp_path):
    path = tmp_path / "mem"
    proc = spawn("crash-at", str(path), "after-commit")
    lines = finish(proc)
    assert "COMMITTED" in lines and proc.returncode == -signal.SIGKILL
    with MemoryStore.open(path, embedder=HashEmbedder()) as s:
        assert any(n.startswith("replayed 5 change(s)") for n in s.notices), s.notices
        assert s.search("during crash 3", k=1)[0].text == "during crash 3"
        assert s.count() == 25 and s.verify().ok


def test_h3_kill_inside_a_1000_row_transaction_is_all_or_nothing(tmp_path):
    path = tmp_path / "mem"
    proc = spawn("crash-at", str(path), "mid-transaction")
    lines = finish(proc)
    assert "ARMED" in lines and proc.returncode == -signal.SIGKILL
    with MemoryStore.open(path, embedder=HashEmbedder()) as s:
        assert s.count() == 20  # none of the 1000: the transaction never committed
        assert s.search("during crash", k=5) == [] or all("before" in h.text for h in s.search("during crash", k=5))
        report = s.verify(full=True)
        assert report.ok and report.findings[0].message == "integrity_check ok"


def test_h4_two_processes_adding_at_once_lose_nothing(tmp_path):
    path = tmp_path / "mem"
    MemoryStore.open(path, embedder=HashEmbedder()).close()
    procs = [spawn("adder", str(path), name, "500", "10") for name in ("alpha", "beta")]
    for p in procs:
        wait_for(p, "READY")
    # A third session reads while they write: every snapshot it sees is consistent.
    seen = []
    with MemoryStore.open(path, embedder=HashEmbedder()) as reader:
        while any(p.poll() is None for p in procs):
            hits = reader.search("item", k=5)
            stats = reader.stats()
            assert stats["count"] == stats["index_vectors"]
            assert all(reader.get(h.id) is not None for h in hits)
            seen.append(stats["count"])
    outputs = [finish(p) for p in procs]
    assert all(p.returncode == 0 for p in procs), [p.stderr_text for p in procs]  # type: ignore[attr-defined]
    ids = [int(x) for out in outputs for line in out if line.startswith("IDS") for x in line.split()[1:]]
    assert len(ids) == 1000 and len(set(ids)) == 1000
    assert seen == sorted(seen)  # the reader never went back in time
    with MemoryStore.open(path, embedder=HashEmbedder()) as s:
        st = s.stats()
        assert st["count"] == 1000 and st["index_vectors"] == 1000 and s.notices == []
        assert s.verify().ok


def test_h4_closing_an_older_view_keeps_the_newer_saved_index(tmp_path):
    # A session whose view fell behind (it last read at seq 5) closes after another session
    # saved the index at seq 10: closing must not put the older index back.
    path = tmp_path / "mem"
    MemoryStore.open(path, embedder=HashEmbedder()).close()
    older = MemoryStore.open(path, embedder=HashEmbedder())
    with MemoryStore.open(path, embedder=HashEmbedder()) as writer:
        writer.add_many([{"text": f"first batch {i}"} for i in range(5)])
        older.search("batch", k=3)  # catches up to seq 5; nothing saved yet
        writer.add_many([{"text": f"second batch {i}"} for i in range(5)])
    older.close()
    with MemoryStore.open(path, embedder=HashEmbedder()) as s:
        assert s.notices == []  # nothing replayed: the saved index covers all ten
        assert s.stats()["index_vectors"] == 10


def test_h5_search_while_another_thread_adds_and_forgets(store):
    store.add_many([{"text": f"seed memory {i}"} for i in range(50)])
    errors: list[BaseException] = []
    stop = threading.Event()

    def searcher() -> None:
        try:
            while not stop.is_set():
                for h in store.search("memory", k=8, namespace=None):
                    mem = store.get(h.id)
                    assert mem is None or mem.text == h.text  # a hit is never torn from its row
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=searcher) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for i in range(150):
            ids = store.add_many([{"text": f"thread memory {i} {j}"} for j in range(3)])
            store.forget(ids[0])
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[0]
    assert store.count() == 50 + 300 and store.verify().ok


def test_h6_disk_full_during_index_save_keeps_old_index(store_dir, monkeypatch):
    with MemoryStore.open(store_dir, embedder=HashEmbedder(), index_save_every=1) as s:
        s.add_many([{"text": f"fact {i}"} for i in range(10)])
        before = {p.name: p.read_bytes() for p in store_dir.iterdir() if p.name.startswith(("index-", "manifest"))}

        def enospc(fd: int, data: bytes | memoryview) -> None:
            os.write(fd, b"partial")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(atomic, "write_all", enospc)
        mid = s.add("added while the disk is full")  # committed to SQLite: acknowledged
        assert any("No space left on device" in n for n in s.notices)
        with pytest.raises(StoreError, match="No space left on device"):
            s.flush()
        after = {p.name: p.read_bytes() for p in store_dir.iterdir() if p.name.startswith(("index-", "manifest"))}
        assert after == before
        assert not [p for p in store_dir.iterdir() if ".tmp." in p.name]
        assert s.search("added while the disk is full", k=1)[0].id == mid
        monkeypatch.undo()
    with MemoryStore.open(store_dir, embedder=HashEmbedder()) as s:
        assert s.get(mid) is not None and s.verify().ok


def run_reader_on_read_only_dir(path: Path) -> list[str]:
    """Run the reader child with ``path`` read-only for it.

    root ignores permission bits, so as root the child runs in a private mount namespace where
    ``path`` is a read-only bind mount (EROFS); otherwise the directory is chmod 0500.
    """
    cmd = [sys.executable, str(CHILD), "reader", str(path)]
    if os.geteuid() == 0:
        if not shutil.which("unshare"):
            pytest.skip("running as root without unshare(1): cannot make a directory read-only for root")
        script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
        cmd = ["unshare", "-m", "sh", "-c", script, "sh", str(path), *cmd]
    else:
        for p in path.iterdir():
            p.chmod(0o400)
        path.chmod(0o500)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if os.geteuid() != 0:
        path.chmod(0o700)
    if proc.returncode != 0 and "unshare" in proc.stderr:
        pytest.skip(f"cannot create a read-only mount here: {proc.stderr.strip()}")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_h7_read_only_directory_opens_read_only_with_clear_message(tmp_path):
    path = tmp_path / "mem"
    with MemoryStore.open(path, embedder=HashEmbedder()) as s:
        s.add_many([{"text": "apples are red"}, {"text": "pears are green"}])
    before = {p.name: p.read_bytes() for p in path.iterdir()}
    out = run_reader_on_read_only_dir(path)
    assert "READ_ONLY True" in out
    notices = next(line for line in out if line.startswith("NOTICES"))
    assert "is read-only; searches work, writes are refused" in notices
    assert next(line for line in out if line.startswith("HITS")).startswith("HITS apples are red")
    assert any(line.startswith("ADD StoreReadOnly: memory store is read-only") for line in out)
    assert {p.name: p.read_bytes() for p in path.iterdir()} == before


def test_h7_read_only_on_request(store_dir):
    with MemoryStore.open(store_dir, embedder=HashEmbedder()) as s:
        s.add("kept")
    with MemoryStore.open(store_dir, embedder=HashEmbedder(), read_only=True) as s:
        assert s.read_only and s.search("kept", k=1)[0].text == "kept"
        with pytest.raises(StoreReadOnly):
            s.forget(1)


def test_h7_stale_lock_of_a_killed_process_does_not_block(tmp_path):
    path = tmp_path / "mem"
    proc = spawn("hold-lock", str(path))
    wait_for(proc, "LOCKED")
    pid = proc.pid
    with pytest.raises(StoreLocked, match=f"pid {pid}"):
        MemoryStore.open(path, embedder=HashEmbedder(), lock_timeout=0.2)
    proc.send_signal(signal.SIGKILL)
    finish(proc)
    assert (path / "lock").read_text() == str(pid)  # the lock file is still there, naming a dead pid
    with MemoryStore.open(path, embedder=HashEmbedder(), lock_timeout=5) as s:
        s.add("after the holder died")
        assert s.count() == 2


def test_stats_while_another_session_replaces_its_index_file(tmp_path, monkeypatch):
    """H4 found it: stats() listed index-3.faiss, the other writer's save removed it, stat() raised."""
    import llmos_memory.persist as persist

    with MemoryStore.open(tmp_path / "mem", embedder=HashEmbedder()) as store:
        store.add("a fact", namespace="facts")
        listed = persist.index_files

        def listing_then_gone(directory):
            return [*listed(directory), directory / "index-999.faiss"]  # listed, then unlinked by a writer

        monkeypatch.setattr(persist, "index_files", listing_then_gone)
        stats = store.stats()
    assert stats["count"] == 1 and "index-999.faiss" not in stats["files"]
