"""The one place an error becomes a message and an exit code."""

from __future__ import annotations

import sys
import traceback

from ..errors import ExitCode, LlmosError


def report(exc: BaseException, *, debug: bool = False) -> int:
    """Print ``exc`` for the user (one line + hint, on stderr); return the exit code."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, LlmosError):
        code = exc.exit_code
        message, hint = exc.message, exc.hint
    elif isinstance(exc, KeyboardInterrupt):
        code, message, hint = ExitCode.INTERRUPTED, "interrupted", None
    else:
        code = ExitCode.ERROR
        message = f"internal error: {type(exc).__name__}: {exc}"
        hint = "rerun with --debug to see the traceback, and report it"
    try:
        from .console import clean

        message = clean(message)
        line = f"llmos: error: {message}"
        if hint:
            line += f"\n  hint: {clean(hint)}"
    except Exception:  # noqa: BLE001 - error reporting itself must not fail
        line = f"llmos: error: {message}"
    if sys.stderr.isatty():
        sys.stderr.write(f"\x1b[31m{line}\x1b[0m\n")
    else:
        sys.stderr.write(line + "\n")
    sys.stderr.flush()
    return code
