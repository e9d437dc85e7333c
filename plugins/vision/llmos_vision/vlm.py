"""A user-supplied multimodal GGUF (model + mmproj projector) through llama-cpp-python.

The chat handler is picked from the model's GGUF metadata (``general.architecture``,
``general.name``) unless ``handler`` is configured. The image reaches llama.cpp as a
``data:`` URL of a re-encoded PNG, never as a file path or web URL, so the handler
never opens anything itself. llama_cpp is imported here, lazily.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import io
import os
import re
import threading
from dataclasses import dataclass
from typing import Any

from llmos_shell.errors import ToolError

__all__ = ["HANDLERS", "VisionModel", "choose_handler"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# handler key -> class name in llama_cpp.llama_chat_format (llama-cpp-python 0.3.x)
HANDLERS: dict[str, str] = {
    "llava15": "Llava15ChatHandler",
    "llava16": "Llava16ChatHandler",
    "moondream": "MoondreamChatHandler",
    "nanollava": "NanoLlavaChatHandler",
    "minicpmv26": "MiniCPMv26ChatHandler",
    "llama3visionalpha": "Llama3VisionAlphaChatHandler",
    "obsidian": "ObsidianChatHandler",
    "qwen25vl": "Qwen25VLChatHandler",
    "gemma3": "MTMDChatHandler",  # no Gemma-3 class: the generic handler uses the GGUF's own chat template
    "gemma4": "Gemma4ChatHandler",
    "mtmd": "MTMDChatHandler",  # generic: any model whose GGUF carries a chat template
}

# (substring of general.name, handler), checked in order, before the architecture
_NAME_HINTS = (
    ("moondream", "moondream"),
    ("nanollava", "nanollava"),
    ("minicpm", "minicpmv26"),
    ("obsidian", "obsidian"),
    ("llama-3-vision-alpha", "llama3visionalpha"),
    ("qwen2.5-vl", "qwen25vl"),
    ("qwen2.5vl", "qwen25vl"),
    ("qwen2-vl", "qwen25vl"),
    ("llava-v1.6", "llava16"),
    ("llava-1.6", "llava16"),
    ("llava-next", "llava16"),
    ("llava", "llava15"),
)
_ARCH_HINTS = {
    "qwen2vl": "qwen25vl",  # Qwen2-VL and Qwen2.5-VL language models
    "gemma3": "gemma3",
    "gemma4": "gemma4",
    "phi2": "moondream",  # moondream2's language model is phi-2
}


def choose_handler(metadata: dict[str, Any], override: str | None = None) -> str:
    """The handler key for a model, from its GGUF metadata (or the configured override)."""
    if override:
        key = override.lower().replace("-", "").replace("_", "").replace(".", "")
        if key not in HANDLERS:
            raise ToolError(
                f"unknown vision handler {override!r} ([plugins.vision] handler); use one of {sorted(HANDLERS)}"
            )
        return key
    name = str(metadata.get("general.name", "")).lower()
    arch = str(metadata.get("general.architecture", "")).lower()
    for hint, key in _NAME_HINTS:
        if hint in name:
            return key
    if arch in _ARCH_HINTS:
        return _ARCH_HINTS[arch]
    if metadata.get("tokenizer.chat_template"):
        return "mtmd"
    return "llava15"  # the classic LLaVA-1.5 prompt: the usual choice for llama-architecture mmproj models


@dataclass
class Answer:
    text: str
    handler: str
    prompt_tokens: int
    completion_tokens: int


class VisionModel:
    """Loads the model and projector once, on first use; answers questions about one image."""

    def __init__(
        self,
        model: str,
        mmproj: str,
        *,
        handler: str | None = None,
        n_ctx: int = 4096,
        threads: int = 2,
        max_tokens: int = 256,
    ) -> None:
        self.model_path = os.path.expanduser(model)
        self.mmproj_path = os.path.expanduser(mmproj)
        self.override = handler
        self.n_ctx = n_ctx
        self.threads = threads
        self.max_tokens = max_tokens
        self._llm: Any = None
        self.handler_key: str | None = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._llm is not None:
            return self._llm
        for label, p in (("model", self.model_path), ("mmproj", self.mmproj_path)):
            if not os.path.isfile(p):
                raise ToolError(f"vision {label} file not found: {p} ([plugins.vision] {label} in llmos.toml)")
        try:
            import llama_cpp
            from llama_cpp import llama_chat_format
        except ImportError:
            raise ToolError("llama-cpp-python is not installed; vision.describe needs it for a vision model") from None
        try:
            with _quiet():
                llm = llama_cpp.Llama(
                    model_path=self.model_path, n_ctx=self.n_ctx, n_threads=self.threads, verbose=False
                )
        except ValueError as exc:
            raise ToolError(f"cannot load vision model {self.model_path}: corrupt or unsupported ({exc})") from None
        key = choose_handler(dict(llm.metadata), self.override)
        cls = getattr(llama_chat_format, HANDLERS[key], None)
        if cls is None:
            raise ToolError(f"this llama-cpp-python has no {HANDLERS[key]}; upgrade it or set another handler")
        try:
            handler = cls(clip_model_path=self.mmproj_path, verbose=False)
            with _quiet():
                handler._init_mtmd_context(llm)  # load the projector now, so a bad one fails here, clearly
        except ValueError as exc:
            raise ToolError(
                f"cannot load projector {self.mmproj_path} for model {self.model_path}: the mmproj file is corrupt, "
                f"not a projector, or made for a different model ({exc})"
            ) from None
        llm.chat_handler = handler
        self._llm = llm
        self.handler_key = key
        # Free native memory while the interpreter is intact (Llama.__del__ at shutdown trips over closed files).
        atexit.register(self.close)
        return llm

    def close(self) -> None:
        """Free the model and projector; the next question loads them again."""
        with self._lock:
            llm, self._llm = self._llm, None
            if llm is not None:
                with _quiet():
                    llm.close()

    def ask(self, image: Any, question: str) -> Answer:
        """Ask ``question`` about a decoded PIL image."""
        with self._lock:
            llm = self._load()
            url = _data_url(image)
            messages = [
                {
                    "role": "user",
                    "content": [
                        {"type": "image_url", "image_url": {"url": url}},
                        {"type": "text", "text": question},
                    ],
                }
            ]
            try:
                with _quiet():
                    out = llm.create_chat_completion(messages=messages, max_tokens=self.max_tokens, temperature=0.2)
            except ValueError as exc:
                raise ToolError(f"the vision model could not process the image: {exc}") from None
        usage = out.get("usage", {})
        return Answer(
            text=_CONTROL.sub("", str(out["choices"][0]["message"].get("content") or "")).strip(),
            handler=self.handler_key or "",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
        )


def _data_url(image: Any) -> str:
    """Re-encode as PNG (drops metadata, any source format works) and wrap it as a data URL."""
    rgb = image.convert("RGB")
    buf = io.BytesIO()
    rgb.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@contextlib.contextmanager
def _quiet():
    """Silence llama.cpp's native logging on stdout/stderr (it ignores verbose=False in places)."""
    try:
        from llama_cpp._utils import suppress_stdout_stderr
    except ImportError:  # pragma: no cover - layout of a future llama-cpp-python
        yield
        return
    with suppress_stdout_stderr(disable=False):
        yield
