"""The ``llmos`` command line: thin. Parses, calls the shell, maps errors to exit codes.

Exit codes (README, "Exit codes"): 0 ok, 1 internal error, 2 usage/config/input,
3 model, 4 model server, 5 policy denied, 6 tool failed, 7 memory store, 130 Ctrl-C.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__
from .errors import ExitCode, UsageError

app = typer.Typer(
    name="llmos",
    help="A local-first shell whose kernel is a local GGUF model. Run without a command for the interactive prompt.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ModelOpt = Annotated[str | None, typer.Option("--model", "-m", help="Model: catalog name or .gguf path.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Approve actions that would ask (never denied ones).")]


class State:
    debug = False
    model: str | None = None
    yes = False
    mode: str | None = None


def _version(value: bool) -> None:
    if value:
        print(f"llmos {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    model: ModelOpt = None,
    yes: YesOpt = False,
    mode: Annotated[str | None, typer.Option("--mode", help="Policy mode: default, read-only, auto, yolo.")] = None,
    continue_: Annotated[bool, typer.Option("--continue", "-c", help="Resume the latest conversation.")] = False,
    resume: Annotated[int | None, typer.Option("--resume", help="Resume conversation ID.")] = None,
) -> None:
    State.debug = debug or State.debug
    State.model, State.yes, State.mode = model, yes, mode
    if mode is not None and mode not in ("default", "read-only", "auto", "yolo"):
        raise UsageError(f"unknown mode {mode!r}", hint="use default, read-only, auto or yolo")
    if ctx.invoked_subcommand is None:
        from .ui.repl import run_repl

        raise typer.Exit(run_repl(model=model, yes=yes, mode=mode, continue_=continue_, resume=resume))


def _read_request(text: list[str] | None) -> str:
    if not text or text == ["-"]:
        if text is None and sys.stdin.isatty():
            raise UsageError("no request given", hint='llmos run "your request"  or  echo request | llmos run -')
        data = sys.stdin.read()
        if not data.strip():
            raise UsageError("empty input on stdin", hint='pipe some text in, or pass it: llmos run "your request"')
        return data.strip()
    joined = " ".join(text).strip()
    if not joined:
        raise UsageError("empty request", hint='llmos run "your request"')
    return joined


@app.command()
def run(
    text: Annotated[list[str] | None, typer.Argument(help="The request; '-' or nothing reads stdin.")] = None,
    json_out: JsonOpt = False,
    model: ModelOpt = None,
    yes: YesOpt = False,
    image: Annotated[list[Path] | None, typer.Option("--image", help="Attach an image (OCR'd as context).")] = None,
    audio: Annotated[Path | None, typer.Option("--audio", help="Transcribe this audio file as the request.")] = None,
    speak: Annotated[bool, typer.Option("--speak", help="Speak the answer aloud (or write a WAV).")] = False,
) -> None:
    """Answer one request and exit (one-shot, for scripts)."""
    from .oneshot import run_once

    code = run_once(
        None if audio is not None and not text else _read_request(text), json_out=json_out,
        model=model or State.model, yes=yes or State.yes, mode=State.mode, images=image or [], audio=audio,
        speak=speak,
    )  # fmt: skip
    raise typer.Exit(code)


@app.command()
def route(
    text: Annotated[list[str], typer.Argument(help="The request to route.")],
    json_out: JsonOpt = False,
    tools: Annotated[Path | None, typer.Option("--tools", help="Route against the tools in this JSON file.")] = None,
    no_model: Annotated[
        bool, typer.Option("--no-model", help="Retrieval and copying only; never ask the model.")
    ] = False,
) -> None:
    """Show which tool a request would call, and with which arguments, without acting."""
    from .commands.route_cmd import route_command

    raise typer.Exit(route_command(" ".join(text), json_out=json_out, tools=tools, no_model=no_model,
                                   model=State.model))  # fmt: skip


def _add_groups() -> None:
    from .commands import config_cmd, logs_cmd, models_cmd, plugins_cmd

    app.add_typer(models_cmd.app, name="models", help="List, add and inspect GGUF models.")
    app.add_typer(config_cmd.app, name="config", help="Show and check llmos.toml.")
    app.add_typer(logs_cmd.app, name="logs", help="Browse the conversation log.")
    app.add_typer(plugins_cmd.app, name="plugins", help="Plugins and their tools.")
    for module, name, help_text in (
        ("memory_cmd", "memory", "The durable memory store."),
        ("docs_cmd", "docs", "Documents for retrieval (llmos ask)."),
        ("policy_cmd", "policy", "Explain policy decisions."),
        ("mcp_cmd", "mcp", "Model Context Protocol: serve llmos tools."),
    ):
        sub = _optional(module)
        if sub is None:
            continue
        attr = {"docs_cmd": "docs_app", "policy_cmd": "policy_app"}.get(module, "app")
        if hasattr(sub, attr):
            app.add_typer(getattr(sub, attr), name=name, help=help_text)
    policy = _optional("policy_cmd")
    if policy is not None:
        if hasattr(policy, "audit_app"):
            app.add_typer(policy.audit_app, name="audit", help="Show and verify the audit log.")
        if hasattr(policy, "trust"):
            app.command(name="trust", help="Trust a folder so its llmos.toml [policy] applies.")(policy.trust)
    docs = _optional("docs_cmd")
    if docs is not None and hasattr(docs, "ask_command"):
        app.command(name="ask", help="Answer a question from your documents, with citations.")(docs.ask_command)


def _optional(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(f"llmos_shell.commands.{module}")
    except ImportError:
        return None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``llmos`` script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:  # answered before the CLI framework is even imported
        print(f"llmos {__version__}")
        return ExitCode.OK
    State.debug = "--debug" in args or os.environ.get("LLMOS_DEBUG", "") not in ("", "0")
    from .ui.errors import report

    try:
        _add_groups()
        rc = app(args=args, prog_name="llmos", standalone_mode=False)
        return rc if isinstance(rc, int) else ExitCode.OK  # a command's typer.Exit(code) arrives here
    except KeyboardInterrupt as exc:
        return report(exc, debug=State.debug)
    except Exception as exc:  # noqa: BLE001 - the one place errors become messages
        kind = type(exc).__name__
        if kind == "Exit":  # typer/click Exit carries the exit code
            return int(getattr(exc, "exit_code", 0) or 0)
        if kind == "Abort":
            return report(KeyboardInterrupt(), debug=State.debug)
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):  # click usage errors
            return report(UsageError(exc.format_message(), hint="see `llmos --help`"), debug=State.debug)
        return report(exc, debug=State.debug)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
