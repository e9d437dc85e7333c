"""Voice in and out, end to end: a spoken request about a file, answered aloud.

espeak-ng speaks the request, faster-whisper (tiny.en) transcribes it, the router reads the file, the
answer is spoken by espeak-ng, and whisper checks what the answer audio says.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is installed by the set-up"),
]
llmos_speech = pytest.importorskip("llmos_speech")


def ask_aloud(isolated: Path, sentence: str) -> tuple[dict, str]:
    Path("agenda.md").write_text("The team meeting is at noon on Friday in room 42.\n")
    question = isolated / "question.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(question), sentence], check=True)
    r = run_cli("run", "--json", "--audio", str(question), "--speak", timeout=300)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    from llmos_shell.policy.boundary import Workspace, use_workspace

    with use_workspace(Workspace(Path(data["spoken"]).parent)):
        spoken = llmos_speech.transcribe_file(data["spoken"]).text.lower()
    print(f"\nheard: {data['notices'][0]!r}\nanswer: {data['answer']!r}\nanswer audio says: {spoken!r}")
    return data, spoken


def words(text: str) -> set[str]:
    """Words a TTS -> ASR round trip keeps reliably (numbers and fragments it may spell differently are left out)."""
    return set(re.findall(r"[a-z]{3,}", text.lower()))


def test_spoken_question_gets_a_model_answer_spoken_back(isolated: Path) -> None:
    # said the way people say file names aloud: whisper tiny.en hears espeak-ng's "agenda.md" as "again to .md",
    # and "Open agenda.md and ..." loses its first words
    data, spoken = ask_aloud(isolated, "Please open the file agenda dot md and tell me when the meeting is.")
    read = [c for c in data["tool_calls"] if c["tool"] == "files.read"]
    assert read and read[0]["ok"] and "noon on Friday" in read[0]["output"]
    assert not data["direct"] and data["answer"]
    said, heard_back = words(llmos_speech.speakable(data["answer"])), words(spoken)  # what --speak reads out
    assert spoken.strip()
    assert len(said & heard_back) >= 0.5 * len(said), said - heard_back  # the answer audio says the answer
