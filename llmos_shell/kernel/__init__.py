"""The kernel seam: one protocol, three backends (llama_cpp, openai, scripted).

Backends are imported lazily by :func:`create_kernel` so that importing this
package never pulls in llama.cpp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import GenerationStats, Kernel, Message

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["GenerationStats", "Kernel", "Message", "create_kernel"]


def create_kernel(settings: Settings, *, model: str | None = None) -> Kernel:
    """Build the backend ``settings.model.backend`` names (``model`` overrides the model path/name)."""
    backend = settings.model.backend
    if backend == "llama_cpp":
        from .catalog import Catalog
        from .llama_cpp import LlamaCppKernel

        entry = Catalog.load().resolve(model or settings.model.name)
        return LlamaCppKernel(entry.path, settings.model, name=entry.name)
    if backend == "openai":
        from .openai import OpenAIKernel

        return OpenAIKernel(settings.openai, model=model)
    if backend == "scripted":
        from .scripted import ScriptedKernel

        return ScriptedKernel()
    raise ValueError(f"unknown backend {backend!r}")  # config validation prevents this
