"""The default backend: a local GGUF model through llama-cpp-python.

- The chat template comes from the GGUF file (or ``model.chat_format``); the
  prompt is tokenized here so context overflow is caught before generation.
- KV reuse: llama.cpp keeps the evaluated tokens of the previous call and only
  evaluates the new suffix; consecutive turns share the system prefix, so it is
  evaluated once per process (``stats.cached_tokens`` shows how many were reused).
  With ``model.prompt_cache`` the evaluated prefix is also persisted to disk
  (:mod:`.prompt_cache`) so a one-shot command does not pay for it again.
- ``complete_json`` decodes under a GBNF grammar made from the JSON schema.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ContextOverflowError, ModelError, ModelLoadError, ToolError
from .base import GenerationStats, Message
from .gguf_meta import GGUFInfo, read_gguf

if TYPE_CHECKING:
    from ..config import ModelSettings

__all__ = ["CHAT_FORMATS", "LlamaCppKernel"]

# Named chat formats that may be forced with model.chat_format (llama-cpp-python's formatters).
CHAT_FORMATS = {
    "chatml": "format_chatml",
    "gemma": "format_gemma",
    "llama-2": "format_llama2",
    "llama-3": "format_llama3",
    "mistral-instruct": "format_mistral_instruct",
    "zephyr": "format_zephyr",
    "qwen": "format_qwen",
    "alpaca": "format_alpaca",
    "vicuna": "format_vicuna",
}


def _threads(n: int) -> int:
    return n if n > 0 else max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


GGML_TYPE_Q8_0 = 8  # ggml's type id (llama_cpp.GGML_TYPE_Q8_0), written here so importing this module stays light


def kv_cache_options(kind: str) -> dict[str, Any]:
    """``Llama(...)`` keyword arguments for ``model.kv_cache``: a quantized V cache needs flash attention."""
    if kind == "q8_0":
        return {"type_k": GGML_TYPE_Q8_0, "type_v": GGML_TYPE_Q8_0, "flash_attn": True}
    return {}


class LlamaCppKernel:
    backend = "llama_cpp"

    def __init__(self, path: str | Path, settings: ModelSettings, *, name: str | None = None) -> None:
        self.path = Path(path).expanduser()
        self.settings = settings
        self.gguf: GGUFInfo = read_gguf(self.path)  # clear errors before llama.cpp sees the file
        self.name = name or self.path.stem
        self.stats = GenerationStats()
        self.load_seconds = 0.0
        trained = self.gguf.context_length
        if trained is not None and settings.n_ctx > trained:
            raise ModelError(
                f"model.n_ctx = {settings.n_ctx} does not fit {self.name}: it was trained for {trained} tokens",
                hint=f"set model.n_ctx to {trained} or less in llmos.toml",
            )
        self.n_ctx = settings.n_ctx
        self._llm = self._load()
        self._format = self._formatter()
        self._grammars: dict[str, Any] = {}
        self._embedder: Any = None
        self._cache_info: dict[str, Any] = {}

    # -- loading ---------------------------------------------------------
    def _load(self) -> Any:
        from llama_cpp import Llama

        t0 = time.perf_counter()
        try:
            llm = Llama(
                model_path=str(self.path),
                n_ctx=self.settings.n_ctx,
                n_threads=_threads(self.settings.n_threads),
                n_batch=self.settings.n_batch,
                seed=self.settings.seed,
                verbose=False,
                **kv_cache_options(self.settings.kv_cache),
            )
        except ValueError as exc:
            raise ModelLoadError(
                f"model file corrupt or unsupported: {self.path} ({exc})",
                hint="check the file is a complete GGUF model supported by this llama.cpp version",
            ) from None
        self.load_seconds = time.perf_counter() - t0
        return llm

    def _formatter(self) -> Any:
        from llama_cpp import llama_chat_format

        forced = self.settings.chat_format
        if forced:
            fn_name = CHAT_FORMATS.get(forced)
            if fn_name is None:
                raise ModelError(
                    f"unknown model.chat_format {forced!r}",
                    hint=f"use one of: {', '.join(sorted(CHAT_FORMATS))}, or leave it empty",
                )
            return getattr(llama_chat_format, fn_name)
        template = self.gguf.chat_template
        if not template:
            raise ModelError(
                f"{self.name} has no chat template in its GGUF metadata",
                hint="set model.chat_format (for example chatml or gemma) in llmos.toml",
            )
        llm = self._llm
        eos = llm.detokenize([llm.token_eos()], special=True).decode("utf-8", "ignore")
        bos = llm.detokenize([llm.token_bos()], special=True).decode("utf-8", "ignore")
        return llama_chat_format.Jinja2ChatFormatter(
            template=template, eos_token=eos, bos_token=bos, stop_token_ids=[llm.token_eos()]
        )

    # -- prompt ----------------------------------------------------------
    def render(self, messages: Sequence[Message]) -> tuple[list[int], list[str]]:
        """Format ``messages`` with the chat template; return prompt tokens and stop strings."""
        response = self._format(messages=[dict(m) for m in messages])
        stop = response.stop
        stops = [stop] if isinstance(stop, str) else list(stop or [])
        tokens = self._llm.tokenize(response.prompt.encode("utf-8"), add_bos=True, special=True)
        return tokens, stops

    def _budget(self, tokens: list[int], max_tokens: int) -> int:
        room = self.n_ctx - len(tokens)
        if room < 16:
            raise ContextOverflowError(
                f"the prompt is {len(tokens)} tokens; the context window is {self.n_ctx}",
                hint="shorten the input, start a new conversation (/clear), or raise model.n_ctx",
            )
        return min(max_tokens, room)

    def _system_prefix(self, messages: Sequence[Message]) -> list[int]:
        """Tokens every prompt of this conversation starts with: the rendered system message."""
        system = [dict(m) for m in messages[:1] if m["role"] == "system"]
        if not system:
            return []
        a, _ = self.render([*system, {"role": "user", "content": "a"}])  # type: ignore[list-item]
        b, _ = self.render([*system, {"role": "user", "content": "b"}])  # type: ignore[list-item]
        n = 0
        for x, y in zip(a, b, strict=False):
            if x != y:
                break
            n += 1
        return a[:n]

    def _use_prompt_cache(self, messages: Sequence[Message], tokens: list[int]) -> None:
        """Restore (or evaluate and persist) the system prefix when the KV cache does not hold it."""
        from . import prompt_cache

        prefix = self._system_prefix(messages)
        if len(prefix) < 8 or tokens[: len(prefix)] != prefix or self._cached_prefix(tokens) >= len(prefix):
            return
        key = prompt_cache.cache_key(self.path, self.settings, prefix)
        t0 = time.perf_counter()
        if prompt_cache.load(self._llm, key, prefix):
            self._cache_info = {"hit": True, "tokens": len(prefix), "seconds": round(time.perf_counter() - t0, 4)}
            return
        self._llm.reset()
        self._llm.eval(prefix)
        saved = prompt_cache.save(self._llm, key, prefix)
        self._cache_info = {"hit": False, "tokens": len(prefix), "saved": str(saved) if saved else None,
                            "seconds": round(time.perf_counter() - t0, 4)}  # fmt: skip

    def _cached_prefix(self, tokens: list[int]) -> int:
        llm = self._llm
        n = 0
        for a, b in zip(llm.input_ids[: llm.n_tokens], tokens, strict=False):
            if a != b:
                break
            n += 1
        return n

    # -- protocol --------------------------------------------------------
    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        stop: Sequence[str] = (),
    ) -> Iterator[str]:
        tokens, stops = self.render(messages)
        budget = self._budget(tokens, max_tokens or self.settings.max_tokens)
        if self.settings.prompt_cache:
            self._use_prompt_cache(messages, tokens)
        self.stats = stats = GenerationStats(prompt_tokens=len(tokens), cached_tokens=self._cached_prefix(tokens))
        t0 = time.perf_counter()
        first: float | None = None
        pieces: list[str] = []
        stream = self._llm.create_completion(
            prompt=tokens,
            max_tokens=budget,
            temperature=self.settings.temperature if temperature is None else temperature,
            stop=[*stops, *stop],
            stream=True,
            seed=self.settings.seed,
            repeat_penalty=1.15,
        )
        try:
            for chunk in stream:
                if first is None:
                    first = time.perf_counter()
                choice = chunk["choices"][0]
                text = choice.get("text") or ""
                if choice.get("finish_reason"):
                    stats.finish_reason = choice["finish_reason"]
                if text:
                    pieces.append(text)
                    stats.completion_tokens += 1
                    yield text
        finally:
            end = time.perf_counter()
            stats.prompt_seconds = (first or end) - t0
            stats.generation_seconds = end - (first or end)
            if pieces:
                stats.completion_tokens = max(stats.completion_tokens, self.count_tokens("".join(pieces)))
            if not stats.finish_reason:
                stats.finish_reason = "cancelled"

    def complete_json(self, messages: Sequence[Message], schema: dict[str, Any], *, max_tokens: int = 256) -> Any:
        tokens, stops = self.render(messages)
        budget = self._budget(tokens, max_tokens)
        grammar = self._grammar(schema)
        self.stats = stats = GenerationStats(prompt_tokens=len(tokens), cached_tokens=self._cached_prefix(tokens))
        t0 = time.perf_counter()
        out = self._llm.create_completion(
            prompt=tokens, max_tokens=budget, temperature=0.0, grammar=grammar, stop=stops, seed=self.settings.seed
        )
        stats.generation_seconds = time.perf_counter() - t0
        stats.completion_tokens = out["usage"]["completion_tokens"]
        stats.finish_reason = out["choices"][0].get("finish_reason") or ""
        text = out["choices"][0]["text"]
        try:
            return json.loads(text)
        except ValueError:
            raise ToolError(
                f"the model's output is not valid JSON (finish reason: {stats.finish_reason}): {text[:200]!r}"
            ) from None

    def _grammar(self, schema: dict[str, Any]) -> Any:
        from llama_cpp import LlamaGrammar

        key = json.dumps(schema, sort_keys=True)
        grammar = self._grammars.get(key)
        if grammar is None:
            grammar = LlamaGrammar.from_json_schema(key, verbose=False)
            self._check_grammar(grammar)
            self._grammars[key] = grammar
        return grammar

    def _check_grammar(self, grammar: Any) -> None:
        """llama-cpp-python hands a grammar llama.cpp cannot parse to the sampler as a null pointer,
        which crashes the process at the first token: parse it here and fail with a clear error."""
        import llama_cpp

        sampler = llama_cpp.llama_sampler_init_grammar(
            self._llm._model.vocab, grammar._grammar.encode(), grammar._root.encode()
        )
        if not sampler:
            raise ToolError("the JSON schema gave a grammar llama.cpp cannot parse")
        llama_cpp.llama_sampler_free(sampler)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if self._embedder is None:
            from llama_cpp import Llama

            self._embedder = Llama(
                model_path=str(self.path),
                n_ctx=min(self.n_ctx, 2048),
                n_threads=_threads(self.settings.n_threads),
                embedding=True,
                pooling_type=1,  # mean pooling: one vector per text
                verbose=False,
            )
        vectors = self._embedder.embed(list(texts), normalize=True)
        return [list(map(float, v)) for v in vectors]

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def info(self) -> dict[str, Any]:
        g = self.gguf
        return {
            "backend": self.backend,
            "name": self.name,
            "path": str(self.path),
            "architecture": g.architecture,
            "quantization": g.quantization,
            "context_length": g.context_length,
            "n_ctx": self.n_ctx,
            "size_bytes": g.size_bytes,
            "chat_template": bool(g.chat_template) or bool(self.settings.chat_format),
            "load_seconds": round(self.load_seconds, 3),
            **({"prompt_cache": self._cache_info} if self._cache_info else {}),
        }

    @property
    def llama(self) -> Any:
        """The underlying ``llama_cpp.Llama`` (for benchmarks and advanced use)."""
        return self._llm

    def close(self) -> None:
        for llm in (self._llm, self._embedder):
            if llm is not None and hasattr(llm, "close"):
                llm.close()
        self._embedder = None
