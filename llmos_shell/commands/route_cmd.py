"""``llmos route``: the routing decision, without acting on it."""

from __future__ import annotations

from pathlib import Path


def route_command(text: str, *, json_out: bool, tools: Path | None, no_model: bool, model: str | None) -> int:
    from ..app import Options, load_config
    from ..routing import Router, load_tool_specs
    from ..routing.specs import spec_from_tool
    from ..ui import console

    settings, _ = load_config()
    if tools is not None:
        specs = load_tool_specs(tools)
    else:
        from ..plugins import load_plugins

        specs = [spec_from_tool(t) for t in load_plugins(settings.plugins).tools.values()]
    kernel = None
    if not no_model:
        from ..app import build_kernel_factory

        kernel = build_kernel_factory(settings, Options(model=model))()
    decision = Router.from_settings(specs, settings.router, kernel=kernel).route(text)
    if json_out:
        console.print_json(decision.as_dict())
        return 0
    tool = decision.tool or "(no tool: answer directly)"
    console.out().print(f"[bold]{console.escape(tool)}[/bold] {console.escape(str(decision.arguments))}")
    console.table(
        ["candidate", "score", "closest phrase"],
        [[c.tool, f"{c.score:.3f}", c.matched] for c in decision.candidates],
    )
    return 0
