"""llmos-speech: speech to text and text to speech for llmos.

Public API (besides the plugin, which llmos loads by entry point), what the shell
calls for ``llmos run --audio PATH`` and ``--speak``:

- :func:`transcribe_file` -> :class:`Transcript` (text, timestamped segments, duration,
  backend); raises :class:`llmos_shell.errors.ToolError` for unusable input and
  :class:`llmos_shell.errors.Cancelled` when ``cancel`` is set.
- :func:`speak_to_file` -> :class:`pathlib.Path` of the WAV written (``markdown=True`` for
  a model's answer: read through :func:`speakable`, code blocks and markup left out).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from .speakable import speakable
from .stt import Progress, Segment, Transcript

__version__ = "0.1.0"
__all__ = ["Progress", "Segment", "Transcript", "__version__", "speak_to_file", "speakable", "transcribe_file"]

_services: dict[str, Any] = {}


def _service(config: dict[str, Any] | None) -> Any:
    """One service (and so one loaded model) per distinct configuration."""
    from .config import parse_config
    from .service import SpeechService

    cfg = parse_config(config)
    key = cfg.model_dump_json()
    if key not in _services:
        _services[key] = SpeechService(cfg)
    return _services[key]


def transcribe_file(
    path: str | Path,
    *,
    config: dict[str, Any] | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Transcript:
    """Transcribe one audio file (WAV, MP3, FLAC, OGG) with faster-whisper tiny.en.

    ``config`` is the ``[plugins.speech]`` table. ``progress(done_s, total_s)`` is called
    after each segment and once at the end; set ``cancel`` to stop between segments.
    Files longer than ``max_seconds`` (default 3600) are refused before decoding.
    """
    return _service(config).transcribe(str(path), progress=progress, cancel=cancel)


def speak_to_file(
    text: str,
    path: str | Path | None = None,
    *,
    config: dict[str, Any] | None = None,
    play: bool = False,
    markdown: bool = False,
) -> Path:
    """Synthesize ``text`` to a WAV file and return its path.

    ``path`` defaults to a new file under ``llmos_shell.paths.data_dir()/speech/``. The
    engine is espeak-ng unless ``config`` says ``tts = "piper"``. With ``play=True`` the
    file is also played when an audio device exists (aplay, paplay or ffplay). With
    ``markdown=True`` (a model's answer) the text is read through :func:`speakable`: code
    blocks are not read out and markup is dropped.
    """
    if markdown:
        text = speakable(text)
    return _service(config).speak(text, str(path) if path else None, play_audio=play).path
