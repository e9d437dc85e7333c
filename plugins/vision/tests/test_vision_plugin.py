"""The vision plugin as llmos sees it: loaded through load_plugins, tools validated, schemas exact."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import llmos_vision
import llmos_vision.plugin

from llmos_shell.plugins import load_plugins


def host(config=None):
    return load_plugins({"vision": config or {}}, extra={"vision": llmos_vision.plugin}, entry_points=False)


def test_tools_registered_with_schemas():
    h = host()
    info = h.plugins["vision"]
    assert info.status == "ok", info.errors
    assert sorted(h.tools) == ["vision.describe", "vision.read_text"]

    read = h.tools["vision.read_text"]
    assert read.description == "Read the text in an image file with OCR (scans, screenshots, photos of documents)."
    assert read.schema() == {
        "additionalProperties": False,
        "properties": {
            "path": {
                "description": "image file (PNG, JPEG, GIF, BMP, TIFF, WEBP or PPM), relative to the working directory",
                "maxLength": 65536,
                "type": "string",
            }
        },
        "required": ["path"],
        "type": "object",
    }
    assert read.path_args == ("path",)
    assert read.effects == frozenset({"read"})
    assert not read.side_effects

    desc = h.tools["vision.describe"]
    schema = desc.schema()
    assert schema["required"] == ["path"]
    assert schema["properties"]["question"]["default"] == ""
    assert schema["additionalProperties"] is False
    assert desc.path_args == ("path",)
    for tool in (read, desc):
        assert 8 <= len(tool.examples) <= 40  # varied; the router reads the verbs in them
        assert len(set(tool.examples)) == len(tool.examples)


def test_extra_arguments_rejected_before_running():
    h = host()
    import pytest

    from llmos_shell.errors import ToolError

    with pytest.raises(ToolError, match="invalid arguments"):
        h.tools["vision.read_text"].invoke({"path": "x.png", "sudo": True})
    with pytest.raises(ToolError, match="invalid arguments"):
        h.tools["vision.read_text"].invoke({"path": ["a.png"]})


def test_bad_config_fails_the_plugin_naming_the_key():
    h = host({"ocr_backend": "magic"})
    info = h.plugins["vision"]
    assert info.status == "failed"
    assert "ocr_backend" in info.errors[0]
    h = host({"model": "/x/m.gguf"})
    assert "mmproj" in h.plugins["vision"].errors[0]
    h = host({"max_pixelz": 5})
    assert "max_pixelz" in h.plugins["vision"].errors[0]


def test_import_is_light():
    code = (
        "import sys, llmos_vision, llmos_vision.plugin;"
        "heavy = [m for m in ('PIL', 'pytesseract', 'llama_cpp', 'onnxruntime', 'numpy', 'rapidocr_onnxruntime')"
        " if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=_env_with_paths()
    )
    assert out.stdout.strip() == ""


def test_public_api():
    assert llmos_vision.__all__ == ["__version__", "attach_image"]


def test_entry_point_declared():
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert pyproject["project"]["entry-points"]["llmos"] == {"vision": "llmos_vision.plugin"}
    eps = {ep.name: ep.value for ep in metadata.entry_points(group="llmos")}
    if "vision" in eps:  # installed (pip install -e plugins/vision): found exactly like a third-party plugin
        assert eps["vision"] == "llmos_vision.plugin"
        h = load_plugins({}, entry_points=True)
        assert "vision.read_text" in h.tools


def _env_with_paths():
    import os
    from pathlib import Path

    env = dict(os.environ)
    extra = [str(Path(__file__).parents[1]), str(Path(__file__).parents[3])]
    env["PYTHONPATH"] = os.pathsep.join([*extra, env.get("PYTHONPATH", "")])
    return env
