"""The one exception tree of llmos.

Every error meant for the *user* derives from :class:`LlmosError`. It carries a
one-line message (what happened), an optional hint (what to do next) and the
process exit code the CLI uses. The CLI turns these into a message in exactly
one place (``llmos_shell.ui.errors``); nothing else prints them.

Errors meant for the *model* (a tool called with bad arguments, an unknown tool)
are :class:`ToolError`: the shell feeds their text back to the model so it can
recover, and never exits on them.
"""

from __future__ import annotations

__all__ = [
    "BackendUnavailableError",
    "Cancelled",
    "ConfigError",
    "ContextOverflowError",
    "ExitCode",
    "LlmosError",
    "MemoryStoreError",
    "ModelError",
    "ModelLoadError",
    "ModelNotFoundError",
    "PluginError",
    "PolicyDenied",
    "ToolError",
    "UsageError",
]


class ExitCode:
    """Documented process exit codes (README, "Exit codes")."""

    OK = 0
    ERROR = 1  # unexpected internal error (a bug: rerun with --debug and report it)
    USAGE = 2  # bad command line, bad or empty input, invalid configuration
    MODEL = 3  # model file missing, corrupt, unsupported, or does not fit the context
    BACKEND = 4  # model server unreachable or failing
    POLICY = 5  # an action was denied by the policy layer (or needed approval without a TTY)
    TOOL = 6  # a tool failed or the model could not produce a valid tool call
    MEMORY = 7  # the memory store is corrupt, read-only or locked
    INTERRUPTED = 130  # Ctrl-C


class LlmosError(Exception):
    """Base of every user-facing llmos error."""

    exit_code: int = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(LlmosError):
    """Bad command-line usage or bad input (empty stdin, a file that cannot be read)."""

    exit_code = ExitCode.USAGE


class ConfigError(LlmosError):
    """``llmos.toml`` cannot be parsed or does not validate. The message names file:line:col or the key."""

    exit_code = ExitCode.USAGE


class ModelError(LlmosError):
    """Anything wrong with the model itself."""

    exit_code = ExitCode.MODEL


class ModelNotFoundError(ModelError):
    """The configured model path or catalog name does not exist."""


class ModelLoadError(ModelError):
    """The model file exists but llama.cpp cannot load it (truncated, not GGUF, unsupported)."""


class ContextOverflowError(ModelError):
    """The prompt does not fit the model's context window."""


class BackendUnavailableError(LlmosError):
    """A remote (OpenAI-compatible) backend cannot be reached or answered with an error."""

    exit_code = ExitCode.BACKEND


class PluginError(LlmosError):
    """A plugin failed to load (only fatal with ``LLMOS_STRICT_PLUGINS=1``)."""

    exit_code = ExitCode.ERROR


class PolicyDenied(LlmosError):
    """The policy layer denied an action, or it needed approval and none could be asked."""

    exit_code = ExitCode.POLICY


class MemoryStoreError(LlmosError):
    """The memory store cannot serve the request (corrupt, read-only, locked)."""

    exit_code = ExitCode.MEMORY


class Cancelled(LlmosError):
    """The user interrupted the current turn (Ctrl-C)."""

    exit_code = ExitCode.INTERRUPTED


class ToolError(Exception):
    """An error meant for the model: its text goes back as the tool result.

    Raised for unknown tools, arguments that do not validate, and failures a
    tool wants the model to see ("no such file: notes.txt").
    """

    def __init__(self, message: str, *, tool: str | None = None) -> None:
        super().__init__(message)
        self.tool = tool
