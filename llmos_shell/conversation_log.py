"""The conversation log: every exchange in SQLite, so a session can be resumed.

``<data dir>/conversations.db`` (WAL, 0600). Text passes the redactor before it
is written; if the redactor fails, the exchange is not written (fail closed)
and the caller is told so it can warn the user.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import paths

__all__ = ["ConversationLog", "LoggedMessage", "LoggedSession"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at REAL NOT NULL,
    model TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at REAL NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS messages_session ON messages(session_id, id);
"""


@dataclass
class LoggedSession:
    id: int
    started_at: float
    model: str
    title: str
    messages: int


@dataclass
class LoggedMessage:
    id: int
    session_id: int
    role: str
    content: str
    created_at: float
    meta: dict[str, Any]


class ConversationLog:
    def __init__(self, path: Path | None = None, *, redactor: Callable[[str], str] | None = None) -> None:
        self.path = path or paths.data_dir() / "conversations.db"
        self.redactor = redactor
        self._db: sqlite3.Connection | None = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            paths.ensure_private_dir(self.path.parent)
            fresh = not self.path.exists()
            db = sqlite3.connect(self.path, timeout=10)
            if fresh:
                os.chmod(self.path, 0o600)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.executescript(SCHEMA)
            self._db = db
        return self._db

    def _clean(self, text: str) -> str:
        return self.redactor(text) if self.redactor else text

    def start(self, model: str, title: str = "") -> int:
        with self.db:
            cur = self.db.execute(
                "INSERT INTO sessions(started_at, model, title) VALUES (?, ?, ?)",
                (time.time(), model, self._clean(title)[:120]),
            )
        return int(cur.lastrowid or 0)

    def add_exchange(self, session_id: int, messages: list[tuple[str, str, dict[str, Any]]]) -> None:
        """Write one exchange (user message, tool messages, answer) in one transaction.

        Raises whatever the redactor raises, before anything is written.
        """
        cleaned = [(role, self._clean(content), json.dumps(meta, default=str)) for role, content, meta in messages]
        now = time.time()
        with self.db:
            self.db.executemany(
                "INSERT INTO messages(session_id, role, content, created_at, meta) VALUES (?, ?, ?, ?, ?)",
                [(session_id, role, content, now, meta) for role, content, meta in cleaned],
            )
            title = next((c for r, c, _ in cleaned if r == "user"), "")
            self.db.execute("UPDATE sessions SET title = ? WHERE id = ? AND title = ''", (title[:120], session_id))

    def sessions(self, limit: int = 20) -> list[LoggedSession]:
        rows = self.db.execute(
            "SELECT s.id, s.started_at, s.model, s.title, COUNT(m.id) FROM sessions s "
            "LEFT JOIN messages m ON m.session_id = s.id GROUP BY s.id ORDER BY s.id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [LoggedSession(*row) for row in rows]

    def latest_session(self) -> int | None:
        row = self.db.execute("SELECT session_id FROM messages ORDER BY id DESC LIMIT 1").fetchone()
        return int(row[0]) if row else None

    def messages(self, session_id: int) -> list[LoggedMessage]:
        rows = self.db.execute(
            "SELECT id, session_id, role, content, created_at, meta FROM messages WHERE session_id = ? ORDER BY id",
            (session_id,),
        ).fetchall()
        return [LoggedMessage(r[0], r[1], r[2], r[3], r[4], json.loads(r[5] or "{}")) for r in rows]

    def session_exists(self, session_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is not None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
