"""The REPL's approval prompt: what will happen, why it is asked, and y / a / n.

Everything shown comes through :func:`~llmos_shell.policy.provenance.strip_terminal_controls`
and rich's markup escaping, because tool arguments may come from untrusted text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..policy.actions import Action
    from ..policy.approval import Answer, Approver
    from ..policy.engine import Verdict

__all__ = ["approval_panel", "interactive_approver"]

_ANSWERS = {"y": "once", "yes": "once", "a": "session", "always": "session", "n": "deny", "no": "deny", "": "deny"}


def _clean(text: str, limit: int = 2000) -> str:
    from rich.markup import escape

    from ..policy.provenance import strip_terminal_controls

    text = strip_terminal_controls(text)
    if len(text) > limit:
        text = text[:limit] + f"... ({len(text) - limit} more characters)"
    return escape(text)


def approval_panel(action: Action, verdict: Verdict) -> Any:
    """A rich Panel describing the call and why approval is needed."""
    from rich.panel import Panel
    from rich.table import Table

    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("tool", _clean(action.tool))
    cmd = action.command
    if cmd is not None:
        table.add_row("command", _clean(cmd))
    for key, value in action.arguments.items():
        if cmd is not None and value == cmd:
            continue
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        table.add_row(_clean(str(key), 80), _clean(shown, 500))
    if action.effects:
        table.add_row("effects", ", ".join(sorted(action.effects)))
    table.add_row("why asked", _clean(verdict.reason))
    table.add_row("rule", _clean(verdict.rule))
    if verdict.untrusted_sources:
        table.add_row(
            "[red]warning[/red]",
            "[red]requested after reading untrusted content from "
            + _clean(", ".join(verdict.untrusted_sources))
            + "[/red]",
        )
    return Panel(table, title="approve this action?", border_style="yellow", expand=False)


def interactive_approver(
    *,
    yes: bool = False,
    console: Any = None,
    input_fn: Callable[[str], str] | None = None,
) -> Approver:
    """An approver that shows :func:`approval_panel` and reads ``[y]es once / [a]lways this session / [n]o``.

    ``yes=True`` approves once without asking. ``input_fn`` defaults to
    prompt_toolkit's ``prompt`` (plain ``input()`` when unavailable); EOF,
    Ctrl-C or an unknown answer after three tries mean deny.
    """

    def approve(action: Action, verdict: Verdict) -> Answer:
        if yes:
            return "once"
        nonlocal console
        if console is None:
            from rich.console import Console

            console = Console(stderr=True)
        console.print(approval_panel(action, verdict))
        read = input_fn or _default_input()
        for _ in range(3):
            try:
                answer = read("[y]es once / [a]lways this session / [n]o: ").strip().lower()
            except (EOFError, KeyboardInterrupt):
                return "deny"
            if answer in _ANSWERS:
                return _ANSWERS[answer]  # type: ignore[return-value]
            console.print("please answer y, a or n")
        return "deny"

    approve.denial_message = "not approved by the user"  # type: ignore[attr-defined]
    return approve


def _default_input() -> Callable[[str], str]:
    try:
        from prompt_toolkit import prompt

        return prompt
    except ImportError:  # pragma: no cover - prompt_toolkit is a core dependency
        return input
