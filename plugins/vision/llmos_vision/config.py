"""The ``[plugins.vision]`` table of ``llmos.toml``."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["VisionConfig", "parse_config"]


class VisionConfig(BaseModel):
    """Settings of the vision plugin. Every key is optional."""

    model_config = ConfigDict(extra="forbid")

    ocr_backend: Literal["auto", "tesseract", "rapidocr"] = Field(
        "auto",
        description="OCR engine: tesseract (Debian tesseract-ocr), rapidocr (pip only), or auto (tesseract if found)",
    )
    lang: str = Field("eng", description="tesseract language code(s), e.g. 'eng' or 'eng+deu'")
    max_pixels: int = Field(
        40_000_000, gt=0, description="refuse images with more pixels than this (decompression-bomb guard)"
    )
    max_bytes: int = Field(50_000_000, gt=0, description="refuse image files larger than this many bytes")
    ocr_timeout: float = Field(120.0, gt=0, description="seconds before an OCR run is abandoned")
    threads: int = Field(2, ge=1, description="CPU threads for rapidocr and the vision model")
    model: str | None = Field(None, description="multimodal GGUF model (the language part) for vision.describe")
    mmproj: str | None = Field(None, description="its multimodal projector GGUF (mmproj)")
    handler: str | None = Field(
        None,
        description="chat handler override: llava15, llava16, moondream, nanollava, minicpmv26, qwen25vl, gemma3, "
        "gemma4, mtmd ... (default: chosen from the model's GGUF metadata)",
    )
    n_ctx: int = Field(4096, ge=256, description="context window for the vision model")
    max_tokens: int = Field(256, ge=1, description="longest answer vision.describe generates")


def parse_config(table: dict[str, Any] | None) -> VisionConfig:
    """Validate the table; raise ``ValueError`` naming the key (the host reports the plugin as failed)."""
    try:
        cfg = VisionConfig.model_validate(dict(table or {}))
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "plugins.vision"
        raise ValueError(f"[plugins.vision] {key}: {err['msg']}") from None
    if (cfg.model is None) != (cfg.mmproj is None):
        missing = "mmproj" if cfg.mmproj is None else "model"
        raise ValueError(f"[plugins.vision] {missing}: 'model' and 'mmproj' must be set together")
    return cfg
