"""``llmos logs``: the conversation log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None)


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


@app.command("list")
def list_logs(
    limit: Annotated[int, typer.Option("-n", help="How many conversations.")] = 20,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recent conversations, newest first."""
    from ..conversation_log import ConversationLog
    from ..ui import console

    sessions = ConversationLog().sessions(limit)
    if json_out:
        console.print_json([s.__dict__ for s in sessions])
        return
    console.table(["id", "started", "model", "messages", "title"],
                  [[s.id, _when(s.started_at), s.model, s.messages, s.title] for s in sessions])  # fmt: skip


@app.command()
def show(
    session_id: Annotated[int | None, typer.Argument(help="Conversation id (default: the latest).")] = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Every message of one conversation."""
    from ..conversation_log import ConversationLog
    from ..errors import UsageError
    from ..ui import console

    log = ConversationLog()
    sid = session_id if session_id is not None else log.latest_session()
    if sid is None or not log.session_exists(sid):
        raise UsageError(f"no conversation {sid}" if sid else "the log is empty", hint="see `llmos logs list`")
    messages = log.messages(sid)
    if json_out:
        console.print_json([m.__dict__ for m in messages])
        return
    for m in messages:
        console.out().print(f"[bold]{m.role}[/bold] [dim]{_when(m.created_at)}[/dim]")
        console.out().print(console.escape(m.content) + "\n")
