"""The interactive prompt: history, multi-line input, streaming, slash commands.

Enter sends; Esc then Enter (or Alt+Enter) inserts a new line; a line ending in
``\\`` continues on the next. Ctrl-C cancels the answer being generated (or
clears the line); Ctrl-D exits.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable, Iterator
from typing import Any

from .. import paths
from ..errors import Cancelled, LlmosError
from . import console

HELP = """\
/help               this help
/exit, /quit        leave (or Ctrl-D)
/clear              start a new conversation
/model [NAME]       show the model, or switch to NAME (catalog name or .gguf path)
/resume [ID]        continue a logged conversation (default: the latest)
/tools              list the tools the router can call
/image PATH         attach an image (OCR + facts) to the next request
/listen PATH        transcribe an audio file and send it as the request
/speak on|off       speak answers aloud
/mode [MODE]        show or set the policy mode (default, read-only, auto)
/<plugin.tool> ARGS call a tool directly, e.g. /files.read notes.txt
Enter sends, Esc Enter adds a line, Ctrl-C cancels an answer."""


def _history(redactor: Callable[[str], str] | None) -> Any:
    from prompt_toolkit.history import FileHistory

    class RedactingHistory(FileHistory):
        """Input history on disk, passed through the redactor first; nothing is stored if it fails."""

        def store_string(self, string: str) -> None:
            if redactor is not None:
                try:
                    string = redactor(string)
                except Exception:  # noqa: BLE001 - fail closed: the entry is not written
                    return
            super().store_string(string)

    file = paths.ensure_private_dir(paths.data_dir()) / "history"
    return RedactingHistory(str(file))


def _session(redactor: Callable[[str], str] | None, commands: list[str]) -> Any:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import WordCompleter
    from prompt_toolkit.key_binding import KeyBindings

    kb = KeyBindings()

    @kb.add("escape", "enter")
    def _newline(event: Any) -> None:
        event.current_buffer.insert_text("\n")

    return PromptSession(
        history=_history(redactor),
        key_bindings=kb,
        completer=WordCompleter(commands, sentence=True, match_middle=False),
        complete_while_typing=False,
    )


def _read(session: Any) -> str:
    lines: list[str] = []
    prompt = "llmos> "
    while True:
        line = session.prompt(prompt) if session is not None else input(prompt)
        if line.endswith("\\"):
            lines.append(line[:-1])
            prompt = "...> "
            continue
        lines.append(line)
        return "\n".join(lines)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Make Ctrl-C raise KeyboardInterrupt while an answer is generated.

    The line editor leaves the terminal without ISIG and its own SIGINT handling
    in place; during a turn the terminal must turn Ctrl-C into SIGINT again and
    Python must raise on it.
    """
    old_handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    saved = None
    try:
        import termios
    except ImportError:  # not a POSIX terminal API: Ctrl-C already raises
        termios = None  # type: ignore[assignment]
    if termios is not None and sys.stdin.isatty():  # piped stdin has no terminal attributes
        try:
            fd = sys.stdin.fileno()
            saved = termios.tcgetattr(fd)
            attrs = termios.tcgetattr(fd)
            attrs[3] |= termios.ISIG
            termios.tcsetattr(fd, termios.TCSANOW, attrs)
        except (termios.error, OSError, ValueError):  # termios.error is not an OSError
            saved = None
    try:
        yield
    finally:
        if saved is not None and termios is not None:
            with contextlib.suppress(termios.error, OSError, ValueError):
                termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, saved)
        signal.signal(signal.SIGINT, old_handler)


class Repl:
    def __init__(self, shell: Any, *, model: str | None, options: Any) -> None:
        self.shell = shell
        self.options = options
        self.model = model
        self.speak = False
        self.pending: list[Any] = []

    def command(self, line: str) -> bool:
        """Handle a slash command; False means exit."""
        name, _, arg = line[1:].partition(" ")
        arg = arg.strip()
        out = console.out()
        if name in ("exit", "quit", "q"):
            return False
        if name == "help":
            out.print(console.escape(HELP))
        elif name == "clear":
            self.shell.clear()
            out.print("[dim]new conversation[/dim]")
        elif name == "model":
            if arg:
                from ..kernel import create_kernel

                self.shell._kernel = create_kernel(self.shell.settings, model=arg)
                self.shell._router = None
            out.print(console.escape(str(self.shell.kernel.info())))
        elif name == "resume":
            log = self.shell.log
            sid = int(arg) if arg.isdigit() else (log.latest_session() if log else None)
            if sid is None:
                out.print("[dim]nothing to resume[/dim]")
            else:
                n = self.shell.resume(sid)
                out.print(f"[dim]resumed conversation {sid} ({n} messages)[/dim]")
        elif name == "tools":
            console.table(["tool", "description"], [[t.name, t.description] for t in self.shell.tools.values()])
        elif name in ("image", "listen"):
            from pathlib import Path

            from ..oneshot import _attachments
            from ..policy.actions import Provenance

            if not arg:
                out.print(f"[red]usage: /{name} PATH[/red]")
                return True
            images, audio = ([Path(arg)], None) if name == "image" else ([], Path(arg))
            context, transcript = _attachments(images, audio)
            if name == "image":
                self.pending.extend(context)
                out.print(f"[dim]attached {console.escape(arg)}[/dim]")
            else:
                text = transcript.text.strip()
                out.print(f"[dim]heard:[/dim] {console.escape(text)}")
                self.shell.provenance.append(Provenance("transcript", arg))
                if text:
                    self.ask(text)
        elif name == "mode":
            policy = self.shell.policy
            if policy is None:
                out.print("[red]no policy engine[/red]")
            elif arg:
                try:
                    policy.set_mode(arg)  # the only way the mode changes during a session: the user typing it
                except ValueError as exc:
                    out.print(f"[red]{console.escape(str(exc))}[/red]")
                    return True
                out.print(f"[dim]mode: {policy.mode}[/dim]")
            else:
                out.print(f"[dim]mode: {policy.mode} (from {policy.mode_source})[/dim]")
        elif name == "speak":
            self.speak = arg != "off"
            out.print(f"[dim]speak {'on' if self.speak else 'off'}[/dim]")
        elif "." in name and name in self.shell.tools:
            self.ask(line)
        else:
            out.print(f"[red]unknown command /{console.escape(name)}[/red] (see /help)")
        return True

    def ask(self, text: str) -> None:
        from .render import render_tool_call

        def on_text(piece: str) -> None:
            sys.stdout.write(console.clean(piece))
            sys.stdout.flush()

        context, self.pending = self.pending, []
        try:
            with interruptible():
                result = self.shell.turn(text, on_text=on_text, on_tool=render_tool_call, context=context)
        except (Cancelled, KeyboardInterrupt):
            sys.stdout.write("\n")
            console.err().print("[yellow]cancelled[/yellow]")
            return
        sys.stdout.write("\n")
        for notice in result.notices:
            console.err().print(f"[dim]{console.escape(notice)}[/dim]")
        if result.memories:
            console.err().print(f"[dim]recalled {len(result.memories)} memories[/dim]")
        if self.speak and result.answer:
            from llmos_speech import speak_to_file

            console.err().print(f"[dim]spoken: {speak_to_file(result.answer, play=True, markdown=True)}[/dim]")


def run_repl(*, model: str | None, yes: bool, mode: str | None, continue_: bool, resume: int | None) -> int:
    from ..app import Options, build_shell, load_config
    from .errors import report

    settings, sources = load_config()
    options = Options(model=model, yes=yes, mode=mode, interactive=True)
    shell = build_shell(settings, sources, options)
    repl = Repl(shell, model=model, options=options)
    if continue_ or resume is not None:
        sid = resume if resume is not None else (shell.log.latest_session() if shell.log else None)
        if sid is not None:
            n = shell.resume(sid)
            console.err().print(f"[dim]resumed conversation {sid} ({n} messages)[/dim]")
    info = shell.kernel.info()  # load now: errors (missing model...) before the first prompt
    console.err().print(f"[bold]llmos[/bold] [dim]{console.escape(info.get('name', ''))} - /help for commands, "
                        f"Ctrl-D to exit[/dim]")  # fmt: skip
    interactive = sys.stdin.isatty()
    commands = ["/help", "/exit", "/clear", "/model", "/resume", "/tools", "/image", "/listen", "/speak", "/mode",
                *[f"/{t}" for t in shell.tools]]  # fmt: skip
    session = _session(_redactor(), commands) if interactive else None
    while True:
        try:
            line = _read(session).strip()
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        if not line:
            continue
        try:
            if line.startswith("/") and line[1:].split(" ")[0] not in shell.tools:
                if not repl.command(line):
                    break
                continue
            repl.ask(line)
        except KeyboardInterrupt:
            console.err().print("[yellow]cancelled[/yellow]")
        except LlmosError as exc:
            report(exc)
        except ImportError as exc:
            console.err().print(f"[red]not available: {console.escape(str(exc))}[/red] (install the `all` extra)")
    shell.close()
    return 0


def _redactor() -> Callable[[str], str] | None:
    from ..app import build_redactor

    return build_redactor()
