"""The protocol every kernel backend implements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol, TypedDict, runtime_checkable

__all__ = ["GenerationStats", "Kernel", "Message"]


class Message(TypedDict):
    role: str  # "system" | "user" | "assistant" | "tool"
    content: str


@dataclass
class GenerationStats:
    """Figures of the last call: tokens and seconds, prompt and generation apart."""

    prompt_tokens: int = 0
    cached_tokens: int = 0  # prompt tokens whose KV state was reused, not evaluated again
    completion_tokens: int = 0
    prompt_seconds: float = 0.0
    generation_seconds: float = 0.0
    finish_reason: str = ""

    @property
    def generation_tps(self) -> float:
        return self.completion_tokens / self.generation_seconds if self.generation_seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["generation_tps"] = round(self.generation_tps, 2)
        return out


@runtime_checkable
class Kernel(Protocol):
    """A chat model behind one seam.

    - :meth:`chat` streams text pieces; ``stats`` describes the call when the
      iterator is exhausted (or closed early).
    - :meth:`complete_json` returns an object that validates against ``schema``
      (grammar-constrained where the backend can do it).
    - :meth:`embed` returns one vector per text; :meth:`count_tokens` counts
      tokens as the model sees them.
    """

    name: str
    backend: str
    n_ctx: int
    stats: GenerationStats

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        stop: Sequence[str] = (),
    ) -> Iterator[str]: ...

    def complete_json(
        self,
        messages: Sequence[Message],
        schema: dict[str, Any],
        *,
        max_tokens: int = 256,
    ) -> dict[str, Any]: ...

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...

    def count_tokens(self, text: str) -> int: ...

    def info(self) -> dict[str, Any]: ...

    def close(self) -> None: ...
