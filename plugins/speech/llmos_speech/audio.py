"""Audio files: format and duration from the header, before anything is decoded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from llmos_shell.errors import ToolError

__all__ = ["AUDIO_FORMATS", "AudioInfo", "format_duration", "probe"]

AUDIO_FORMATS = ("WAV", "MP3", "FLAC", "OGG")


@dataclass
class AudioInfo:
    path: Path
    format: str
    duration: float  # seconds
    samplerate: int
    channels: int


def probe(path: Path) -> AudioInfo:
    """Read format and duration from the header (libsndfile, then PyAV). :class:`ToolError` if not audio."""
    info = _probe_soundfile(path) or _probe_av(path)
    if info is None:
        raise ToolError(f"{path.name} is not an audio file this tool reads (supported: {', '.join(AUDIO_FORMATS)})")
    if info.format not in AUDIO_FORMATS:
        raise ToolError(f"{path.name}: unsupported audio format {info.format} (supported: {', '.join(AUDIO_FORMATS)})")
    if info.duration <= 0:
        raise ToolError(f"{path.name} contains no audio")
    return info


def _probe_soundfile(path: Path) -> AudioInfo | None:
    try:
        import soundfile
    except ImportError:
        return None
    try:
        i = soundfile.info(str(path))
    except Exception:  # noqa: BLE001 - soundfile raises LibsndfileError/RuntimeError/TypeError for non-audio
        return None
    fmt = str(i.format).upper()
    return AudioInfo(path, fmt, float(i.frames) / float(i.samplerate or 1), int(i.samplerate), int(i.channels))


_AV_FORMATS = {"wav": "WAV", "mp3": "MP3", "flac": "FLAC", "ogg": "OGG"}


def _probe_av(path: Path) -> AudioInfo | None:
    try:
        import av
    except ImportError:
        return None
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            audio = [s for s in container.streams if s.type == "audio"]
            if not audio:
                return None
            stream = audio[0]
            names = str(container.format.name).split(",")
            fmt = next((_AV_FORMATS[n] for n in names if n in _AV_FORMATS), names[0].upper())
            if container.duration is not None:
                duration = container.duration / 1_000_000
            elif stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            else:
                duration = 0.0
            return AudioInfo(path, fmt, duration, int(stream.rate or 0), int(stream.channels or 0))
    except Exception:  # noqa: BLE001 - any demuxer error means "not readable audio"
        return None


def format_duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    h, rem = divmod(round(seconds), 3600)
    m, s = divmod(rem, 60)
    if h:
        return f"{h}h {m:02d}m {s:02d}s"
    if m:
        return f"{m}m {s:02d}s"
    return f"{seconds:.1f} s"
