"""vision.describe: without a model (OCR + facts), handler choice, and the multimodal path end to end.

The end-to-end test uses a tiny random-weight LLaVA-style model and projector written
with the ``gguf`` package (vision_tiny_vlm.py). Its answers are noise: the test proves
the plumbing (metadata -> handler -> projector load -> image encoded -> tokens generated),
not the quality of any description. No vision-language model ships in a package here.
"""

from __future__ import annotations

import importlib.util

import llmos_vision
import llmos_vision.plugin
import pytest
from llmos_vision.ocr import tesseract_available
from llmos_vision.vlm import HANDLERS, choose_handler
from vision_testkit import render_text

from llmos_shell.errors import ToolError
from llmos_shell.plugins import load_plugins

needs_llama = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("gguf") is None,
    reason="needs llama-cpp-python and gguf",
)


def describe_tool(config=None):
    h = load_plugins({"vision": config or {}}, extra={"vision": llmos_vision.plugin}, entry_points=False)
    assert h.plugins["vision"].status == "ok", h.plugins["vision"].errors
    return h.tools["vision.describe"]


@pytest.mark.skipif(not tesseract_available(), reason="apt-get install tesseract-ocr")
def test_without_model_answers_from_ocr_and_facts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    render_text(tmp_path / "sign.png", ["NO PARKING", "Mon-Fri 8-18"], size=40, width=500)
    out = describe_tool().invoke({"path": "sign.png", "question": "what does the sign say?"})
    assert out.content.startswith("No vision model is configured")
    assert 'mmproj = "/path/to/mmproj.gguf"' in out.content
    assert "PNG image, 500x" in out.content and "Dominant colours: white" in out.content
    assert "NO PARKING" in out.content
    assert out.data["mode"] == "ocr+facts" and out.data["question"] == "what does the sign say?"
    assert out.provenance == "ocr"


@pytest.mark.skipif(not tesseract_available(), reason="apt-get install tesseract-ocr")
def test_attach_image_returns_context(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    render_text(tmp_path / "memo.png", ["Meeting moved to Thursday"])
    out = llmos_vision.attach_image("memo.png")
    assert out.content.startswith("Attached image memo.png: PNG image")
    assert "Meeting moved to Thursday" in out.content
    assert out.data["ocr"]["backend"] == "tesseract" and out.data["facts"]["format"] == "PNG"
    with pytest.raises(ValueError, match="ocr_backend"):
        llmos_vision.attach_image("memo.png", config={"ocr_backend": "nope"})


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"general.architecture": "llama", "general.name": "llava-v1.5-7b"}, "llava15"),
        ({"general.architecture": "llama", "general.name": "LLaVA-NeXT-7B (llava-v1.6)"}, "llava16"),
        ({"general.architecture": "phi2", "general.name": "moondream2"}, "moondream"),
        ({"general.architecture": "phi2", "general.name": "unnamed"}, "moondream"),
        ({"general.architecture": "qwen2vl", "general.name": "Qwen2.5 VL 3B Instruct"}, "qwen25vl"),
        ({"general.architecture": "gemma3", "general.name": "Gemma 3 4b It", "tokenizer.chat_template": "x"}, "gemma3"),
        ({"general.architecture": "gemma4"}, "gemma4"),
        ({"general.architecture": "qwen2", "general.name": "nanoLLaVA"}, "nanollava"),
        ({"general.architecture": "qwen2", "general.name": "MiniCPM-V-2_6"}, "minicpmv26"),
        ({"general.architecture": "smolvlm", "tokenizer.chat_template": "{{x}}"}, "mtmd"),
        ({"general.architecture": "llama"}, "llava15"),
    ],
)
def test_handler_from_metadata(meta, expected):
    assert choose_handler(meta) == expected


def test_handler_override_and_names_exist():
    assert choose_handler({"general.architecture": "llama"}, "Qwen2.5-VL") == "qwen25vl"
    with pytest.raises(ToolError, match="unknown vision handler 'blip'"):
        choose_handler({}, "blip")
    if importlib.util.find_spec("llama_cpp") is not None:
        from llama_cpp import llama_chat_format

        missing = [cls for cls in HANDLERS.values() if not hasattr(llama_chat_format, cls)]
        assert missing == []


@needs_llama
def test_multimodal_end_to_end_with_tiny_random_model(tmp_path, monkeypatch):
    from vision_tiny_vlm import write_projector, write_text_model

    monkeypatch.chdir(tmp_path)
    model = write_text_model(tmp_path / "tiny-llava.gguf")
    mmproj = write_projector(tmp_path / "tiny-mmproj.gguf")
    render_text(tmp_path / "pic.png", ["hello"], width=200)
    tool = describe_tool({"model": str(model), "mmproj": str(mmproj), "max_tokens": 4, "n_ctx": 512})
    out = tool.invoke({"path": "pic.png", "question": "What is shown?"})
    assert out.data["mode"] == "vision-model"
    assert out.data["handler"] == "llava15"  # chosen from general.name "tiny-llava-test"
    # system prompt + 16 image embeddings (32x32 image, 8x8 patches) + question: the image really went in
    assert out.data["usage"]["prompt_tokens"] > 16 + len("What is shown?")
    assert out.data["usage"]["completion_tokens"] >= 1  # (byte-level tokens of a random model: exact count varies)
    assert out.content.startswith("Vision model answer about pic.png")
    assert out.provenance == "ocr"
    # second call reuses the loaded model
    again = tool.invoke({"path": "pic.png", "question": "And now?"})
    assert again.data["handler"] == "llava15"


@needs_llama
def test_projector_for_another_model_gives_clear_error(tmp_path, monkeypatch):
    from vision_tiny_vlm import write_projector, write_text_model

    monkeypatch.chdir(tmp_path)
    model = write_text_model(tmp_path / "m.gguf")
    wrong = write_projector(tmp_path / "wrong-mmproj.gguf", out_embd=32)  # projects to 32, model expects 64
    junk = tmp_path / "junk-mmproj.gguf"
    junk.write_bytes(b"GGUF" + bytes(64))
    render_text(tmp_path / "pic.png", ["x"], width=100)
    for proj in (wrong, junk):
        tool = describe_tool({"model": str(model), "mmproj": str(proj)})
        with pytest.raises(ToolError, match=r"cannot load projector .* made for a different model"):
            tool.invoke({"path": "pic.png"})


def test_missing_model_files_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    render_text(tmp_path / "pic.png", ["x"], width=100)
    tool = describe_tool({"model": str(tmp_path / "none.gguf"), "mmproj": str(tmp_path / "none-mmproj.gguf")})
    with pytest.raises(ToolError, match=r"vision model file not found: .*none.gguf \(\[plugins.vision\] model"):
        tool.invoke({"path": "pic.png"})
