"""The interactive prompt in a pseudo-terminal, on the real model: streaming, history, Ctrl-C, Ctrl-D."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pytestmark = pytest.mark.model
WAIT_S = 180  # how long to wait for output, not a timing: a busy shared machine must not fail a working prompt


def spawn(isolated: Path, max_tokens: int = 24):
    (isolated / "config" / "llmos.toml").write_text(
        f"[model]\nmax_tokens = {max_tokens}\nn_ctx = 2048\n[router]\nenabled = false\n"
    )
    child = pexpect.spawn(sys.executable, ["-m", "llmos_shell"], env={**os.environ, "TERM": "xterm"},
                          encoding="utf-8", timeout=WAIT_S, dimensions=(40, 200))  # fmt: skip
    child.expect("/help for commands")
    child.expect("llmos>")
    return child


def test_answer_history_and_exit(isolated: Path) -> None:
    child = spawn(isolated)
    child.sendline("What is the capital of France?")
    child.expect(r"\r\n(.+?)\r\n")  # the streamed answer, on its own line after the echoed request
    assert child.match.group(1).strip()
    child.expect("llmos>")
    child.sendline("/help")
    child.expect("/resume")
    child.expect("llmos>")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    history = (isolated / "data" / "history").read_text()
    assert "What is the capital of France?" in history


def test_ctrl_c_cancels_generation_not_session(isolated: Path) -> None:
    child = spawn(isolated, max_tokens=2000)
    child.sendline("Write a very long story about a dragon and a knight, with many chapters.")
    child.expect("chapters.")
    child.expect("\r\n")
    child.expect(r"\w+ \w+ \w+")  # streaming has started
    child.sendintr()
    child.expect("cancelled")
    child.expect("llmos>")
    child.sendline("/exit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
