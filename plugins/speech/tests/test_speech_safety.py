"""Hostile and broken audio input and output paths (SECURITY-CASES F4, C4, C9)."""

from __future__ import annotations

import os
import shutil
import wave

import llmos_speech
import llmos_speech.plugin
import pytest

from llmos_shell.errors import ToolError
from llmos_shell.plugins import load_plugins


def tools(config=None):
    h = load_plugins({"speech": config or {}}, extra={"speech": llmos_speech.plugin}, entry_points=False)
    return h.tools


def silence(path, seconds, rate=8000):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * int(seconds * rate))
    return path


def test_duration_cap(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    silence(tmp_path / "long.wav", 3.0)
    with pytest.raises(
        ToolError, match=r"long.wav is 3.0 s long; the limit is 2.0 s \(\[plugins.speech\] max_seconds = 2\)"
    ):
        tools({"max_seconds": 2})["speech.transcribe"].invoke({"path": "long.wav"})


def test_duration_cap_checked_from_header_before_decoding(tmp_path):
    """Two hours of audio (a sparse file: no disk cost) is refused from the header, in no time (default cap)."""
    path = silence(tmp_path / "hours.wav", 0.0)
    raw = bytearray(path.read_bytes())
    claimed = 2 * 3600 * 8000 * 2  # two hours of 8 kHz 16-bit mono
    raw[40:44] = claimed.to_bytes(4, "little")  # data chunk size
    raw[4:8] = (claimed + 36).to_bytes(4, "little")
    with open(path, "wb") as f:
        f.write(bytes(raw))
        f.truncate(len(raw) + claimed)
    with pytest.raises(ToolError, match=r"is 2h 00m 00s long; the limit is 1h 00m 00s"):
        llmos_speech.transcribe_file(path)


def test_not_audio_and_special_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.wav").write_text("not audio at all\n")
    t = tools()["speech.transcribe"]
    with pytest.raises(ToolError, match=r"notes.wav is not an audio file this tool reads \(supported: WAV, MP3"):
        t.invoke({"path": "notes.wav"})
    with pytest.raises(ToolError, match=r"no such audio file: gone\.wav"):
        t.invoke({"path": "gone.wav"})
    os.mkfifo(tmp_path / "pipe.wav")
    with pytest.raises(ToolError, match="not a regular file"):
        t.invoke({"path": "pipe.wav"})
    with pytest.raises(ToolError, match="mandatory deny list"):  # workspace boundary, before any open
        t.invoke({"path": "/dev/zero"})
    with pytest.raises(ToolError, match="outside workspace"):
        t.invoke({"path": "../../../etc/passwd"})
    silence(tmp_path / "big.wav", 1.0)
    with pytest.raises(ToolError, match=r"the limit is 1,000 \(max_bytes\)"):
        tools({"max_bytes": 1000})["speech.transcribe"].invoke({"path": "big.wav"})


def test_silence_gives_no_text(tmp_path, monkeypatch):
    pytest.importorskip("faster_whisper")
    monkeypatch.chdir(tmp_path)
    silence(tmp_path / "quiet.wav", 1.0)
    out = tools()["speech.transcribe"].invoke({"path": "quiet.wav"})
    assert out.provenance == "transcript"
    assert out.data["duration"] == 1.0


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="apt-get install espeak-ng")
def test_speak_refusals(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    t = tools({"max_text": 50, "play": "never"})["speech.speak"]
    with pytest.raises(ToolError, match="nothing to say"):
        t.invoke({"text": "   "})
    with pytest.raises(ToolError, match=r"text is 51 characters; the limit is 50 \(max_text\)"):
        t.invoke({"text": "x" * 51})
    with pytest.raises(ToolError, match=r"must end in \.wav"):
        t.invoke({"text": "hi", "path": "out.sh"})
    (tmp_path / "d.wav").mkdir()
    with pytest.raises(ToolError, match="exists and is not a regular file"):
        t.invoke({"text": "hi", "path": "d.wav"})
    (tmp_path / "link.wav").symlink_to("/etc/hostname")
    with pytest.raises(ToolError, match="refusing to write through a symbolic link"):
        t.invoke({"text": "hi", "path": "link.wav"})
    with pytest.raises(ToolError, match="directory does not exist"):
        t.invoke({"text": "hi", "path": "nodir/x.wav"})
    with pytest.raises(ToolError, match="outside workspace"):
        t.invoke({"text": "hi", "path": "/tmp/escape.wav"})
    # shell metacharacters in text and file name are plain data (argument vector, no shell)
    out = t.invoke({"text": "$(touch pwned); rm -rf ~", "path": "a; touch pwned2.wav"})
    assert out.data["engine"] == "espeak-ng"
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2.wav").exists()
    assert (tmp_path / "a; touch pwned2.wav").stat().st_size > 1000
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".speak-")) == []  # temp files cleaned
