"""The vocabulary of the policy layer: actions, decisions, votes, provenance."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Decision", "Vote", "Provenance", "Action"]


class Decision(str, enum.Enum):
    ALLOW = "allow"
    ASK = "ask"
    DENY = "deny"

    @property
    def rank(self) -> int:
        return {"allow": 0, "ask": 1, "deny": 2}[self.value]

    @classmethod
    def strictest(cls, decisions: list[Decision]) -> Decision:
        return max(decisions, key=lambda d: d.rank, default=cls.ALLOW)


@dataclass(frozen=True)
class Vote:
    """One opinion on an action: a decision, why, and which rule or plugin made it."""

    decision: Decision
    reason: str
    rule: str = ""


@dataclass(frozen=True)
class Provenance:
    """Where a piece of context came from: ``user``, ``tool``, ``file``, ``ocr``, ``transcript``,
    ``retrieval``, ``memory``, ``web``, ``mcp``; ``source`` names it (a path)."""

    kind: str
    source: str = ""

    UNTRUSTED = frozenset({"file", "ocr", "transcript", "retrieval", "memory", "web", "mcp"})

    @property
    def untrusted(self) -> bool:
        return self.kind in self.UNTRUSTED

    def describe(self) -> str:
        return f"{self.kind} {self.source}".strip()


@dataclass(frozen=True)
class Action:
    """A tool call as the policy layer sees it."""

    tool: str
    arguments: dict[str, Any]
    effects: frozenset[str] = frozenset()
    paths: tuple[str, ...] = ()
    provenance: tuple[Provenance, ...] = ()
    plugin: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def side_effects(self) -> bool:
        return bool(self.effects - {"read"})

    @property
    def untrusted_context(self) -> tuple[Provenance, ...]:
        return tuple(p for p in self.provenance if p.untrusted)
