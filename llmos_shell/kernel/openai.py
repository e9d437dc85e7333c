"""A backend for any OpenAI-compatible server: llama.cpp's server, llama-cpp-python's
server, vLLM, Ollama. The way out when one machine is not enough.

Only the standard library is used (``urllib``), streaming through server-sent events.
The API key, if any, is read from the environment variable ``openai.api_key_env``
and never stored.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import BackendUnavailableError, ContextOverflowError, ToolError
from .base import GenerationStats, Message

if TYPE_CHECKING:
    from ..config import OpenAISettings

__all__ = ["OpenAIKernel"]


class OpenAIKernel:
    backend = "openai"

    def __init__(self, settings: OpenAISettings, *, model: str | None = None) -> None:
        self.settings = settings
        self.base_url = settings.base_url.rstrip("/")
        self.stats = GenerationStats()
        self.name = model or settings.model or self._first_model()
        self.n_ctx = self._server_context() or 4096

    # -- HTTP ------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        key = os.environ.get(self.settings.api_key_env)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _open(self, path: str, body: dict[str, Any] | None = None) -> Any:
        url = f"{self.base_url}{path}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, headers=self._headers(), method="POST" if data else "GET")
        try:
            return urllib.request.urlopen(req, timeout=self.settings.timeout)
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace")
            if "context" in detail.lower() and ("exceed" in detail.lower() or "too long" in detail.lower()):
                raise ContextOverflowError(
                    f"the model server says the prompt does not fit its context: {_short(detail)}",
                    hint="shorten the input or start a new conversation (/clear)",
                ) from None
            raise BackendUnavailableError(
                f"the model server at {url} answered HTTP {exc.code}: {_short(detail)}",
                hint="check openai.model and the server's log",
            ) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise BackendUnavailableError(
                f"cannot reach the model server at {self.base_url}: {reason}",
                hint="start the server, or fix openai.base_url in llmos.toml",
            ) from None

    def _json(self, path: str, body: dict[str, Any] | None = None) -> Any:
        with self._open(path, body) as resp:
            try:
                return json.loads(resp.read())
            except ValueError:
                raise BackendUnavailableError(f"the model server at {self.base_url} sent invalid JSON") from None

    def _first_model(self) -> str:
        data = self._json("/models")
        models = data.get("data") or []
        if not models:
            raise BackendUnavailableError(f"the model server at {self.base_url} lists no models")
        return str(models[0].get("id"))

    def _server_context(self) -> int | None:
        try:
            data = self._json("/models")
        except BackendUnavailableError:
            return None
        for m in data.get("data") or []:
            meta = m.get("meta") or {}
            n = meta.get("n_ctx_train") or meta.get("n_ctx") or m.get("max_model_len")
            if m.get("id") == self.name and n:
                return int(n)
        return None

    # -- protocol --------------------------------------------------------
    def chat(self, messages: Sequence[Message], *, max_tokens: int | None = None,
             temperature: float | None = None, stop: Sequence[str] = ()) -> Iterator[str]:  # fmt: skip
        body: dict[str, Any] = {"model": self.name, "messages": list(messages), "stream": True}
        if max_tokens:
            body["max_tokens"] = max_tokens
        if temperature is not None:
            body["temperature"] = temperature
        if stop:
            body["stop"] = list(stop)
        self.stats = stats = GenerationStats()
        t0 = time.perf_counter()
        first: float | None = None
        resp = self._open("/chat/completions", body)
        try:
            for raw in resp:
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    break
                try:
                    event = json.loads(payload)
                except ValueError:
                    continue
                if event.get("usage"):
                    stats.prompt_tokens = event["usage"].get("prompt_tokens", 0)
                for choice in event.get("choices") or []:
                    if choice.get("finish_reason"):
                        stats.finish_reason = choice["finish_reason"]
                    text = (choice.get("delta") or {}).get("content") or ""
                    if text:
                        if first is None:
                            first = time.perf_counter()
                        stats.completion_tokens += 1
                        yield text
        except (ConnectionError, TimeoutError) as exc:
            raise BackendUnavailableError(f"the model server at {self.base_url} stopped answering: {exc}") from None
        finally:
            resp.close()
            end = time.perf_counter()
            stats.prompt_seconds = (first or end) - t0
            stats.generation_seconds = end - (first or end)
            stats.finish_reason = stats.finish_reason or "cancelled"

    def complete_json(self, messages: Sequence[Message], schema: dict[str, Any], *, max_tokens: int = 256) -> Any:
        body = {
            "model": self.name,
            "messages": list(messages),
            "max_tokens": max_tokens,
            "temperature": 0.0,
            "response_format": {"type": "json_object", "schema": schema},
        }
        t0 = time.perf_counter()
        data = self._json("/chat/completions", body)
        self.stats = GenerationStats(generation_seconds=time.perf_counter() - t0)
        usage = data.get("usage") or {}
        self.stats.prompt_tokens = usage.get("prompt_tokens", 0)
        self.stats.completion_tokens = usage.get("completion_tokens", 0)
        text = data["choices"][0]["message"].get("content") or ""
        try:
            return json.loads(text)
        except ValueError:
            raise ToolError(f"the model's output is not valid JSON: {text[:200]!r}") from None

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        data = self._json("/embeddings", {"model": self.name, "input": list(texts)})
        return [list(map(float, item["embedding"])) for item in data.get("data") or []]

    def count_tokens(self, text: str) -> int:
        """Token count from the server's tokenizer when it has one; else an estimate of 1 token per 4 chars."""
        root = self.base_url.removesuffix("/v1")
        for path, key in (("/extras/tokenize", "tokens"), ("/tokenize", "tokens")):
            try:
                req = urllib.request.Request(
                    root + path, data=json.dumps({"input": text, "content": text}).encode(),
                    headers=self._headers(), method="POST",
                )  # fmt: skip
                with urllib.request.urlopen(req, timeout=self.settings.timeout) as resp:
                    return len(json.loads(resp.read())[key])
            except (urllib.error.URLError, ValueError, KeyError, OSError):
                continue
        return max(1, len(text) // 4)

    def info(self) -> dict[str, Any]:
        return {"backend": self.backend, "name": self.name, "base_url": self.base_url, "n_ctx": self.n_ctx}

    def close(self) -> None:
        pass


def _short(text: str) -> str:
    text = " ".join(text.split())
    try:
        obj = json.loads(text)
        err = obj.get("error", obj)
        text = err.get("message", text) if isinstance(err, dict) else str(err)
    except (ValueError, AttributeError):
        pass
    return text[:200]
