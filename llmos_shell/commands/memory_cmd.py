"""``llmos memory``: the durable memory store from the command line."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None)

NS = Annotated[str, typer.Option("--namespace", "-n", help="Namespace: facts, conversations, documents, ...")]
JSON = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _store(read_only: bool = False) -> Any:
    from ..memory_access import get_store

    store = get_store(read_only=read_only)
    for notice in getattr(store, "notices", []):
        if "on request" in notice:
            continue
        sys.stderr.write(f"llmos: memory: {notice}\n")
    return store


def _wrap(fn: Any) -> Any:
    """Memory store errors become MemoryStoreError (exit 7) with their message."""
    import functools

    @functools.wraps(fn)
    def inner(*args: Any, **kwargs: Any) -> Any:
        from ..errors import LlmosError, MemoryStoreError

        try:
            return fn(*args, **kwargs)
        except (LlmosError, typer.Exit):
            raise
        except Exception as exc:
            if type(exc).__module__.startswith("llmos_memory"):
                raise MemoryStoreError(str(exc)) from None
            raise

    return inner


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


@app.command()
@_wrap
def add(text: Annotated[list[str], typer.Argument(help="What to remember.")], namespace: NS = "facts") -> None:
    """Remember TEXT (redacted before it is stored)."""
    store = _store()
    mid = store.add(" ".join(text), namespace=namespace, provenance="user")
    print(f"remembered #{mid}: {store.get(mid).text}")


@app.command()
@_wrap
def search(
    query: Annotated[list[str], typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", help="How many results.")] = 5,
    namespace: NS = "facts",
    json_out: JSON = False,
) -> None:
    """Memories closest to QUERY."""
    from ..ui import console

    hits = _store(read_only=True).search(" ".join(query), k=k, namespace=namespace)
    if json_out:
        console.print_json([h.to_dict() for h in hits])
        return
    console.table(["id", "score", "text"], [[h.id, f"{h.score:.3f}", h.text] for h in hits])


@app.command("list")
@_wrap
def list_(
    namespace: Annotated[str | None, typer.Option("--namespace", "-n")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 50,
    json_out: JSON = False,
) -> None:
    """Stored memories, newest first."""
    from ..ui import console

    items = _store(read_only=True).list(namespace=namespace, limit=limit)
    if json_out:
        console.print_json([m.__dict__ for m in items])
        return
    console.table(
        ["id", "namespace", "created", "text"], [[m.id, m.namespace, _when(m.created_at), m.text] for m in items]
    )


@app.command()
@_wrap
def forget(
    target: Annotated[str, typer.Argument(help="A memory id, or a description of what to forget.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before forgetting several.")] = False,
) -> None:
    """Delete a memory by id, or every close match of a description (row, vector and, after compaction, text)."""
    from ..builtin.memory_tools import FORGET_MIN_SCORE

    store = _store()
    if target.lstrip("#").isdigit():
        mid = int(target.lstrip("#"))
        if not store.forget(mid):
            from ..errors import UsageError

            raise UsageError(f"no memory #{mid}", hint="see `llmos memory list`")
        store.compact()
        print(f"forgot #{mid}")
        return
    hits = [h for h in store.search(target, k=50, namespace=None) if h.score >= FORGET_MIN_SCORE]
    if not hits:
        print(f"nothing matches {target!r} closely enough")
        return
    for h in hits:
        print(f"#{h.id} ({h.score:.2f}) {h.text}")
    if len(hits) > 1 and not yes:
        if not sys.stdin.isatty():
            from ..errors import PolicyDenied

            raise PolicyDenied(f"{len(hits)} memories match; not forgetting without --yes")
        if input(f"forget these {len(hits)}? [y/N] ").strip().lower() != "y":
            raise typer.Exit(1)
    for h in hits:
        store.forget(h.id)
    store.compact()
    print(f"forgot {len(hits)}")


@app.command()
@_wrap
def stats(json_out: JSON = False) -> None:
    """Counts, model, index kind and sizes."""
    from ..ui import console

    data = _store(read_only=True).stats()
    if json_out:
        console.print_json(data)
        return
    for key, value in data.items():
        console.out().print(f"[bold]{key:>18}[/bold]  {console.escape(str(value))}")


@app.command()
@_wrap
def verify(json_out: JSON = False) -> None:
    """Check the store's consistency (SQLite integrity, index vs rows, manifest checksum) and print findings."""
    from ..errors import MemoryStoreError
    from ..ui import console

    report = _store(read_only=True).verify()
    data = report.to_dict() if hasattr(report, "to_dict") else report.__dict__
    if json_out:
        console.print_json(data)
    else:
        for f in getattr(report, "findings", []):
            console.out().print(console.escape(str(getattr(f, "message", f))))
        console.out().print("ok" if report.ok else "problems found")
    if not report.ok:
        raise MemoryStoreError("the memory store has problems (see above)", hint="run `llmos memory reindex`")


@app.command()
@_wrap
def export(output: Annotated[Path | None, typer.Argument(help="File (default: stdout).")] = None) -> None:
    """Export every memory as JSON lines (text, metadata, namespace; no vectors)."""
    store = _store(read_only=True)
    if output is None:
        store.export_jsonl(sys.stdout)
        return
    with output.open("w", encoding="utf-8") as fh:
        store.export_jsonl(fh)
    print(f"exported to {output}")


@app.command("import")
@_wrap
def import_(file: Annotated[Path, typer.Argument(help="JSON lines written by `llmos memory export`.")]) -> None:
    """Import memories (each is redacted and embedded again)."""
    from ..errors import UsageError

    if not file.is_file():
        raise UsageError(f"no such file: {file}")
    with file.open(encoding="utf-8") as fh:
        n = _store().import_jsonl(fh)
    print(f"imported {n}")


@app.command()
@_wrap
def reindex() -> None:
    """Re-embed every memory with the configured embedding model (after changing it)."""
    import llmos_memory

    from ..config import load_settings

    settings, _ = load_settings()
    path = settings.memory.embedder
    embedder = llmos_memory.LlamaCppEmbedder(path) if path else llmos_memory.default_embedder()
    n = _store().reindex(embedder)
    print(f"re-embedded {n} memories with {embedder.model_id}")
