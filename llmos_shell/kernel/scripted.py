"""The scripted kernel: a public, documented test double.

It replays queued replies and records every prompt it was given, so logic
(routing, policy, the shell loop) can be tested without a model::

    kernel = ScriptedKernel(["Hello!", {"tool": "files.read", "arguments": {"path": "a.txt"}}])
    kernel.enqueue("Another reply")
    ...
    assert kernel.prompts[0][-1]["content"] == "hi"

A reply is a string (streamed word by word by :meth:`chat`), a dict or list
(returned by :meth:`complete_json`, or JSON-encoded by :meth:`chat`), or a
callable ``messages -> reply``. With no reply queued, :meth:`chat` answers
``default_reply`` and :meth:`complete_json` raises ``ToolError``.

From the command line (``model.backend = "scripted"``), replies are read from
the JSON list in the file named by ``LLMOS_SCRIPT``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import ToolError
from .base import GenerationStats, Message

__all__ = ["ScriptedKernel"]

Reply = str | dict[str, Any] | list[Any] | Callable[[Sequence[Message]], Any]


class ScriptedKernel:
    backend = "scripted"

    def __init__(self, replies: Iterable[Reply] = (), *, name: str = "scripted", n_ctx: int = 4096,
                 default_reply: str = "OK.") -> None:  # fmt: skip
        self.name = name
        self.n_ctx = n_ctx
        self.default_reply = default_reply
        self.queue: deque[Reply] = deque(replies)
        self.prompts: list[list[Message]] = []
        self.schemas: list[dict[str, Any]] = []
        self.stats = GenerationStats()
        script = os.environ.get("LLMOS_SCRIPT")
        if script and not self.queue:
            self.queue.extend(json.loads(Path(script).read_text(encoding="utf-8")))

    def enqueue(self, *replies: Reply) -> None:
        self.queue.extend(replies)

    def _next(self, messages: Sequence[Message]) -> Any:
        self.prompts.append([dict(m) for m in messages])  # type: ignore[misc]
        if not self.queue:
            return None
        reply = self.queue.popleft()
        return reply(messages) if callable(reply) else reply

    def chat(self, messages: Sequence[Message], *, max_tokens: int | None = None,
             temperature: float | None = None, stop: Sequence[str] = ()) -> Iterator[str]:  # fmt: skip
        reply = self._next(messages)
        text = self.default_reply if reply is None else reply if isinstance(reply, str) else json.dumps(reply)
        prompt = "".join(m["content"] for m in messages)
        if self.count_tokens(prompt) >= self.n_ctx:
            from ..errors import ContextOverflowError

            raise ContextOverflowError(
                f"the prompt is {self.count_tokens(prompt)} tokens; the context window is {self.n_ctx}",
                hint="shorten the input or start a new conversation (/clear)",
            )
        self.stats = GenerationStats(prompt_tokens=self.count_tokens(prompt), finish_reason="stop")
        pieces = re.findall(r"\S+\s*|\s+", text)
        if max_tokens is not None and len(pieces) > max_tokens:
            pieces, self.stats.finish_reason = pieces[:max_tokens], "length"
        for piece in pieces:
            self.stats.completion_tokens += 1
            yield piece

    def complete_json(self, messages: Sequence[Message], schema: dict[str, Any], *, max_tokens: int = 256) -> Any:
        self.schemas.append(schema)
        reply = self._next(messages)
        if reply is None:
            raise ToolError("the scripted kernel has no reply queued")
        if isinstance(reply, str):
            try:
                return json.loads(reply)
            except ValueError:
                raise ToolError(f"the model's output is not valid JSON: {reply[:200]!r}") from None
        return reply

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Deterministic bag-of-words vectors (64-d, normalized): similar texts, similar vectors."""
        out = []
        for text in texts:
            vec = [0.0] * 64
            for word in re.findall(r"\w+", text.lower()):
                vec[int(hashlib.sha256(word.encode()).hexdigest(), 16) % 64] += 1.0
            norm = math.sqrt(sum(v * v for v in vec)) or 1.0
            out.append([v / norm for v in vec])
        return out

    def count_tokens(self, text: str) -> int:
        return len(re.findall(r"\w+|[^\w\s]", text))

    def info(self) -> dict[str, Any]:
        return {"backend": self.backend, "name": self.name, "n_ctx": self.n_ctx, "queued": len(self.queue)}

    def close(self) -> None:
        pass
