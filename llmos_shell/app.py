"""Assemble a :class:`~llmos_shell.shell.Shell` from configuration: kernel, plugins, policy, memory, log."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import ConfigSources, Settings, load_settings
from .shell import Shell

__all__ = ["Options", "build_shell", "load_config"]


@dataclass
class Options:
    """Command-line choices that override the configuration."""

    model: str | None = None
    yes: bool = False
    mode: str | None = None  # may be "yolo": only ever from the command line
    interactive: bool = False
    no_log: bool = False


def load_config() -> tuple[Settings, ConfigSources]:
    return load_settings()


def build_kernel_factory(settings: Settings, options: Options) -> Any:
    def factory() -> Any:
        from .kernel import create_kernel

        return create_kernel(settings, model=options.model)

    return factory


def build_policy(settings: Settings, sources: ConfigSources, options: Options, host: Any) -> tuple[Any, Any, Any]:
    """-> (engine, approver, audit). Missing pieces mean fail closed, never open."""
    try:
        from .policy.approval import non_interactive_approver
        from .policy.audit import AuditLog
        from .policy.boundary import Workspace, use_workspace
        from .policy.config import PolicyConfig
        from .policy.engine import PolicyEngine
    except ImportError:
        return None, None, None
    from .errors import ConfigError
    from .policy.config import check_file_permissions, load_project_policy

    for path in (sources.user, sources.project if sources.project_policy is not None else None):
        problem = check_file_permissions(path) if path is not None else None
        if problem:  # never take a policy from a file that others can change (J5)
            raise ConfigError(f"refusing to load policy from {path}: {problem}", hint=f"run: chmod go-w {path}")
    user = PolicyConfig.model_validate(settings.policy or {})
    project = None
    if sources.project is not None:
        project = load_project_policy(sources.project.parent) if sources.project_trusted else (
            PolicyConfig.model_validate(sources.project_policy) if sources.project_policy is not None else None
        )  # fmt: skip
    workspace = Workspace(Path.cwd(), max_read_bytes=user.max_read_bytes)
    use_workspace(workspace)

    def plugin_votes(action: Any) -> list[Any]:
        votes = []
        for impl in host.pm.hook.policy_vote.get_hookimpls():
            try:
                vote = impl.function(action=action)
            except Exception as exc:  # noqa: BLE001 - a failing voter counts as deny
                from .policy.actions import Decision, Vote

                vote = Vote(Decision.DENY, f"plugin {impl.plugin_name} failed to vote: {exc}", impl.plugin_name)
            if vote is not None:
                votes.append(vote)
        return votes

    engine = PolicyEngine(
        user, project, project_trusted=sources.project_trusted, mode_override=options.mode,
        workspace=workspace, plugin_votes=plugin_votes,
    )  # fmt: skip
    if options.interactive and sys.stdin.isatty():
        from .ui.approval import interactive_approver

        approver = interactive_approver(yes=options.yes)
    else:
        approver = non_interactive_approver(options.yes)
    return engine, approver, AuditLog.default()


def warn_failed_plugins(host: Any) -> None:
    """One line on stderr per plugin that failed to load; the others keep working (`llmos plugins list`)."""
    for info in host.plugins.values():
        if info.status == "failed":
            sys.stderr.write(f"llmos: warning: plugin {info.name} not loaded: {info.errors[0]}\n")


def build_redactor() -> Any:
    try:
        from .policy.redact import Redactor
    except ImportError:
        return None
    return Redactor().redact


def build_shell(settings: Settings, sources: ConfigSources, options: Options, *, with_memory: bool = True) -> Shell:
    from .conversation_log import ConversationLog
    from .plugins import load_plugins

    host = load_plugins(settings.plugins)
    warn_failed_plugins(host)
    redactor = build_redactor()
    engine, approver, audit = build_policy(settings, sources, options, host)
    log = None if options.no_log or os.environ.get("LLMOS_NO_LOG") else ConversationLog(redactor=redactor)
    memory = None
    if with_memory and settings.memory.auto_recall:
        memory = _lazy_memory(settings)
    shell = Shell(
        settings, kernel_factory=build_kernel_factory(settings, options), host=host, policy=engine,
        approver=approver, log=log, memory=memory, audit=audit,
    )  # fmt: skip
    _share_kernel(shell)
    return shell


def _share_kernel(shell: Shell) -> None:
    """Plugins that need the model (retrieval answers) use the shell's, not a second copy."""
    try:
        import llmos_retrieval
    except ImportError:
        return
    if hasattr(llmos_retrieval, "set_kernel_provider"):
        llmos_retrieval.set_kernel_provider(lambda: shell.kernel)


class _lazy_memory:
    """The memory store, opened only when the shell first recalls (an empty store costs nothing)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def search(self, *args: Any, **kwargs: Any) -> Any:
        from .memory_access import get_store, store_path

        if not (store_path(self._settings) / "memory.db").exists():
            return []
        store = get_store(self._settings)
        if store.count() == 0:
            return []
        return store.search(*args, **kwargs)
