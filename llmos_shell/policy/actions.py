"""The vocabulary of the policy layer: actions, decisions, votes, provenance.

An :class:`Action` is a tool call as the policy layer sees it: the tool's name,
its validated arguments, the effects the tool declared, the filesystem paths it
touches and the provenance of the context that led to the call. Build one from
a registered :class:`~llmos_shell.tools.Tool` with :func:`action_for`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..tools import Tool

__all__ = ["COMMAND_ARGS", "Action", "Decision", "Provenance", "Vote", "action_for"]

#: Argument names that carry a shell command line for tools with the ``execute`` effect.
COMMAND_ARGS = ("command", "cmd")


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
    """A tool call as the policy layer sees it.

    ``effects`` is what the tool declared (``read``, ``write``, ``execute``,
    ``network``); an *empty* set means "unknown" and the engine treats it as
    every effect (fail closed). ``paths`` are the values of the tool's path
    arguments, checked against the workspace boundary. ``provenance`` lists
    every piece of context in the conversation when the call was made.
    """

    tool: str
    arguments: dict[str, Any]
    effects: frozenset[str] = frozenset()
    paths: tuple[str, ...] = ()
    provenance: tuple[Provenance, ...] = ()
    plugin: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def side_effects(self) -> bool:
        return not self.effects or bool(self.effects - {"read"})

    @property
    def untrusted_context(self) -> tuple[Provenance, ...]:
        return tuple(p for p in self.provenance if p.untrusted)

    @property
    def command(self) -> str | None:
        """The shell command line of an ``execute`` tool (``extra["command"]`` or a
        ``command``/``cmd`` argument), else None."""
        if "command" in self.extra and isinstance(self.extra["command"], str):
            return self.extra["command"]
        if self.effects and "execute" not in self.effects:
            return None
        for name in COMMAND_ARGS:
            value = self.arguments.get(name)
            if isinstance(value, str):
                return value
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                import shlex

                return shlex.join(value)
        return None


def action_for(
    tool: Tool,
    arguments: Mapping[str, Any],
    provenance: Iterable[Provenance] = (),
) -> Action:
    """Build the :class:`Action` for calling ``tool`` with (validated) ``arguments``.

    Paths come from the tool's ``path_args``; a list-valued path argument
    contributes every element.
    """
    paths: list[str] = []
    for name in tool.path_args:
        value = arguments.get(name)
        if isinstance(value, str):
            paths.append(value)
        elif isinstance(value, (list, tuple)):
            paths.extend(str(v) for v in value)
    return Action(
        tool=tool.name,
        arguments=dict(arguments),
        effects=frozenset(tool.effects),
        paths=tuple(paths),
        provenance=tuple(provenance),
        plugin=tool.plugin,
    )
