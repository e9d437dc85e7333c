"""``llmos docs add|list|remove`` and ``llmos ask``: the document library of the retrieval plugin.

The commands reach the ``retrieval`` plugin through the plugin host (entry-point group ``llmos``),
never by importing it, so ``LLMOS_PLUGINS`` and ``[plugins.retrieval]`` apply as in the shell.
``docs add PATH`` reads only inside PATH (a folder) or PATH's folder (a file), through a
:class:`~llmos_shell.policy.boundary.Workspace` rooted there: symlinks leading out of it and the
mandatory deny list (``~/.ssh`` ...) are refused like everywhere else.

Exit codes: 0 ok; 2 bad path or nothing to remove; 6 some file could not be ingested;
7 the memory store refused; 3/4 the model (``ask`` only).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import ExitCode, LlmosError, MemoryStoreError, ToolError, UsageError

__all__ = ["IngestFailed", "ask_command", "docs_app"]


class IngestFailed(LlmosError):
    """Some files could not be ingested (the others were); exit code 6."""

    exit_code = ExitCode.TOOL


docs_app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _plugin() -> Any:
    """The loaded ``retrieval`` plugin module (with its configuration applied)."""
    from ..config import load_settings
    from ..plugins import load_plugins

    settings, _ = load_settings()
    host = load_plugins(settings.plugins)
    info = host.plugins.get("retrieval")
    module = host.pm.get_plugin("retrieval")
    if module is None or not hasattr(module, "service"):
        why = "; ".join(info.errors) if info and info.errors else "it is not installed or not enabled"
        raise UsageError(
            f"the retrieval plugin is not available: {why}",
            hint="pip install llmos-retrieval (or check LLMOS_PLUGINS and [plugins.retrieval] in llmos.toml)",
        )
    return module


def _store_error(exc: Exception) -> MemoryStoreError:
    return MemoryStoreError(f"the memory store refused: {exc}", hint="see `llmos memory` for the store's state")


def _run(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call into the plugin; its errors become user-facing errors with the right exit code."""
    try:
        return fn(*args, **kwargs)
    except ToolError as exc:
        message = str(exc)
        if "memory store" in message:
            raise MemoryStoreError(message) from None
        raise UsageError(message) from None
    except Exception as exc:
        if type(exc).__module__.startswith("llmos_memory"):
            raise _store_error(exc) from None
        raise


def _workspace_for(path: str) -> tuple[Any, str]:
    from ..policy.boundary import Workspace

    target = Path(os.path.realpath(os.path.expanduser(path)))
    if not target.exists():
        raise UsageError(f"no such file or folder: {path}")
    root = target if target.is_dir() else target.parent
    return Workspace(root), str(target)


@docs_app.command("add")
def add(
    path: Annotated[str, typer.Argument(help="A document or a folder of documents.")],
    json_out: JsonOpt = False,
) -> None:
    """Add documents (text, Markdown, HTML, PDF, source code); unchanged files are skipped."""
    from ..ui import console

    plugin = _plugin()
    workspace, target = _workspace_for(path)
    service = plugin.service()
    show_progress = not json_out and sys.stderr.isatty()
    if show_progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console.err(), transient=True,
        ) as bar:  # fmt: skip
            task = bar.add_task("reading", total=None)

            def progress(event: Any) -> None:
                if event.status == "reading":
                    bar.update(task, total=event.total, description=console.escape(event.file[-50:]))
                else:
                    bar.advance(task)

            report = _run(service.ingest, target, workspace=workspace, progress=progress)
    else:
        report = _run(service.ingest, target, workspace=workspace)
    if json_out:
        console.print_json(report.as_dict())
    else:
        problems = [r for r in report.rows if r.status in ("skipped", "failed")]
        console.out().print(console.escape(report.summary()))
        if problems:
            console.table(["file", "status", "why"], [[r.file, r.status, r.reason] for r in problems])
    failed = report.count("failed")
    if failed:
        raise IngestFailed(
            f"{failed} file{'s' if failed != 1 else ''} could not be ingested",
            hint="see the table above (or --json) for why; the other files were added",
        )


@docs_app.command("list")
def list_docs(json_out: JsonOpt = False) -> None:
    """The documents in the library, with their chunk and page counts."""
    from ..ui import console

    service = _plugin().service()
    entries = sorted(_run(service.library.catalog).values(), key=lambda e: e.file)
    if json_out:
        console.print_json([e.as_dict() for e in entries])
        return
    if not entries:
        console.out().print("No documents yet: add some with `llmos docs add PATH`.")
        return
    import time

    rows = [
        [e.file, e.kind, e.stored if e.complete else f"{e.stored} (incomplete: re-add it)", e.pages or "",
         console.human_size(e.size), time.strftime("%Y-%m-%d %H:%M", time.localtime(e.ingested_at))]
        for e in entries
    ]  # fmt: skip
    console.table(["file", "kind", "chunks", "pages", "size", "added"], rows)
    total = sum(e.stored for e in entries)
    noun = "document" if len(entries) == 1 else "documents"
    console.out().print(f"{len(entries)} {noun}, {total} chunks in {service.describe()['store']}")


@docs_app.command("remove")
def remove(
    path: Annotated[str, typer.Argument(help="A document or folder, as added or as `docs list` shows it.")],
    json_out: JsonOpt = False,
) -> None:
    """Forget a document (or every document below a folder)."""
    from ..ui import console

    service = _plugin().service()
    gone = _run(service.library.remove, path)
    if not gone:
        raise UsageError(f"not in the library: {path}", hint="`llmos docs list` shows what is there")
    if json_out:
        console.print_json([e.as_dict() for e in gone])
        return
    chunks = sum(e.stored for e in gone)
    console.out().print(f"Removed {len(gone)} document{'s' if len(gone) != 1 else ''} ({chunks} chunks).")


def ask_command(
    question: Annotated[list[str], typer.Argument(help="The question.")],
    json_out: JsonOpt = False,
) -> None:
    """Answer a question from your documents, citing file:chunk for each claim."""
    from ..ui import console

    text = " ".join(question).strip()
    if not text:
        raise UsageError("give a question: llmos ask 'what does the contract say about notice periods?'")
    plugin = _plugin()
    model = _cli_model()
    if model is not None and hasattr(plugin, "set_kernel_provider"):
        from ..config import load_settings
        from ..kernel import create_kernel

        settings, _ = load_settings()
        cached: list[Any] = []

        def provider() -> Any:
            if not cached:
                cached.append(create_kernel(settings, model=model))
            return cached[0]

        plugin.set_kernel_provider(provider)
    answer = _run(plugin.service().ask, text)
    if json_out:
        console.print_json(answer.as_dict())
        return
    console.out().print(console.escape(answer.render()))


def _cli_model() -> str | None:
    """The global ``--model`` option, when the command runs under the ``llmos`` CLI."""
    cli = sys.modules.get("llmos_shell.cli")
    state = getattr(cli, "State", None)
    return getattr(state, "model", None)
