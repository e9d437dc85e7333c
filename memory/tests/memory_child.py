"""Child process used by the crash and concurrency tests (run as a script, killed with SIGKILL).

usage: memory_child.py MODE STORE_DIR [ARGS...]
Every line printed after an operation returns is flushed at once, so the parent knows exactly
which writes were acknowledged before the kill.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import llmos_memory.atomic as atomic
import llmos_memory.db as dbm
import llmos_memory.persist as persist
from fakes import HashEmbedder
from llmos_memory import MemoryStore
from llmos_memory.store import MemoryStore as StoreClass


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def writer(path: Path, seed: int, save_every: int) -> None:
    """Random adds / batch adds / forgets forever; prints ACK ids and DEL id after each return."""
    rng = random.Random(seed)
    store = MemoryStore.open(path, embedder=HashEmbedder(), index_save_every=save_every, index_save_fraction=0)
    acked: list[int] = []
    say("READY")
    n = 0
    while True:
        op = rng.random()
        if op < 0.1 and acked:
            victim = acked.pop(rng.randrange(len(acked)))
            say(f"DELETING {victim}")  # from here until DEL, either outcome is correct
            if store.forget(victim):
                say(f"DEL {victim}")
        elif op < 0.5:
            n += 1
            mid = store.add(f"seed {seed} note {n} about topic {rng.randrange(50)}", source=f"s{seed}")
            acked.append(mid)
            say(f"ACK {mid}")
        else:
            items = []
            for _ in range(rng.randint(2, 40)):
                n += 1
                items.append({"text": f"seed {seed} batch note {n} word{rng.randrange(500)}", "namespace": "docs"})
            ids = store.add_many(items)
            acked.extend(ids)
            say("ACK " + " ".join(map(str, ids)))


def crash_at(path: Path, point: str) -> None:
    """Deterministic kill at one point of a write; prints ACK for what returned before arming."""
    store = MemoryStore.open(path, embedder=HashEmbedder(), index_save_every=1)
    ids = store.add_many([{"text": f"before crash {i}"} for i in range(20)])
    say("ACK " + " ".join(map(str, ids)))
    if point == "index-temp-write":

        def partial(fd: int, data: bytes | memoryview) -> None:
            os.write(fd, bytes(memoryview(data).cast("B")[: len(data) // 2]))
            die()

        atomic.write_all = partial  # type: ignore[assignment]
    elif point == "after-index-rename":
        persist.write_manifest = lambda *a, **k: die()  # type: ignore[assignment]
    elif point == "after-manifest":
        persist.remove_orphans = lambda *a, **k: die()  # type: ignore[assignment]
    elif point == "after-commit":  # H2: SQLite committed, index/manifest not updated
        StoreClass._after_commit = lambda self, update: (say("COMMITTED"), die())  # type: ignore[assignment]
    elif point == "mid-transaction":  # H3: killed inside a 1000-row transaction
        original = dbm.insert_rows

        def slow_insert(conn, rows):  # type: ignore[no-untyped-def]
            def rows_then_die():  # type: ignore[no-untyped-def]
                for i, row in enumerate(rows):
                    if i == 500:
                        die()
                    yield row

            return original(conn, rows_then_die())

        dbm.insert_rows = slow_insert  # type: ignore[assignment]
    else:
        raise SystemExit(f"unknown point {point}")
    count = 1000 if point == "mid-transaction" else 5
    say("ARMED")
    store.add_many([{"text": f"during crash {i}"} for i in range(count)])
    say("RETURNED")  # the kill points above never let this line run


def adder(path: Path, prefix: str, count: int, batch: int) -> None:
    store = MemoryStore.open(path, embedder=HashEmbedder(), lock_timeout=60)
    say("READY")
    ids: list[int] = []
    for start in range(0, count, batch):
        ids += store.add_many([{"text": f"{prefix} item {i}"} for i in range(start, min(count, start + batch))])
    store.close()
    say("IDS " + " ".join(map(str, ids)))


def hold_lock(path: Path) -> None:
    store = MemoryStore.open(path, embedder=HashEmbedder())
    store.add("held")
    assert store._flock is not None
    store._flock.acquire()
    say("LOCKED")
    time.sleep(600)


def reader(path: Path) -> None:
    """Open (possibly read-only) and report what the store says, for the read-only tests."""
    store = MemoryStore.open(path, embedder=HashEmbedder())
    say(f"READ_ONLY {store.read_only}")
    say("NOTICES " + " | ".join(store.notices))
    say("HITS " + " | ".join(h.text for h in store.search("apples", k=2)))
    try:
        store.add("should not be stored")
    except Exception as exc:  # noqa: BLE001 - report the class to the parent
        say(f"ADD {type(exc).__name__}: {exc}")
    store.close()


if __name__ == "__main__":
    mode, where = sys.argv[1], Path(sys.argv[2])
    if mode == "writer":
        writer(where, int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "crash-at":
        crash_at(where, sys.argv[3])
    elif mode == "adder":
        adder(where, sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif mode == "hold-lock":
        hold_lock(where)
    elif mode == "reader":
        reader(where)
    else:
        raise SystemExit(f"unknown mode {mode}")
