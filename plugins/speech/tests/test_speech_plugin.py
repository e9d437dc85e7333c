"""The speech plugin as llmos sees it: loaded through load_plugins, tools validated, schemas exact."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import llmos_speech
import llmos_speech.plugin

from llmos_shell.plugins import load_plugins


def host(config=None):
    return load_plugins({"speech": config or {}}, extra={"speech": llmos_speech.plugin}, entry_points=False)


def test_tools_registered_with_schemas():
    h = host()
    assert h.plugins["speech"].status == "ok", h.plugins["speech"].errors
    assert sorted(h.tools) == ["speech.speak", "speech.transcribe"]
    tr = h.tools["speech.transcribe"]
    assert tr.description == "Transcribe speech in an audio file (WAV, MP3, FLAC or OGG) to text with timestamps."
    assert tr.schema() == {
        "additionalProperties": False,
        "properties": {
            "path": {
                "description": "audio file, relative to the working directory",
                "maxLength": 65536,
                "type": "string",
            }
        },
        "required": ["path"],
        "type": "object",
    }
    assert tr.effects == frozenset({"read"}) and tr.path_args == ("path",)
    sp = h.tools["speech.speak"]
    assert sp.description == "Say text out loud (text to speech) and save it as a WAV file."
    schema = sp.schema()
    assert schema["required"] == ["text"]
    assert schema["properties"]["path"]["default"] == ""
    assert sp.effects == frozenset({"write"}) and sp.side_effects and sp.path_args == ("path",)
    for tool in (tr, sp):
        assert 8 <= len(tool.examples) <= 40  # varied; the router reads the verbs in them


def test_bad_config_fails_the_plugin_naming_the_key():
    h = host({"max_seconds": -5})
    assert h.plugins["speech"].status == "failed" and "max_seconds" in h.plugins["speech"].errors[0]
    h = host({"tts": "festival"})
    assert "tts" in h.plugins["speech"].errors[0]


def test_import_is_light():
    code = (
        "import sys, llmos_speech, llmos_speech.plugin;"
        "print(','.join(m for m in ('faster_whisper', 'ctranslate2', 'soundfile', 'numpy', 'piper', 'av')"
        " if m in sys.modules))"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[1]), str(Path(__file__).parents[3])])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == ""


def test_public_api():
    assert set(llmos_speech.__all__) == {
        "Progress",
        "Segment",
        "Transcript",
        "__version__",
        "speak_to_file",
        "speakable",
        "transcribe_file",
    }


def test_entry_point_declared():
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert pyproject["project"]["entry-points"]["llmos"] == {"speech": "llmos_speech.plugin"}
    assert "piper-tts>=1.2" in pyproject["project"]["optional-dependencies"]["piper"]
    assert not any("piper" in d for d in pyproject["project"]["dependencies"])  # GPL stays optional
    eps = {ep.name: ep.value for ep in metadata.entry_points(group="llmos")}
    if "speech" in eps:
        assert eps["speech"] == "llmos_speech.plugin"
