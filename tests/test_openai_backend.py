"""The openai backend against llama-cpp-python's own OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from llmos_shell.config import OpenAISettings
from llmos_shell.kernel.openai import OpenAIKernel
from tests.conftest import run_cli

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def server(model_path: Path):
    pytest.importorskip("uvicorn", reason="server extras are part of the dev install")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "2048", "--model_alias", "smollm2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/models", timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("llama_cpp.server exited at start-up")
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)


def test_streams_chat(server: str) -> None:
    k = OpenAIKernel(OpenAISettings(base_url=server))
    assert k.name == "smollm2"
    pieces = list(k.chat([{"role": "user", "content": "Say hello."}], max_tokens=12))
    assert len(pieces) >= 2 and "".join(pieces).strip()
    assert k.stats.completion_tokens >= 2


def test_complete_json(server: str) -> None:
    k = OpenAIKernel(OpenAISettings(base_url=server, model="smollm2"))
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
    out = k.complete_json([{"role": "user", "content": "Is water wet? Answer in JSON."}], schema, max_tokens=20)
    assert isinstance(out.get("ok"), bool)


def test_cli_through_openai_backend(server: str, isolated: Path) -> None:
    (isolated / "config" / "llmos.toml").write_text(
        f'[model]\nbackend = "openai"\nmax_tokens = 16\n[router]\nenabled = false\n[openai]\nbase_url = "{server}"\n'
    )
    r = run_cli("run", "--json", "Say hi.")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["model"]["backend"] == "openai" and data["answer"]
