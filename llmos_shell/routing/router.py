"""The router: request -> :class:`RouteDecision` (a tool and its arguments, or none)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ToolError
from .fill import fill_arguments
from .literals import extract_literals
from .retrieval import NO_TOOL, Candidate, Embedder, ToolIndex
from .specs import ToolSpec

__all__ = ["RouteDecision", "Router"]


@dataclass
class RouteDecision:
    tool: str | None
    arguments: dict[str, Any]
    candidates: list[Candidate]
    timings_ms: dict[str, float] = field(default_factory=dict)
    chosen_by: str = "retrieval"  # retrieval | model | explicit
    sources: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    literals: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "arguments": self.arguments,
            "candidates": [c.as_dict() for c in self.candidates],
            "chosen_by": self.chosen_by,
            "argument_sources": self.sources,
            "missing": self.missing,
            "literals": self.literals,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }


class Router:
    """Routes requests against a fixed set of tools.

    ``threshold``/``margin``: when the best tool's similarity is at least
    ``threshold`` and leads the runner-up by ``margin``, retrieval decides alone;
    otherwise the model (if given) picks among the top ``k`` candidates and "none"
    under a grammar. Without a model, retrieval's best guess stands.
    """

    def __init__(self, specs: Sequence[ToolSpec], *, kernel: Any = None, embedder: Embedder | None = None,
                 threshold: float = 0.80, margin: float = 0.02, k: int = 3, cache: bool = True) -> None:  # fmt: skip
        t0 = time.perf_counter()
        self.specs = {s.name: s for s in specs}
        self.index = ToolIndex(list(specs), embedder, cache=cache)
        self.kernel = kernel
        self.threshold, self.margin, self.k = threshold, margin, k
        self.build_ms = (time.perf_counter() - t0) * 1000

    def route(self, text: str) -> RouteDecision:
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        ranked = self.index.rank(text)
        timings["retrieval"] = (time.perf_counter() - t0) * 1000
        top = ranked[0]
        runner = ranked[1] if len(ranked) > 1 else Candidate(NO_TOOL, -1.0, "")
        chosen, by = top.tool, "retrieval"
        unsure = top.score < self.threshold or top.score - runner.score < self.margin
        if unsure and self.kernel is not None:
            t1 = time.perf_counter()
            picked = self._model_choice(text, ranked[: self.k])
            timings["choice"] = (time.perf_counter() - t1) * 1000
            if picked is not None:
                chosen, by = picked, "model"
        decision = RouteDecision(
            tool=None if chosen == NO_TOOL else chosen, arguments={}, candidates=ranked[: max(self.k, 3)],
            chosen_by=by,
        )  # fmt: skip
        if decision.tool is not None:
            t2 = time.perf_counter()
            lit = extract_literals(text)
            decision.literals = lit.as_dict()
            filled = fill_arguments(self.specs[decision.tool], text, self.kernel, literals=lit)
            decision.arguments, decision.sources, decision.missing = filled.arguments, filled.sources, filled.missing
            timings["arguments"] = (time.perf_counter() - t2) * 1000
        timings["total"] = (time.perf_counter() - t0) * 1000
        decision.timings_ms = timings
        return decision

    def _model_choice(self, text: str, short: Sequence[Candidate]) -> str | None:
        names = [c.tool for c in short]
        if NO_TOOL not in names:
            names.append(NO_TOOL)
        lines = [f"- {NO_TOOL}: answer directly, no tool needed"] + [
            f"- {n}: {self.specs[n].description}" for n in names if n != NO_TOOL
        ]
        messages = [
            {"role": "system", "content": "Pick the one tool that serves the request best.\n" + "\n".join(lines)},
            {"role": "user", "content": text},
        ]
        schema = {"type": "object", "properties": {"tool": {"enum": names}}, "required": ["tool"]}
        try:
            out = self.kernel.complete_json(messages, schema, max_tokens=24)
        except ToolError:
            return None
        tool = out.get("tool") if isinstance(out, dict) else None
        return tool if tool in names else None
