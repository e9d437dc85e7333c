"""Rendering of tool calls and results."""

from __future__ import annotations

import json
from typing import Any

from . import console


def render_tool_call(call: Any) -> None:
    args = json.dumps(call.arguments, ensure_ascii=False)
    status = "ok" if call.ok else (call.decision or "error")
    colour = {"ok": "green", "deny": "red", "ask": "yellow", "invalid": "red"}.get(status, "red")
    console.err().print(f"[dim]>[/dim] [bold]{console.escape(call.tool)}[/bold] {console.escape(args)} "
                        f"[{colour}]{status}[/{colour}]")  # fmt: skip
    body = call.output
    if not body or getattr(call, "as_answer", False):
        return
    data = call.data
    if call.ok and isinstance(data, list) and data and all(isinstance(r, dict) for r in data[:50]):
        cols = list(dict.fromkeys(k for r in data[:50] for k in r))
        console.table(cols, [[r.get(c, "") for c in cols] for r in data[:50]])
        if len(data) > 50:
            console.err().print(f"[dim]... {len(data) - 50} more rows[/dim]")
        return
    shown = body if len(body) <= 4000 else body[:4000] + f"\n[... {len(body) - 4000} more characters]"
    console.err().print(console.escape(shown), style=None if call.ok else "red")
