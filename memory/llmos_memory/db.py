"""SQLite, the source of truth: schema, pragmas, and the few queries the store needs.

Every change takes the next value of a store-wide sequence (``meta.seq``): an added row stores it
in ``memories.seq``, a deletion writes ``deletions(seq, id)`` (ids only, never text). The index
manifest records the highest sequence it contains, so anything above it is replayed on open.
Row ids use AUTOINCREMENT and are never reused.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .records import Memory

DB_NAME = "memory.db"
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS memories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seq INTEGER NOT NULL,
    namespace TEXT NOT NULL,
    text TEXT NOT NULL,
    metadata TEXT NOT NULL,
    provenance TEXT NOT NULL,
    source TEXT,
    created_at REAL NOT NULL,
    model_id TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS memories_namespace ON memories(namespace, id);
CREATE INDEX IF NOT EXISTS memories_seq ON memories(seq);
CREATE INDEX IF NOT EXISTS memories_source ON memories(source);
CREATE TABLE IF NOT EXISTS deletions (seq INTEGER PRIMARY KEY, id INTEGER NOT NULL);
"""

ROW_COLUMNS = "id, text, namespace, metadata, provenance, source, created_at, model_id"


def connect(path: Path, *, read_only: bool, immutable: bool = False) -> sqlite3.Connection:
    """Open the database. Read-only connections never write (no checkpoint, no recovery writes)."""
    if read_only:
        flag = "immutable=1" if immutable else "mode=ro"
        conn = sqlite3.connect(f"{path.as_uri()}?{flag}", uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def configure_writable(conn: sqlite3.Connection) -> None:
    """WAL, full fsync on commit, and secure_delete so deleted text is zeroed in pages."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA foreign_keys = ON")


def integrity_errors(conn: sqlite3.Connection, full: bool = False) -> list[str]:
    """Problems reported by ``PRAGMA quick_check`` (or ``integrity_check`` when ``full``)."""
    pragma = "integrity_check" if full else "quick_check"
    try:
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}(20)")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


@contextmanager
def transaction(conn: sqlite3.Connection, immediate: bool = True) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE (writer) or BEGIN (a consistent read snapshot) ... COMMIT / ROLLBACK."""
    conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def init_schema(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        for statement in SCHEMA.strip().split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('seq', '0')")
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '1')")


def has_schema(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='memories'").fetchone()
    return bool(row and row[0])


def get_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return {k: v for k, v in conn.execute("SELECT key, value FROM meta")}


def set_meta(conn: sqlite3.Connection, key: str, value: Any) -> None:
    conn.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, str(value))
    )


def next_seqs(conn: sqlite3.Connection, n: int) -> int:
    """Reserve ``n`` sequence numbers inside the current transaction; returns the first one."""
    current = int(conn.execute("SELECT value FROM meta WHERE key='seq'").fetchone()[0])
    set_meta(conn, "seq", current + n)
    return current + 1


def insert_rows(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> list[int]:
    """Insert (seq, namespace, text, metadata, provenance, source, created_at, model_id, dim, vector) rows."""
    ids = []
    for row in rows:
        cur = conn.execute(
            "INSERT INTO memories (seq, namespace, text, metadata, provenance, source, created_at,"
            " model_id, dim, vector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
        ids.append(int(cur.lastrowid or 0))
    return ids


def row_to_memory(row: tuple[Any, ...]) -> Memory:
    mid, text, namespace, metadata, provenance, source, created_at, model_id = row
    try:
        meta = json.loads(metadata) if metadata else {}
    except ValueError:
        meta = {"_unreadable_metadata": True}
    return Memory(
        id=int(mid),
        text=text,
        namespace=namespace,
        metadata=meta if isinstance(meta, dict) else {"value": meta},
        provenance=provenance,
        source=source,
        created_at=float(created_at),
        model_id=model_id,
    )


def fetch_memories(conn: sqlite3.Connection, ids: list[int]) -> dict[int, Memory]:
    out: dict[int, Memory] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT {ROW_COLUMNS} FROM memories WHERE id IN ({marks})", chunk):
            memory = row_to_memory(row)
            out[memory.id] = memory
    return out


def delete_ids(conn: sqlite3.Connection, ids: list[int]) -> list[int]:
    """Delete rows and log the deletions (inside the current transaction); returns ids deleted."""
    deleted: list[int] = []
    if not ids:
        return deleted
    first = next_seqs(conn, len(ids))
    for offset, mid in enumerate(ids):
        cur = conn.execute("DELETE FROM memories WHERE id = ?", (mid,))
        if cur.rowcount:
            conn.execute("INSERT INTO deletions (seq, id) VALUES (?, ?)", (first + offset, mid))
            deleted.append(mid)
    return deleted
