"""llmos plugin ``system``: run a shell command in the sandbox.

Registered through the entry-point group ``llmos`` (``system = "llmos_system.plugin"``).
``system.run`` declares ``effects=["execute"]``: the policy engine decides (ask by
default) before it runs; this module never asks the user itself.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from llmos_shell import hookimpl
from llmos_shell.errors import ToolError
from llmos_shell.policy.boundary import current_workspace
from llmos_shell.policy.sandbox import run_command
from llmos_shell.tools import ToolResult

__all__ = ["SystemConfig", "run", "run_command_tool"]

MAX_COMMAND_CHARS = 8192


class SystemConfig(BaseModel):
    """The ``[plugins.system]`` table."""

    model_config = ConfigDict(extra="forbid")

    timeout: float = Field(30.0, gt=0, le=3600, description="Seconds before the command's process group is killed.")
    max_output: int = Field(
        64 * 1024, ge=1024, le=16 * 1024 * 1024, description="Bytes of combined stdout/stderr kept."
    )


_config = SystemConfig()


def run_command_tool(command: str, config: SystemConfig | None = None) -> ToolResult:
    """Run ``command`` with ``/bin/sh -c`` in the workspace root; see :func:`run`."""
    cfg = config or _config
    if not command.strip():
        raise ToolError("give the command line to run")
    if len(command) > MAX_COMMAND_CHARS:
        raise ToolError(f"command is {len(command)} characters; the limit is {MAX_COMMAND_CHARS}")
    if "\x00" in command:
        raise ToolError("command contains a NUL byte")
    cwd = current_workspace().root
    result = run_command(command, cwd=cwd, timeout=cfg.timeout, max_output=cfg.max_output)
    status = (
        f"timed out after {cfg.timeout:g} s (process group killed)"
        if result.timed_out
        else f"exit code {result.exit_code}"
    )
    output = result.output if result.output.strip() else "(no output)\n"
    return ToolResult(
        content=f"$ {command}\n{output.rstrip(chr(10))}\n[{status}]",
        # A command's output may quote any file or remote text it printed: untrusted, like a file.
        provenance="file",
        source=f"command: {command[:200]}",
        data={
            "command": command,
            "exit_code": result.exit_code,
            "output": result.output,
            "truncated": result.truncated,
            "timed_out": result.timed_out,
            "sandboxed": result.sandboxed,
        },
        truncated=result.truncated,
    )


def run(command: str) -> ToolResult:
    """Run a shell command in the workspace folder and return its exit code and output.

    Args:
        command: the command line, run with /bin/sh -c (no network, scrubbed environment, time limit)
    """
    return run_command_tool(command)


@hookimpl
def llmos_configure(config: dict[str, Any]) -> None:
    global _config
    try:
        _config = SystemConfig.model_validate(config or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        raise ValueError(f"plugins.system.{key}: {err['msg']}") from None


@hookimpl
def register_tools(register: Any) -> None:
    register(
        run,
        examples=[
            "run {command}",
            "execute {command}",
            "run the command {command}",
            "in the shell, run {command}",
            "what does {command} print",
            "run the tests with {command}",
            "how much disk space is free",
            "show the git status",
            "which python version is installed",
            "$ {command}",
            "run {command} in the terminal",
            "execute the shell command {command}",
            "run this command: {command}",
            "type {command} in the terminal",
            "invoke {command}",
            "run {command} and show the result",
            "in a terminal, run {command}",
            "launch {command}",
            "kick off {command}",
            "show me the output of {command}",
            "run {command} for me",
            "please execute {command}",
            "run the shell command {command}",
            "can you run {command}",
            "execute this: {command}",
            "shell: {command}",
            "what happens if I run {command}",
            "do {command} in the shell",
            "check the free memory with {command}",
            "which process is eating the most CPU",
            "restart the nginx service",
            "list the running containers",
            "how long has the machine been running",
            "show the running processes",
            "what is this machine's IP address",
            "zip up last year's invoices",
            "the computer is slow, what's hogging it",
            "how much memory is free right now",
            "what's listening on port 8080",
            "kill the frozen process",
        ],
        effects=["execute"],
        # The sandbox enforces [plugins.system] timeout and kills the process group; the shell's
        # own deadline is only a backstop a little later.
        timeout=_config.timeout + 10.0,
    )
