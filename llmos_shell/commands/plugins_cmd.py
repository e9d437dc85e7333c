"""``llmos plugins``: what loaded, its tools, and what failed."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None)


@app.command("list")
def list_plugins(json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Each plugin, its version, its tools and its load errors."""
    from ..config import load_settings
    from ..plugins import load_plugins
    from ..ui import console

    settings, _ = load_settings()
    host = load_plugins(settings.plugins)
    infos = sorted(host.plugins.values(), key=lambda p: p.name)
    if json_out:
        data = [p.as_dict() for p in infos]
        for item in data:
            item["tool_details"] = [
                {"name": n, "description": host.tools[n].description, "effects": sorted(host.tools[n].effects),
                 "parameters": host.tools[n].schema()} for n in item["tools"]
            ]  # fmt: skip
        console.print_json(data)
        return
    console.table(
        ["plugin", "version", "status", "tools", "errors"],
        [[p.name, p.version, p.status, ", ".join(p.tools), "; ".join(p.errors)] for p in infos],
    )


@app.command()
def tools(json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every registered tool with its description and effects."""
    from ..config import load_settings
    from ..plugins import load_plugins
    from ..ui import console

    settings, _ = load_settings()
    host = load_plugins(settings.plugins)
    if json_out:
        console.print_json([t.openai_spec() for t in host.tools.values()])
        return
    console.table(["tool", "effects", "description"],
                  [[t.name, ",".join(sorted(t.effects)), t.description] for t in host.tools.values()])  # fmt: skip
