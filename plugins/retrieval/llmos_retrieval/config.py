"""The ``[plugins.retrieval]`` table of ``llmos.toml``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = ["RetrievalConfig", "parse_config"]


class RetrievalConfig(BaseModel):
    """Settings of the retrieval plugin. Every key has a default."""

    model_config = ConfigDict(extra="forbid")

    store: str = Field("", description="Memory store directory; empty = `<data dir>/memory/default`.")
    namespace: str = Field("documents", pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="Store namespace for chunks.")
    chunk_chars: int = Field(800, ge=100, le=20_000, description="Target characters per chunk.")
    overlap_chars: int = Field(150, ge=0, le=5_000, description="Characters carried from one chunk into the next.")
    max_file_bytes: int = Field(
        50_000_000, ge=1_000, le=2_000_000_000, description="Files larger than this are refused (not read)."
    )
    max_chunks_per_file: int = Field(20_000, ge=1, le=1_000_000, description="Chunks one file may produce.")
    max_files: int = Field(10_000, ge=1, le=1_000_000, description="Files one folder ingest visits.")
    batch_chunks: int = Field(64, ge=1, le=4096, description="Chunks embedded and stored per transaction.")
    top_k: int = Field(5, ge=1, le=50, description="Passages retrieval.ask gives the model.")
    min_score: float = Field(
        0.80, ge=0.0, le=1.0, description="Cosine similarity the best passage needs, else 'not in the documents'."
    )
    support_threshold: float = Field(
        0.6, ge=0.0, le=1.0, description="Share of an answer sentence's words a cited passage must contain."
    )
    max_answer_tokens: int = Field(200, ge=16, le=4096, description="Tokens the model may use for an answer.")
    passage_chars: int = Field(700, ge=100, le=20_000, description="Characters of each passage put in the prompt.")

    @model_validator(mode="after")
    def _overlap_fits(self) -> RetrievalConfig:
        if self.overlap_chars >= self.chunk_chars:
            raise ValueError("overlap_chars must be smaller than chunk_chars")
        return self


def parse_config(config: dict[str, Any]) -> RetrievalConfig:
    """Validate ``[plugins.retrieval]``; raise ``ValueError`` naming the key."""
    try:
        return RetrievalConfig.model_validate(config or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        where = f"plugins.retrieval.{key}" if key else "plugins.retrieval"
        raise ValueError(f"{where}: {err['msg']}") from None
