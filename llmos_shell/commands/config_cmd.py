"""``llmos config``: show the effective configuration, check a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None)


@app.command()
def show(json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The effective configuration and the files it came from."""
    from .. import paths
    from ..config import load_settings, user_config_path
    from ..ui import console

    settings, sources = load_settings()
    data = settings.model_dump(mode="json")
    files = {
        "user": str(sources.user or f"{user_config_path()} (not present)"),
        "project": str(sources.project or "(none)"),
        "project_policy": "applied"
        if sources.project_policy and sources.project_trusted
        else ("ignored: folder not trusted (llmos trust)" if sources.project_policy else "(none)"),
        "data_dir": str(paths.data_dir()),
        "cache_dir": str(paths.cache_dir()),
    }
    if json_out:
        console.print_json({"sources": files, "settings": data})
        return
    import tomllib  # noqa: F401 - validates that the output below is TOML-shaped

    for key, value in files.items():
        console.out().print(f"# {key}: {console.escape(value)}")
    console.out().print(console.escape(_to_toml(data)))


def _to_toml(data: dict, prefix: str = "") -> str:
    import json

    lines: list[str] = []
    tables: list[tuple[str, dict]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append((f"{prefix}{key}", value))
        else:
            lines.append(f"{key} = {json.dumps(value)}")
    out = "\n".join(lines)
    for name, table in tables:
        body = _to_toml(table, f"{name}.")
        out += f"\n\n[{name}]\n{body}" if body.strip() else f"\n\n[{name}]"
    return out.strip()


@app.command()
def check(path: Annotated[Path | None, typer.Argument(help="A TOML file (default: the files in use).")] = None) -> None:
    """Validate configuration; exit 2 with file:line and the key when it is wrong."""
    from ..config import load_settings, read_toml, validate

    if path is not None:
        validate(read_toml(path), {k: path for k in read_toml(path)})
        print(f"{path}: ok")
        return
    _, sources = load_settings()
    used = [str(p) for p in (sources.user, sources.project) if p]
    print("ok: " + (", ".join(used) if used else "built-in defaults (no llmos.toml found)"))
