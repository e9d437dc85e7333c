"""``llmos policy explain``, ``llmos audit show|verify`` and ``llmos trust``.

Typer apps only; everything heavy is imported inside the commands.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["KNOWN_EFFECTS", "audit_app", "build_action", "policy_app", "trust"]

policy_app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None)
audit_app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None)

#: Effects of first-party tools, used when the plugin host cannot be loaded.
KNOWN_EFFECTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "files.read": (("read",), ("path",)),
    "files.list": (("read",), ("path",)),
    "files.find": (("read",), ("path",)),
    "files.search": (("read",), ("path",)),
    "files.write": (("write",), ("path",)),
    "files.edit": (("write",), ("path",)),
    "system.run": (("execute",), ()),
    "memory.search": (("read",), ()),
    "memory.remember": (("write",), ()),
}


def _tool_info(tool: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    try:
        from ..plugins import load_plugins

        host = load_plugins()
        t = host.tools.get(tool)
        if t is not None:
            return tuple(sorted(t.effects)), tuple(t.path_args)
    except Exception:  # noqa: BLE001 - explain works without plugins
        pass
    return KNOWN_EFFECTS.get(tool)


def build_action(tool: str, args: list[str], *, effects: str | None, sources: list[str]) -> Any:
    """The Action ``llmos policy explain`` evaluates: ``key=value`` arguments, or a command / a path."""
    from ..policy.actions import Action, Provenance

    info = _tool_info(tool)
    effect_set = tuple(e.strip() for e in effects.split(",") if e.strip()) if effects else (info[0] if info else ())
    path_args = info[1] if info else ("path",)
    arguments: dict[str, Any] = {}
    if args and all("=" in a and a.split("=", 1)[0].isidentifier() for a in args):
        arguments = dict(a.split("=", 1) for a in args)
    elif "execute" in effect_set:
        arguments = {"command": " ".join(args)}
    elif args:
        arguments = {path_args[0] if path_args else "path": args[0] if len(args) == 1 else args}
    paths: list[str] = []
    for name in path_args:
        value = arguments.get(name)
        if isinstance(value, str):
            paths.append(value)
        elif isinstance(value, list):
            paths.extend(value)
    provenance = [Provenance("user")]
    for s in sources:
        kind, _, source = s.partition(":")
        provenance.append(Provenance(kind, source))
    return Action(tool, arguments, frozenset(effect_set), tuple(paths), tuple(provenance))


def _engine(mode: str | None) -> Any:
    from ..policy.boundary import Workspace
    from ..policy.config import PolicyConfig, load_project_policy, load_user_policy
    from ..policy.engine import PolicyEngine
    from ..policy.trust import TrustStore

    try:
        from ..config import load_settings

        settings, sources = load_settings()
        from ..errors import ConfigError
        from ..policy.config import check_file_permissions

        for path in (getattr(sources, "user", None), getattr(sources, "project", None)):
            problem = check_file_permissions(path) if path is not None else None
            if problem:  # J5: never take a policy from a file others can change
                raise ConfigError(f"refusing to load policy from {path}: {problem}", hint=f"run: chmod go-w {path}")
        user = PolicyConfig.model_validate(settings.policy or {})
        trusted = bool(sources.project_trusted)
        project = PolicyConfig.model_validate(sources.project_policy) if sources.project_policy else None
    except ImportError:
        user = load_user_policy()
        trusted = TrustStore().is_trusted(Path.cwd())
        project = load_project_policy(Path.cwd()) if trusted else None
    return PolicyEngine(user, project, project_trusted=trusted, mode_override=mode, workspace=Workspace(Path.cwd()))


@policy_app.command("explain")
def explain(
    tool: Annotated[str, typer.Argument(help="Tool name, e.g. files.write or system.run.")],
    args: Annotated[list[str] | None, typer.Argument(help="key=value arguments, or the command / path.")] = None,
    effects: Annotated[
        str | None, typer.Option(help="Effects when the tool is unknown: read,write,execute,network.")
    ] = None,
    from_: Annotated[
        list[str] | None, typer.Option("--from", help="Untrusted context, e.g. file:notes.txt (repeatable).")
    ] = None,
    mode: Annotated[str | None, typer.Option(help="Evaluate as if this mode were set.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Print the decision for a tool call and the rule that made it; nothing is run."""
    from ..errors import UsageError

    action = build_action(tool, list(args or []), effects=effects, sources=list(from_ or []))
    try:
        engine = _engine(mode)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    verdict = engine.decide(action)
    if json_out:
        out = {
            "tool": action.tool,
            "arguments": action.arguments,
            "effects": sorted(action.effects),
            "decision": verdict.decision.value,
            "rule": verdict.rule,
            "reason": verdict.reason,
            "mode": verdict.mode,
            "untrusted_sources": verdict.untrusted_sources,
            "votes": [{"decision": v.decision.value, "rule": v.rule, "reason": v.reason} for v in verdict.votes],
        }
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        return
    from ..policy.provenance import strip_terminal_controls

    sys.stdout.write(f"tool:     {strip_terminal_controls(action.tool)}\n")
    sys.stdout.write(f"effects:  {', '.join(sorted(action.effects)) or 'unknown (treated as all)'}\n")
    sys.stdout.write(strip_terminal_controls(verdict.explain()) + "\n")


@audit_app.command("show")
def audit_show(
    n: Annotated[int, typer.Option("-n", help="How many of the latest records.")] = 20,
    json_out: Annotated[bool, typer.Option("--json", help="JSON lines, as stored.")] = False,
) -> None:
    """The latest policy decisions."""
    from ..policy.audit import AuditLog, format_record
    from ..policy.provenance import strip_terminal_controls

    records = AuditLog.default().tail(n)
    if json_out:
        for rec in records:
            sys.stdout.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
        return
    if not records:
        sys.stdout.write("the audit log is empty\n")
    for rec in records:
        sys.stdout.write(strip_terminal_controls(format_record(rec)) + "\n")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain: edits, deletions, reordering and a truncated tail."""
    from ..policy.audit import AuditLog

    log = AuditLog.default()
    ok, problems = log.verify()
    count = sum(1 for _ in log.records())
    if ok:
        sys.stdout.write(f"ok: {count} records, chain intact ({log.path})\n")
        return
    sys.stdout.write(f"FAILED: {len(problems)} problem(s) in {log.path}\n")
    for p in problems:
        sys.stdout.write(f"  {p}\n")
    raise typer.Exit(1)


def trust(
    path: Annotated[Path | None, typer.Argument(help="Folder to trust (default: the current directory).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List trusted folders.")] = False,
    remove: Annotated[bool, typer.Option("--remove", help="Stop trusting the folder.")] = False,
) -> None:
    """Trust a folder so its llmos.toml [policy] and .llmos/policy.toml apply (subfolders too)."""
    from ..errors import UsageError
    from ..policy.trust import TrustStore

    store = TrustStore()
    if list_:
        items = store.list()
        for w in store.warnings:
            sys.stderr.write(f"warning: {w}\n")
        sys.stdout.write("".join(f"{p}\n" for p in items) if items else "no trusted folders\n")
        return
    folder = (path or Path.cwd()).expanduser()
    if remove:
        if store.remove(folder):
            sys.stdout.write(f"no longer trusted: {folder.resolve()}\n")
        else:
            raise UsageError(f"not a trusted folder: {folder.resolve()}", hint="see `llmos trust --list`")
        return
    try:
        real = store.add(folder)
    except NotADirectoryError:
        raise UsageError(f"not a folder: {folder}") from None
    sys.stdout.write(f"trusted: {real}\n(its llmos.toml [policy] now applies; undo with `llmos trust --remove`)\n")
