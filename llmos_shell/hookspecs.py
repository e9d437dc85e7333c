"""The plugin contract of llmos: every hook a plugin may implement.

Plugins are found through the entry-point group ``llmos`` and implement these
hooks with :data:`llmos_shell.hookimpl`. First-party plugins use exactly the
same contract. Hooks grow by adding arguments (pluggy passes only those an
implementation names), so existing plugins keep working; changing or removing
an argument is a breaking change recorded in the CHANGELOG.

Set ``LLMOS_TRACE_HOOKS=1`` to print every hook call to stderr.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .policy.actions import Action, Vote

hookspec = pluggy.HookspecMarker("llmos")
hookimpl = pluggy.HookimplMarker("llmos")

RegisterTool = Callable[..., None]


@hookspec
def llmos_configure(config: dict[str, Any]) -> None:
    """Receive the plugin's own table from ``llmos.toml``.

    Called once, after loading and before :func:`register_tools`, with the
    contents of ``[plugins.<name>]`` (an empty dict when absent). Raise
    ``ValueError`` with a message naming the key to reject bad configuration;
    the plugin is then reported as failed and skipped.
    """


@hookspec
def register_tools(register: RegisterTool) -> None:
    """Register the plugin's tools by calling ``register`` once per tool.

    ``register(fn, *, name=None, examples=(), effects=("read",), path_args=(), timeout=60.0)``
    where ``fn`` is a typed function with a docstring (first line: what the
    model sees) or a LangChain ``BaseTool``. ``name`` defaults to the function
    name; llmos prefixes it with the plugin name (``files.read``). ``effects``
    is a subset of ``read``, ``write``, ``execute``, ``network``; the policy
    layer decides on them. ``path_args`` names arguments that are filesystem
    paths, checked against the workspace boundary before the tool runs.

    Called once per plugin at start-up. A registration that does not validate
    (no docstring, untyped parameter, clashing name) is reported and that tool
    is skipped; the plugin's other tools are kept.
    """


@hookspec
def policy_vote(action: Action) -> Vote | None:
    """Vote on an action before it runs: return a ``Vote`` (allow, ask or deny, with a reason) or None.

    Called for every tool call after the user's and project's rules. All votes
    are collected; deny beats ask beats allow, so a plugin can make a call
    stricter but never loosen a user's deny. An exception counts as deny.
    """
