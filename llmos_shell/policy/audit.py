"""The audit log: one hash-chained JSON line per policy decision.

Each record holds ``seq`` (1, 2, 3 ...), ``time`` (UTC, ISO 8601), ``tool``,
``arguments`` (after redaction), ``rule``, ``mode``, ``provenance``,
``decision``, ``reason``, ``outcome``, ``prev`` (the previous record's hash,
64 zeros for the first) and ``hash``: the sha256 of the record's canonical JSON
without ``hash``. A head file next to the log (``audit.head``) keeps the count
and hash of the last record, so truncation of the tail is detected too.

The file is created 0600 in a 0700 data directory and only ever appended to;
writers take an exclusive ``flock`` so two sessions keep one chain. A plain
hash chain detects edits, deletions, reordering and truncation by anyone who
does not rewrite the whole chain and the head file consistently; it is not a
signature.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .redact import RedactionFailed, Redactor, default_redactor

__all__ = ["GENESIS", "AuditLog", "default_audit_path", "format_record"]

GENESIS = "0" * 64
_HEAD_SIZE = 128


def default_audit_path() -> Path:
    """``llmos_shell.paths.data_dir() / "audit.jsonl"``."""
    from .. import paths

    return paths.data_dir() / "audit.jsonl"


def _canonical(record: dict[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def _digest(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "hash"}
    return hashlib.sha256(_canonical(body)).hexdigest()


class AuditLog:
    """Append-only, hash-chained JSON-lines log of policy decisions.

    Args:
        path: the log file (default :func:`default_audit_path`).
        redactor: applied to arguments and reasons before they are written.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, redactor: Redactor | None = None) -> None:
        self.path = Path(path) if path is not None else default_audit_path()
        self.head_path = self.path.with_name(self.path.name.rsplit(".", 1)[0] + ".head")
        self._redactor = redactor
        self._fd: int | None = None
        self._head_fd: int | None = None

    @classmethod
    def default(cls) -> AuditLog:
        """The audit log at ``data_dir()/audit.jsonl``."""
        return cls(default_audit_path())

    # -- writing -------------------------------------------------------------------
    def _open(self) -> tuple[int, int]:
        if self._fd is None or self._head_fd is None:
            from ..paths import ensure_private_dir

            ensure_private_dir(self.path.parent)
            flags = os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
            fd = os.open(self.path, flags | os.O_WRONLY | os.O_APPEND, 0o600)
            hfd = os.open(self.head_path, flags | os.O_RDWR, 0o600)
            for f in (fd, hfd):
                os.fchmod(f, 0o600)
            self._fd, self._head_fd = fd, hfd
        return self._fd, self._head_fd

    def close(self) -> None:
        for fd in (self._fd, self._head_fd):
            if fd is not None:
                os.close(fd)
        self._fd = self._head_fd = None

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read_head(self, hfd: int) -> tuple[int, str]:
        raw = os.pread(hfd, _HEAD_SIZE, 0).rstrip(b"\x00 \n")
        if not raw:
            return 0, GENESIS
        data = json.loads(raw)
        return int(data["count"]), str(data["hash"])

    def record(
        self,
        action: Any = None,
        *,
        tool: str | None = None,
        arguments: Any = None,
        decision: Any,
        rule: str = "",
        mode: str = "",
        provenance: Sequence[str] = (),
        reason: str = "",
        outcome: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Append one record and return it (with ``seq`` and ``hash``).

        Pass either an :class:`~llmos_shell.policy.actions.Action` (its tool,
        arguments and provenance are used) or ``tool``/``arguments``/``provenance``.

        ``arguments``, ``reason`` and ``outcome`` pass through the redactor; if
        it fails, they are written as ``"<REDACTION_FAILED>"``, never raw.
        """
        redactor = self._redactor or default_redactor()
        if action is not None:
            tool = tool or action.tool
            arguments = action.arguments if arguments is None else arguments
            provenance = provenance or [p.describe() for p in action.provenance]

        def clean(value: Any) -> Any:
            try:
                return redactor.redact_value(value)
            except RedactionFailed:
                return "<REDACTION_FAILED>"

        body: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z",
            "tool": tool or "",
            "arguments": clean(arguments),
            "rule": rule,
            "mode": mode,
            "provenance": [clean(p) for p in provenance],
            "decision": getattr(decision, "value", decision),
            "reason": clean(reason),
            "outcome": clean(outcome) if outcome is not None else None,
        }
        for k, v in extra.items():
            body[k] = clean(v)
        fd, hfd = self._open()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            count, prev = self._read_head(hfd)
            body["seq"] = count + 1
            body["prev"] = prev
            body["hash"] = _digest(body)
            os.write(fd, _canonical(body) + b"\n")
            head = json.dumps({"count": count + 1, "hash": body["hash"]}).encode().ljust(_HEAD_SIZE - 1) + b"\n"
            os.pwrite(hfd, head, 0)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
        return body

    # -- reading -------------------------------------------------------------------
    def records(self) -> Iterator[dict[str, Any]]:
        """Every record that parses, in file order."""
        for _, rec, _ in self._lines():
            if rec is not None:
                yield rec

    def _lines(self) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
        if not self.path.exists():
            return
        with open(self.path, "rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                try:
                    rec = json.loads(raw)
                    if not isinstance(rec, dict):
                        raise ValueError("not an object")
                    yield lineno, rec, ""
                except ValueError as exc:
                    yield lineno, None, f"line {lineno}: not valid JSON ({exc})"

    def tail(self, n: int = 20) -> list[dict[str, Any]]:
        """The last ``n`` records."""
        from collections import deque

        return list(deque(self.records(), maxlen=n)) if n > 0 else []

    def verify(self) -> tuple[bool, list[str]]:
        """Check the chain: returns ``(ok, problems)``.

        Detects edited records (hash mismatch), deleted or reordered records
        (``seq`` gaps, ``prev`` mismatch), lines that are not JSON, and a
        truncated tail (fewer records than the head file counts, or a last hash
        that differs from the head's).
        """
        problems: list[str] = []
        prev, expected_seq, count, last_hash = GENESIS, 1, 0, GENESIS
        for lineno, rec, err in self._lines():
            if rec is None:
                problems.append(err)
                continue
            count += 1
            seq = rec.get("seq")
            if seq != expected_seq:
                problems.append(f"line {lineno}: seq {seq}, expected {expected_seq} (record deleted or reordered)")
            if rec.get("prev") != prev:
                problems.append(f"line {lineno}: prev hash does not match the record before it (chain broken)")
            if _digest(rec) != rec.get("hash"):
                problems.append(f"line {lineno}: hash mismatch (record {seq} was edited)")
            prev = str(rec.get("hash"))
            last_hash = prev
            expected_seq = (seq if isinstance(seq, int) else expected_seq) + 1
        try:
            with open(self.head_path, "rb") as fh:
                raw = fh.read(_HEAD_SIZE).rstrip(b"\x00 \n")
            head: dict[str, Any] | None = json.loads(raw) if raw else {"count": 0, "hash": GENESIS}
            if not isinstance(head, dict) or not isinstance(head.get("count"), int):
                raise ValueError("not a head record")
        except FileNotFoundError:
            head = None
            if count:
                problems.append(f"head file {self.head_path.name} is missing")
        except ValueError:
            head = None
            problems.append(f"head file {self.head_path.name} is corrupt")
        if head is not None:
            if count < head["count"]:
                problems.append(f"log has {count} records but the head file counts {head['count']} (tail truncated)")
            elif count > head["count"]:
                problems.append(f"log has {count} records but the head file counts {head['count']} (records appended "
                                "outside llmos, or a crash between the two writes)")  # fmt: skip
            elif head["hash"] != last_hash:
                problems.append("the last record's hash differs from the head file (tail replaced)")
        return (not problems, problems)


def format_record(rec: dict[str, Any]) -> str:
    """One human-readable line for ``llmos audit show``."""
    args = json.dumps(rec.get("arguments"), ensure_ascii=False)
    if len(args) > 80:
        args = args[:77] + "..."
    return (
        f"{rec.get('seq', '?'):>5} {rec.get('time', '')} {rec.get('decision', '')!s:5} "
        f"{rec.get('tool', '')} {args}  [{rec.get('rule', '')}]"
    )
