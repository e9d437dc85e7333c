"""``llmos models``: the catalog of GGUF models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None)


def _describe(name: str, path: Path, shipped: bool, default: str) -> dict[str, object]:
    from ..kernel.gguf_meta import read_gguf

    row: dict[str, object] = {"name": name, "path": str(path), "default": name == default, "shipped": shipped}
    try:
        info = read_gguf(path)
    except Exception as exc:  # noqa: BLE001 - a broken entry is listed with its error
        row["error"] = str(exc)
        return row
    row.update(
        size_bytes=info.size_bytes, architecture=info.architecture, quantization=info.quantization,
        context_length=info.context_length, chat_template=bool(info.chat_template), model_name=info.name,
    )  # fmt: skip
    return row


@app.command("list")
def list_models(json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every model in the catalog: size, quantization, context length, chat template."""
    from ..kernel.catalog import Catalog
    from ..ui import console

    cat = Catalog.load()
    rows = [_describe(e.name, e.path, e.shipped, cat.default) for e in cat.entries()]
    if json_out:
        console.print_json(rows)
        return
    if not rows:
        console.err().print("no models installed; run the README's install command or `llmos models add PATH`")
        return
    console.table(
        ["", "name", "size", "quant", "context", "template", "path"],
        [["*" if r["default"] else "", r["name"], console.human_size(int(r.get("size_bytes", 0))),  # type: ignore[call-overload]
          r.get("quantization", "?"), r.get("context_length", "?"),
          "yes" if r.get("chat_template") else ("error" if "error" in r else "no"), r["path"]] for r in rows],
    )  # fmt: skip


@app.command()
def add(
    path: Annotated[Path, typer.Argument(help="A .gguf file.")],
    name: Annotated[str | None, typer.Option("--name", help="Catalog name (default: from the file name).")] = None,
) -> None:
    """Add a GGUF file to the catalog (it is checked, not copied)."""
    from ..kernel.catalog import Catalog

    entry = Catalog.load().add(path.expanduser(), name)
    print(f"added {entry.name}: {entry.path}")


@app.command()
def default(name: Annotated[str, typer.Argument(help="Catalog name.")]) -> None:
    """Make NAME the default model."""
    from ..kernel.catalog import Catalog

    Catalog.load().set_default(name)
    print(f"default model: {name}")


@app.command()
def info(
    name: Annotated[str, typer.Argument(help="Catalog name or .gguf path.")] = "default",
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Metadata of one model, read from its GGUF header."""
    from ..kernel.catalog import Catalog
    from ..ui import console

    cat = Catalog.load()
    entry = cat.resolve(name)
    row = _describe(entry.name, entry.path, entry.shipped, cat.default)
    if "error" in row:
        from ..errors import ModelLoadError

        raise ModelLoadError(str(row["error"]))
    if json_out:
        console.print_json(row)
        return
    for key, value in row.items():
        shown = console.human_size(int(value)) if key == "size_bytes" else value  # type: ignore[call-overload]
        console.out().print(f"[bold]{key:>15}[/bold]  {console.escape(str(shown))}")
