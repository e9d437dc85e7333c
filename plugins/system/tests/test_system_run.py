"""system.run through the real sandbox: exit codes, output cap, timeout, scrubbed environment."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from llmos_system import SystemConfig, run_command_tool
from llmos_system import plugin as system_plugin

from llmos_shell.errors import ToolError
from llmos_shell.plugins import load_plugins
from llmos_shell.policy.actions import action_for
from llmos_shell.policy.boundary import Workspace, use_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    with use_workspace(Workspace(root)):
        yield root


def test_registers_run_with_the_execute_effect() -> None:
    host = load_plugins({"system": {"timeout": 5}}, extra={"system": system_plugin}, entry_points=False)
    assert host.plugins["system"].status == "ok", host.plugins["system"].errors
    tool = host.tools["system.run"]
    assert tool.effects == frozenset({"execute"})
    assert len(tool.examples) >= 8  # the router team tunes these
    for example in tool.examples:
        assert set(re.findall(r"\{(\w+)\}", example)) <= {"command"}
    assert tool.timeout == 15.0
    # the policy layer sees the command line of this tool
    assert action_for(tool, {"command": "rm -rf x"}).command == "rm -rf x"
    system_plugin.llmos_configure({})


def test_bad_configuration_names_the_key() -> None:
    host = load_plugins({"system": {"timeout": -1}}, extra={"system": system_plugin}, entry_points=False)
    assert host.plugins["system"].status == "failed"
    assert "plugins.system.timeout" in host.plugins["system"].errors[0]
    system_plugin.llmos_configure({})


def test_runs_in_the_workspace_and_reports_the_exit_code(ws: Path) -> None:
    (ws / "hello.txt").write_text("hi")
    result = run_command_tool("pwd; ls; exit 3")
    assert result.data["exit_code"] == 3
    assert result.data["output"].splitlines() == [str(ws), "hello.txt"]
    assert result.content.splitlines()[0] == "$ pwd; ls; exit 3"
    assert result.content.splitlines()[-1] == "[exit code 3]"
    assert result.provenance == "file" and result.untrusted


def test_stderr_is_captured_and_empty_output_is_said(ws: Path) -> None:
    assert "oops" in run_command_tool("echo oops >&2").data["output"]
    assert "(no output)" in run_command_tool("true").content


def test_output_is_capped_with_a_marker(ws: Path) -> None:
    result = run_command_tool("yes llmos | head -c 500000", SystemConfig(max_output=2048))
    assert result.truncated and result.data["truncated"]
    assert len(result.data["output"].encode()) < 2048 + 200
    assert "output truncated" in result.content


def test_timeout_kills_the_process_group(ws: Path) -> None:
    result = run_command_tool("sleep 60 & echo $! > bg.pid; wait", SystemConfig(timeout=1))
    assert result.data["timed_out"] and "timed out after 1 s" in result.content
    pid = int((ws / "bg.pid").read_text())
    if not result.data["sandboxed"]:  # inside a PID namespace the number means nothing out here
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_environment_is_scrubbed(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-canary-123")
    monkeypatch.setenv("HF_TOKEN", "hf_canary")
    output = run_command_tool("env").data["output"]
    assert "canary" not in output and "OPENAI_API_KEY" not in output
    assert "PATH=" in output


@pytest.mark.parametrize("command", ["", "   ", "echo \x00", "x" * 9000])
def test_bad_command_lines_are_tool_errors(ws: Path, command: str) -> None:
    with pytest.raises(ToolError):
        run_command_tool(command)
