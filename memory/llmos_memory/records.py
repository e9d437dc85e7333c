"""Plain data returned by the store: memories, search hits, verification reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Memory:
    """One stored memory (the text is the redacted text, as stored).

    ``created_at`` is a Unix timestamp (seconds, UTC). ``model_id`` names the embedding model
    whose vector is stored with the row.
    """

    id: int
    text: str
    namespace: str
    metadata: dict[str, Any]
    provenance: str
    source: str | None
    created_at: float
    model_id: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "namespace": self.namespace,
            "metadata": self.metadata,
            "provenance": self.provenance,
            "source": self.source,
            "created_at": self.created_at,
            "model_id": self.model_id,
        }


@dataclass(frozen=True)
class Hit:
    """One search result. ``score`` is the cosine similarity (inner product of normalized vectors)."""

    id: int
    text: str
    score: float
    namespace: str
    metadata: dict[str, Any]
    provenance: str
    source: str | None
    created_at: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "score": self.score,
            "namespace": self.namespace,
            "metadata": self.metadata,
            "provenance": self.provenance,
            "source": self.source,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class Finding:
    """One result of :meth:`MemoryStore.verify`. ``level`` is ``"ok"``, ``"warning"`` or ``"error"``."""

    level: str
    code: str
    message: str


@dataclass
class VerifyReport:
    """What :meth:`MemoryStore.verify` found. ``ok`` is False when any finding is an error."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)

    def add(self, level: str, code: str, message: str) -> None:
        self.findings.append(Finding(level, code, message))

    def __str__(self) -> str:
        lines = [f"{f.level:7} {f.code}: {f.message}" for f in self.findings]
        lines.append("verify: OK" if self.ok else "verify: FAILED")
        return "\n".join(lines)
