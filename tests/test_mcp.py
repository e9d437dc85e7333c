"""MCP: mounting stdio servers as llmos tools, and serving llmos tools; the other side is the official SDK."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("mcp", reason="pip install 'mcp>=1.2'")

from llmos_shell.config import Settings
from llmos_shell.errors import ToolError
from llmos_shell.mcp.plugin import result_from_mcp, tool_name
from llmos_shell.mcp.schema_tool import schema_tool
from llmos_shell.plugins import load_plugins
from llmos_shell.shell import Shell
from tests.conftest import ROOT, run_cli

SERVER = '''
try:
    from mcp.server.mcpserver import MCPServer as FastMCP  # mcp 2.x
except ImportError:
    from mcp.server.fastmcp import FastMCP  # mcp 1.x
from mcp.types import ToolAnnotations

app = FastMCP("calc")


@app.tool(annotations=ToolAnnotations(readOnlyHint=True))
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@app.tool()
def saveNote(text: str) -> str:
    """Save a note."""
    return "saved: " + text


@app.tool()
def fail() -> str:
    """Always fails."""
    raise ValueError("the disk is on fire")


if __name__ == "__main__":
    app.run()
'''


@pytest.fixture(autouse=True)
def _only_mcp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMOS_PLUGINS", "mcp")


HANG = "import sys\nfor line in sys.stdin:\n    pass  # reads initialize, never answers\n"


@pytest.fixture
def servers(tmp_path: Path) -> dict:
    (tmp_path / "calc_server.py").write_text(SERVER)
    (tmp_path / "hang_server.py").write_text(HANG)
    py = sys.executable
    return {"servers": {
        "calc": {"command": py, "args": [str(tmp_path / "calc_server.py")]},
        "crash": {"command": py, "args": ["-c", "import sys; sys.stderr.write('missing API key\\n'); sys.exit(1)"]},
        "hang": {"command": py, "args": [str(tmp_path / "hang_server.py")], "startup_timeout": 1},
        "off": {"command": "never-started", "enabled": False},
    }}  # fmt: skip


def test_mount_servers_one_failing_does_not_stop_the_others(servers):
    host = load_plugins({"mcp": servers})
    try:
        calc = host.plugins["mcp_calc"]
        assert calc.status == "ok", calc.errors
        assert calc.tools == ["mcp_calc.add", "mcp_calc.save_note", "mcp_calc.fail"]
        crash = host.plugins["mcp_crash"]
        assert crash.status == "failed"
        assert crash.errors == [
            "register_tools failed: McpServerError: MCP server 'crash' failed: it exited (or closed its stdout) "
            "before answering initialize; its stderr said: missing API key"
        ]
        hang = host.plugins["mcp_hang"]
        assert hang.errors == [
            "register_tools failed: McpServerError: MCP server 'hang' did not finish initialize/tools/list "
            "within 1 s; it was stopped"
        ]
        assert "mcp_off" not in host.plugins

        add = host.tools["mcp_calc.add"]
        assert add.schema()["properties"]["a"]["type"] == "integer"  # the server's inputSchema
        assert add.schema()["required"] == ["a", "b"]
        assert add.effects == {"read"}  # readOnlyHint
        assert host.tools["mcp_calc.save_note"].effects == {"read", "write", "execute", "network"}

        shell = Shell(Settings(), host=host)  # no policy engine: only read-only tools may run
        call, result = shell.call_tool("mcp_calc.add", {"a": "2", "b": 40})
        assert (call.ok, call.output, call.provenance) == (True, "42", "mcp")
        assert result is not None and result.untrusted and result.source == "mcp:calc/add"
        assert shell.provenance[0].kind == "mcp"  # later side effects need approval

        call, _ = shell.call_tool("mcp_calc.add", {"a": "two"})
        assert call.decision == "invalid" and "invalid arguments for mcp_calc.add" in call.output

        call, _ = shell.call_tool("mcp_calc.save_note", {"text": "hi"})
        assert call.decision == "deny" and call.output.startswith("Cancelled:")

        with pytest.raises(ToolError, match="calc/fail"):
            host.tools["mcp_calc.fail"].invoke({})
    finally:
        host.close()


def test_bad_mcp_config_names_the_key():
    host = load_plugins({"mcp": {"servers": {"Bad-Name": {"command": "x"}}}})
    assert "plugins.mcp.servers.Bad-Name: server names must be lower_snake_case" in host.plugins["mcp"].errors[0]
    host = load_plugins({"mcp": {"servers": {"fs": {"command": "x", "timeout": "soon"}}}})
    assert "plugins.mcp.servers.fs.timeout:" in host.plugins["mcp"].errors[0]
    host = load_plugins({"mcp": {"server": {}}})
    assert "plugins.mcp: unknown key(s) ['server']" in host.plugins["mcp"].errors[0]


def test_tool_names_and_results():
    assert tool_name("readFile") == "read_file"
    assert tool_name("read-file.v2") == "read_file_v2"
    assert tool_name("2fa") == "t_2fa"
    out = result_from_mcp({"content": [{"type": "text", "text": "abcdef"}, {"type": "image", "mimeType": "image/png",
                                                                           "data": "AAAA"}]},
                          server="s", tool="t", limit=8)  # fmt: skip
    assert out.truncated and out.content.startswith("abcdef\n[")
    with pytest.raises(ToolError, match="s/t: nope"):
        result_from_mcp({"content": [{"type": "text", "text": "nope"}], "isError": True}, server="s", tool="t",
                        limit=100)  # fmt: skip


def test_schema_tool_validates_with_the_json_schema():
    schema = {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}, "flag": {"type": "boolean"}},
              "required": ["n"], "additionalProperties": False}  # fmt: skip
    tool = schema_tool("demo.count", "Count things.", schema, lambda args: {"got": args})
    assert tool.validate({"n": "3", "flag": "true"}) == {"n": 3, "flag": True}
    with pytest.raises(ToolError, match="n: 0 is less than the minimum of 1"):
        tool.validate({"n": 0})
    with pytest.raises(ToolError, match="Additional properties"):
        tool.validate({"n": 1, "x": 2})
    assert tool.invoke({"n": 2}).data == {"got": {"n": 2}}
    with pytest.raises(ValueError, match="invalid input schema"):
        schema_tool("demo.bad", "Bad.", {"type": "object", "properties": {"n": {"type": "nonsense"}}}, print)
    with pytest.raises(ValueError, match="lower_snake_case"):
        schema_tool("Demo", "Bad name.", {"type": "object"}, print)


def _serve_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.startswith(("LLMOS_", "PYTHON"))}
    env.update({"LLMOS_PLUGINS": "files", "LLMOS_NO_LOG": "1", "PYTHONPATH": str(ROOT), **extra})
    return env


async def _session_calls(args: list[str], env: dict[str, str], cwd: Path) -> dict:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(command=sys.executable, args=["-m", "llmos_shell", *args], env=env, cwd=str(cwd))
    out: dict = {}
    async with stdio_client(params) as streams, ClientSession(streams[0], streams[1]) as session:
        await session.initialize()
        listed = (await session.list_tools()).model_dump(by_alias=True)["tools"]
        out["tools"] = {t["name"]: t for t in listed}
        for key, name, arguments in (
            ("read", "files.read", {"path": "notes.txt"}),
            ("write", "files.write", {"path": "new.txt", "content": "hello"}),
            ("outside", "files.read", {"path": "/etc/passwd"}),
            ("bad", "files.read", {}),
        ):
            out[key] = (await session.call_tool(name, arguments)).model_dump(by_alias=True)
    return out


def test_serve_runs_every_call_through_the_policy_gate(tmp_path):
    pytest.importorskip("llmos_files")
    import anyio

    work = Path.cwd()
    (work / "notes.txt").write_text("the meeting is at noon\n")
    out = anyio.run(_session_calls, ["mcp", "serve"], _serve_env(tmp_path), work)
    assert "files.read" in out["tools"] and out["tools"]["files.read"]["inputSchema"]["required"] == ["path"]
    assert out["tools"]["files.read"]["annotations"]["readOnlyHint"] is True
    assert out["tools"]["files.write"]["annotations"]["readOnlyHint"] is False

    read = out["read"]
    assert not read["isError"] and "the meeting is at noon" in read["content"][0]["text"]
    assert read["_meta"]["llmos"]["decision"] == "allow"
    write = out["write"]  # the policy asks; nobody can answer; so: denied
    assert write["isError"] and write["content"][0]["text"].startswith("Cancelled:")
    assert write["_meta"]["llmos"]["decision"] == "ask" and not (work / "new.txt").exists()
    assert out["outside"]["isError"]  # the workspace boundary holds over MCP too
    assert out["bad"]["isError"] and "path" in out["bad"]["content"][0]["text"]

    approved = anyio.run(_session_calls, ["mcp", "serve", "--yes"], _serve_env(tmp_path), work)
    assert not approved["write"]["isError"] and (work / "new.txt").read_text() == "hello"
    assert approved["outside"]["isError"]  # --yes approves asks, never denials


def test_mcp_list_shows_servers_and_tools(tmp_path, servers):
    cfg = tmp_path / "config" / "llmos.toml"
    calc = servers["servers"]["calc"]
    cfg.write_text(
        textwrap.dedent(f"""
        [plugins.mcp.servers.calc]
        command = {sys.executable!r}
        args = [{calc["args"][0]!r}]

        [plugins.mcp.servers.gone]
        command = "/nonexistent/mcp-server"
    """)
    )
    proc = run_cli("mcp", "list", "--json", env={"PYTHONPATH": str(ROOT)}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    import json

    rows = {r["server"]: r for r in json.loads(proc.stdout)}
    assert rows["calc"]["status"] == "ok"
    assert [t["name"] for t in rows["calc"]["tools"]] == ["mcp_calc.add", "mcp_calc.save_note", "mcp_calc.fail"]
    assert rows["gone"]["status"] == "failed"
    assert "cannot start '/nonexistent/mcp-server'" in rows["gone"]["errors"][0]
