"""Bad input: each a one-line message, a documented exit code, no traceback."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.conftest import run_cli


def _assert_clean(r, code: int, *needles: str) -> None:
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith("llmos: error: ")
    for n in needles:
        assert n in r.stderr


def test_missing_model_file(isolated: Path) -> None:
    r = run_cli("run", "--model", str(isolated / "nope.gguf"), "hi")
    _assert_clean(r, 3, "model file not found", "nope.gguf", "hint:")


def test_non_gguf_file(isolated: Path) -> None:
    bad = isolated / "fake.gguf"
    bad.write_text("this is not a model\n" * 10)
    r = run_cli("run", "--model", str(bad), "hi")
    _assert_clean(r, 3, "not a GGUF model file")


@pytest.mark.model
def test_truncated_gguf(isolated: Path, model_path: Path) -> None:
    cut = isolated / "cut.gguf"
    cut.write_bytes(model_path.read_bytes()[:4096])
    r = run_cli("run", "--model", str(cut), "hi")
    _assert_clean(r, 3, "truncated")


@pytest.mark.model
def test_truncated_tensor_data(isolated: Path, model_path: Path) -> None:
    cut = isolated / "half.gguf"
    data = model_path.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    r = run_cli("run", "--model", str(cut), "hi")
    _assert_clean(r, 3, "corrupt or unsupported")


@pytest.mark.model
def test_context_larger_than_model(isolated: Path) -> None:
    (isolated / "config" / "llmos.toml").write_text("[model]\nn_ctx = 100000\n")
    r = run_cli("run", "hi")
    _assert_clean(r, 3, "does not fit", "8192")


@pytest.mark.model
def test_prompt_longer_than_context(isolated: Path) -> None:
    (isolated / "config" / "llmos.toml").write_text("[model]\nn_ctx = 256\n[router]\nenabled = false\n")
    r = run_cli("run", "-", input="tell me about this: " + "lorem ipsum dolor sit amet " * 200)
    _assert_clean(r, 3, "context window is 256")


def test_empty_stdin(isolated: Path) -> None:
    r = run_cli("run", "-", input="   \n")
    _assert_clean(r, 2, "empty input on stdin")


def test_unreachable_openai_endpoint(isolated: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    (isolated / "config" / "llmos.toml").write_text(
        f'[model]\nbackend = "openai"\n[openai]\nbase_url = "http://127.0.0.1:{port}/v1"\nmodel = "x"\ntimeout = 5\n'
    )
    r = run_cli("run", "hi")
    _assert_clean(r, 4, "cannot reach the model server", str(port))


def test_bad_catalog_name(isolated: Path) -> None:
    r = run_cli("run", "--model", "no-such-model", "hi")
    _assert_clean(r, 3, "unknown model 'no-such-model'")


def test_debug_shows_traceback(isolated: Path) -> None:
    r = run_cli("--debug", "run", "--model", str(isolated / "nope.gguf"), "hi")
    assert r.returncode == 3 and "Traceback" in r.stderr


def test_unknown_option_is_usage_error(isolated: Path) -> None:
    r = run_cli("run", "--frobnicate", "hi")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_version(isolated: Path) -> None:
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("llmos 0.")


@pytest.mark.model
def test_models_info_json(isolated: Path) -> None:
    r = run_cli("models", "info", "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["quantization"] == "Q4_1" and info["context_length"] == 8192 and info["chat_template"] is True


def test_denied_action_exits_with_the_policy_code(isolated: Path) -> None:
    """No terminal, no --yes: a call that asks is denied, and the exit code says so (5)."""
    (isolated / "config" / "llmos.toml").write_text('[model]\nbackend = "scripted"\n')
    r = run_cli("run", "/files.write path=out.txt content=hello")
    assert r.returncode == 5, (r.returncode, r.stderr)
    assert "files.write was not run" in r.stderr and "--yes" in r.stderr
    assert not Path("out.txt").exists()
    r = run_cli("run", "--yes", "/files.write path=out.txt content=hello")
    assert r.returncode == 0, r.stderr
    assert Path("out.txt").read_text() == "hello"
