"""``llmos run``: one request, one answer, an exit code that means something."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from .app import Options, build_shell, load_config
from .errors import ExitCode, UsageError
from .tools import ToolResult


def _outside_workspace(path: Path) -> Any:
    """A file the user names on the command line is theirs to attach, wherever it is (the deny list
    of the policy layer still applies): resolve it inside a workspace rooted at its own folder."""
    from .policy.boundary import Workspace, use_workspace

    return use_workspace(Workspace(path.expanduser().resolve().parent))


def _attachments(images: list[Path], audio: Path | None) -> tuple[list[ToolResult], Any]:
    context: list[ToolResult] = []
    for image in images:
        try:
            from llmos_vision import attach_image
        except ImportError:
            raise UsageError("--image needs the vision plugin", hint="install llmos-vision (the `all` extra)") from None
        with _outside_workspace(image):
            context.append(_as_usage(attach_image, image))
    transcript = None
    if audio is not None:
        try:
            from llmos_speech import transcribe_file
        except ImportError:
            raise UsageError("--audio needs the speech plugin", hint="install llmos-speech (the `all` extra)") from None
        with _outside_workspace(audio):
            transcript = _as_usage(transcribe_file, audio)
    return context, transcript


def _as_usage(fn: Any, path: Path) -> Any:
    """A file given with --image/--audio that cannot be used is bad input (exit 2), not a tool failure."""
    from .errors import ToolError

    try:
        return fn(str(path.expanduser().resolve()))
    except ToolError as exc:
        raise UsageError(f"{path}: {exc}") from None


def run_once(text: str | None, *, json_out: bool, model: str | None, yes: bool, mode: str | None,
             images: list[Path], audio: Path | None, speak: bool) -> int:  # fmt: skip
    t0 = time.perf_counter()
    settings, sources = load_config()
    shell = build_shell(settings, sources, Options(model=model, yes=yes, mode=mode))
    try:
        return _run(shell, settings, text, json_out=json_out, yes=yes, images=images, audio=audio, speak=speak,
                    t0=t0)  # fmt: skip
    finally:
        shell.close()


def _run(shell: Any, settings: Any, text: str | None, *, json_out: bool, yes: bool, images: list[Path],
         audio: Path | None, speak: bool, t0: float) -> int:  # fmt: skip
    context, transcript = _attachments(images, audio)
    if transcript is not None:
        heard = getattr(transcript, "text", str(transcript)).strip()
        if not heard:
            raise UsageError(f"no speech found in {audio}", hint="check the recording, or pass the request as text")
        # The transcript is the request; it came from a recording, so later side effects still ask.
        from .policy.actions import Provenance

        shell.provenance.append(Provenance("transcript", str(audio)))
        text = heard if not text else f"{text}\n{heard}"
    assert text is not None
    streaming = not json_out and settings.shell.stream

    from .ui import console

    def on_text(piece: str) -> None:
        if streaming:
            sys.stdout.write(console.clean(piece))
            sys.stdout.flush()

    def on_tool(call: Any) -> None:
        if not json_out:
            from .ui.render import render_tool_call

            render_tool_call(call)

    result = shell.turn(text, on_text=on_text, on_tool=on_tool, context=context)
    result.timings["process"] = time.perf_counter() - t0
    if transcript is not None:
        result.notices.insert(0, f"heard: {text}")
    if speak and result.answer:
        try:
            from llmos_speech import speak_to_file
        except ImportError:
            raise UsageError("--speak needs the speech plugin", hint="install llmos-speech (the `all` extra)") from None
        wav = speak_to_file(result.answer, play=True, markdown=True)
        result.notices.append(f"spoken answer: {wav}")
        result.spoken = str(wav)
    if json_out:
        console.print_json(result.as_dict())
    else:
        if streaming:
            sys.stdout.write("\n")
        else:
            sys.stdout.write(console.clean(result.answer) + "\n")
        for notice in result.notices:
            sys.stderr.write(f"llmos: {console.clean(notice)}\n")
    denied = [c for c in result.tool_calls if c.decision in ("deny", "ask") and not c.ok]
    if denied:
        sys.stderr.write(
            f"llmos: {denied[0].tool} was not run: {denied[0].output.removeprefix('Cancelled: ')}"
            + ("" if yes else " (rerun with --yes to approve actions that ask)")
            + "\n"
        )
        return ExitCode.POLICY
    if any(c.decision == "invalid" or (c.decision == "allow" and not c.ok) for c in result.tool_calls):
        return ExitCode.TOOL
    return ExitCode.OK
