"""``llmos mcp``: serve llmos's tools over MCP, and list the MCP servers llmos mounts."""

from __future__ import annotations

from typing import Annotated, Any

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None)


@app.command()
def serve(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Approve calls the policy would ask about.")] = False,
) -> None:
    """Serve every llmos tool as an MCP stdio server; each call passes the policy gate."""
    import functools

    import anyio

    from .. import __version__
    from ..app import Options, build_shell, load_config
    from ..cli import State
    from ..mcp.server import claim_stdio
    from ..mcp.server import serve as run_server

    proto_in, proto_out = claim_stdio()  # before plugins load: nothing they print reaches the client
    settings, sources = load_config()
    shell = build_shell(settings, sources, Options(yes=yes or State.yes, mode=State.mode, no_log=True),
                        with_memory=False)  # fmt: skip
    try:
        anyio.run(functools.partial(run_server, shell, proto_in, proto_out, name="llmos", version=__version__))
    finally:
        if shell.host is not None:
            shell.host.close()


@app.command("list")
def list_servers(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Each MCP server in [plugins.mcp]: started, its status and the tools it gives llmos."""
    from ..config import load_settings
    from ..errors import ConfigError
    from ..mcp import plugin as mcp_plugin
    from ..mcp.config import parse_servers
    from ..plugins import load_plugins
    from ..ui import console

    settings, _ = load_settings()
    table = dict(settings.plugins.get("mcp", {}))
    try:
        servers = parse_servers(table)
    except ValueError as exc:
        raise ConfigError(str(exc), hint="see docs/mcp.md") from None
    host = load_plugins({"mcp": table}, entry_points=False, extra={"mcp": mcp_plugin})
    try:
        rows: list[dict[str, Any]] = []
        for name, cfg in servers.items():
            info = host.plugins.get(f"mcp_{name}")
            status = "disabled" if not cfg.enabled else (info.status if info else "failed")
            tools = [host.tools[t] for t in (info.tools if info else [])]
            rows.append({
                "server": name, "plugin": f"mcp_{name}", "command": " ".join([cfg.command, *cfg.args]),
                "status": status, "errors": info.errors if info else [],
                "tools": [{"name": t.name, "effects": sorted(t.effects), "description": t.description} for t in tools],
            })  # fmt: skip
    finally:
        host.close()
    if json_out:
        console.print_json(rows)
        return
    if not rows:
        typer.echo("No MCP servers configured: add [plugins.mcp.servers.NAME] to llmos.toml (see docs/mcp.md).")
        return
    lines: list[list[str]] = []
    for r in rows:
        if not r["tools"]:
            lines.append([r["server"], r["status"], "", "", "; ".join(r["errors"])])
        for i, t in enumerate(r["tools"]):
            lines.append([r["server"] if i == 0 else "", r["status"] if i == 0 else "", t["name"],
                          ",".join(t["effects"]), t["description"]])  # fmt: skip
    console.table(["server", "status", "tool", "effects", "description / error"], lines)
