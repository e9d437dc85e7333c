"""The llama_cpp backend on the real shipped GGUF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.model

SYSTEM = {"role": "system", "content": "You are a terse assistant."}


def test_streaming_chat_yields_pieces(kernel) -> None:
    pieces = list(kernel.chat([SYSTEM, {"role": "user", "content": "Say hello."}], max_tokens=16))
    assert len(pieces) >= 2 and "".join(pieces).strip()
    assert kernel.stats.completion_tokens >= 2 and kernel.stats.prompt_tokens > 5


def test_system_prefix_is_reused_between_turns(kernel) -> None:
    first = [SYSTEM, {"role": "user", "content": "Name a colour."}]
    answer = "".join(kernel.chat(first, max_tokens=8))
    second = [*first, {"role": "assistant", "content": answer}, {"role": "user", "content": "Another one."}]
    list(kernel.chat(second, max_tokens=8))
    # every token of the first prompt was already evaluated: only the new suffix is computed
    assert kernel.stats.cached_tokens >= kernel.count_tokens("You are a terse assistant.")
    assert kernel.stats.cached_tokens < kernel.stats.prompt_tokens


def test_complete_json_follows_schema(kernel) -> None:
    schema = {"type": "object", "properties": {"colour": {"enum": ["red", "green", "blue"]},
              "count": {"type": "integer"}}, "required": ["colour", "count"]}  # fmt: skip
    out = kernel.complete_json([SYSTEM, {"role": "user", "content": "Pick a colour and a count."}], schema)
    assert out["colour"] in {"red", "green", "blue"} and isinstance(out["count"], int)


def test_a_grammar_llama_cpp_cannot_parse_is_an_error_not_a_crash(kernel) -> None:
    from llmos_shell.errors import ToolError

    # llama.cpp's converter writes this enum string into a grammar its own parser rejects; the
    # null sampler llama-cpp-python made of it crashed the process at the first token
    schema = {"type": "object", "properties": {"p": {"enum": ['put \\"PORT=8080\\" in .env']}}, "required": ["p"]}
    with pytest.raises(ToolError, match="cannot parse"):
        kernel.complete_json([SYSTEM, {"role": "user", "content": "go"}], schema)
    ok = {"type": "object", "properties": {"p": {"enum": ["a", "b"]}}, "required": ["p"]}
    assert kernel.complete_json([SYSTEM, {"role": "user", "content": "pick a or b"}], ok)["p"] in {"a", "b"}


def test_embed_and_count_tokens(kernel) -> None:
    vecs = kernel.embed(["hello world", "goodbye"])
    assert len(vecs) == 2 and len(vecs[0]) == kernel.gguf.embedding_length
    assert kernel.count_tokens("hello world") == 2


def test_one_shot_answer_from_shipped_model(isolated: Path) -> None:
    r = run_cli("run", "--json", "What is 2 plus 2?")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["answer"].strip()
    assert data["model"]["name"] == "smollm2-135m" and data["model"]["backend"] == "llama_cpp"
    assert data["model"]["stats"]["completion_tokens"] > 0 and data["timings"]["generation"] > 0


def test_one_shot_from_stdin_and_logged(isolated: Path) -> None:
    (isolated / "config" / "llmos.toml").write_text("[router]\nenabled = false\n")  # plain chat: one exchange
    r = run_cli("run", "-", input="Say yes.\n")
    assert r.returncode == 0, r.stderr and r.stdout.strip()
    logs = run_cli("logs", "list", "--json")
    sessions = json.loads(logs.stdout)
    assert sessions and sessions[0]["messages"] == 2 and sessions[0]["title"] == "Say yes."
    shown = json.loads(run_cli("logs", "show", "--json").stdout)
    assert [m["role"] for m in shown] == ["user", "assistant"]


def test_prompt_cache_persists_the_system_prefix(isolated: Path, model_path: Path) -> None:
    from llmos_shell.config import ModelSettings
    from llmos_shell.kernel.llama_cpp import LlamaCppKernel

    settings = ModelSettings(n_ctx=1024, max_tokens=4, temperature=0.0)
    system = {"role": "system", "content": "You are llmos, a helpful assistant in a terminal. " * 3}
    first = LlamaCppKernel(model_path, settings)
    answer_a = "".join(first.chat([system, {"role": "user", "content": "Say one word."}]))
    assert first.info()["prompt_cache"]["hit"] is False
    first.close()
    files = list((isolated / "cache" / "prompt").glob("*.kv"))
    assert len(files) == 1 and files[0].stat().st_mode & 0o077 == 0
    second = LlamaCppKernel(model_path, settings)
    answer_b = "".join(second.chat([system, {"role": "user", "content": "Say one word."}]))
    info = second.info()["prompt_cache"]
    assert info["hit"] is True and info["tokens"] >= 20
    assert second.stats.cached_tokens >= info["tokens"]
    assert answer_a == answer_b  # restored state gives the same greedy answer
    second.close()
    # a damaged file is ignored (re-evaluated and rewritten), never trusted
    data = bytearray(files[0].read_bytes())
    data[12] ^= 0xFF
    files[0].write_bytes(bytes(data))
    third = LlamaCppKernel(model_path, settings)
    assert "".join(third.chat([system, {"role": "user", "content": "Say one word."}])) == answer_a
    assert third.info()["prompt_cache"]["hit"] is False
    third.close()


def test_interactive_session_with_piped_stdin_answers_every_line(isolated: Path) -> None:
    # stdin is a pipe, not a terminal: saving the terminal's attributes for Ctrl-C raised termios.error
    Path("notes.txt").write_text("Buy milk.\n")
    r = run_cli(input="hello\nread notes.txt\n")
    assert r.returncode == 0, r.stderr
    assert "Buy milk." in r.stdout and "internal error" not in r.stderr
