"""Running commands for tools: scrubbed environment, limits, process groups, no network.

- :func:`scrubbed_env` builds the child environment from an allowlist (``PATH``,
  ``HOME``, ``LANG``, ``LC_*``, ``TERM``, ``USER`` ...): API keys, tokens and
  llmos' own variables never reach a child process.
- :func:`run_command` runs a command line (``/bin/sh -c``) or an argument
  vector in its own session/process group with RLIMIT_NPROC/CPU/CORE/FSIZE,
  kills the whole group on timeout, and keeps at most ``max_output`` bytes of
  combined stdout/stderr (then kills the group and appends a marker).
- :func:`sandbox_available` tells whether the OS can give the child its own
  network namespace (``unshare``); then ``run_command(..., network=False)``
  runs it there, with only a loopback interface that is down, and in its own
  PID namespace. Without it, the engine asks before every command that may use
  the network ("no OS sandbox; network commands require approval").
"""

from __future__ import annotations

import functools
import os
import resource
import selectors
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "ENV_ALLOWLIST",
    "NO_SANDBOX_MESSAGE",
    "CommandResult",
    "run_command",
    "sandbox_available",
    "sandbox_status",
    "scrubbed_env",
]

ENV_ALLOWLIST = frozenset(
    {"PATH", "HOME", "LANG", "LANGUAGE", "TERM", "USER", "LOGNAME", "TMPDIR", "TZ", "SHELL", "COLUMNS", "LINES",
     "NO_COLOR", "PWD"}
)  # fmt: skip
NO_SANDBOX_MESSAGE = "no OS sandbox; network commands require approval"
TRUNCATION_MARKER = "\n[llmos: output truncated at {kb} KB]\n"
_UNSHARE_FLAGS = ("--user", "--map-root-user", "--net", "--pid", "--fork", "--kill-child", "--mount-proc")
_UNSHARE_ROOT_FLAGS = ("--net", "--pid", "--fork", "--kill-child", "--mount-proc")


def scrubbed_env(extra: Mapping[str, str] | None = None, *, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child process: allowlisted variables only, plus ``extra``.

    ``LC_*`` locale variables are kept; everything else (``OPENAI_API_KEY``,
    ``HF_TOKEN``, ``AWS_*``, ``LLMOS_*`` ...) is dropped. ``PATH`` gets a safe
    default when unset.
    """
    src = os.environ if base is None else base
    env = {k: v for k, v in src.items() if k in ENV_ALLOWLIST or k.startswith("LC_")}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    if extra:
        env.update(extra)
    return env


@functools.lru_cache(maxsize=1)
def _unshare_prefix() -> tuple[str, ...] | None:
    exe = shutil.which("unshare")
    if exe is None:
        return None
    candidates: list[tuple[str, ...]] = [(exe, *_UNSHARE_FLAGS)]
    if os.geteuid() == 0:
        candidates.append((exe, *_UNSHARE_ROOT_FLAGS))
    for prefix in candidates:
        try:
            proc = subprocess.run(
                [*prefix, "/bin/sh", "-c", "exit 0"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=10,
                env=scrubbed_env(),
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if proc.returncode == 0:
            return prefix
    return None


def sandbox_available() -> bool:
    """True when commands can run without network access (a new network namespace)."""
    return _unshare_prefix() is not None


def sandbox_status() -> str:
    """One line for the user: what isolation commands get."""
    if sandbox_available():
        return "OS sandbox available: commands run without network (unshare network + PID namespace)"
    return NO_SANDBOX_MESSAGE


@dataclass(frozen=True)
class CommandResult:
    """What :func:`run_command` returns. ``output`` is stdout and stderr interleaved, decoded as UTF-8."""

    exit_code: int
    output: str
    truncated: bool
    timed_out: bool
    sandboxed: bool = False


def _count_user_processes() -> int:
    uid = os.getuid()
    n = 0
    try:
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    if entry.stat().st_uid == uid:
                        n += 1
                except OSError:
                    pass
    except OSError:
        return 0
    return n


def _limits(cpu_seconds: int, max_procs: int, max_file_bytes: int) -> None:
    """Runs in the child before exec."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_NPROC, (max_procs, max_procs))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_command(
    cmd: str | Sequence[str],
    *,
    cwd: str | os.PathLike[str],
    timeout: float = 60.0,
    max_output: int = 64 * 1024,
    network: bool = False,
    env: Mapping[str, str] | None = None,
    max_procs: int = 256,
    max_file_bytes: int = 1 << 30,
) -> CommandResult:
    """Run ``cmd`` and return its exit code and (capped) output; never raises for the command's failure.

    Args:
        cmd: a command line for ``/bin/sh -c``, or an argument vector run as is
            (untrusted names and metadata are passed this way, never interpolated).
        cwd: working directory.
        timeout: wall-clock seconds; then the whole process group is killed.
        max_output: bytes of output kept; past that the group is killed and a marker appended.
        network: False runs the command in a new network namespace when
            :func:`sandbox_available`; True runs it with the host network.
        env: extra variables on top of :func:`scrubbed_env`.
        max_procs: processes the child may start beyond those the user already has (RLIMIT_NPROC).
        max_file_bytes: largest file the child may write (RLIMIT_FSIZE).
    """
    argv = ["/bin/sh", "-c", cmd] if isinstance(cmd, str) else list(cmd)
    if not argv:
        raise ValueError("empty command")
    sandboxed = False
    if not network:
        prefix = _unshare_prefix()
        if prefix is not None:
            argv = [*prefix, *argv]
            sandboxed = True
    nproc = _count_user_processes() + max_procs
    cpu = max(1, int(timeout) + 1)
    proc = subprocess.Popen(
        argv,
        cwd=os.fspath(cwd),
        env=scrubbed_env({"PWD": os.fspath(cwd), **(env or {})}),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        close_fds=True,
        preexec_fn=lambda: _limits(cpu, nproc, max_file_bytes),
    )
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    os.set_blocking(fd, False)
    buf = bytearray()
    truncated = timed_out = False
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            if not sel.select(min(remaining, 0.5)):
                if proc.poll() is not None:
                    break  # exited; only background children hold the pipe
                continue
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                continue
            if not chunk:
                break
            room = max_output - len(buf)
            if len(chunk) > room:
                buf.extend(chunk[:room])
                truncated = True
                break
            buf.extend(chunk)
    if timed_out or truncated:
        _kill_group(proc)
    try:
        code = proc.wait(timeout=max(0.1, deadline - time.monotonic()) if not (timed_out or truncated) else 5)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc)
        code = proc.wait()
    _kill_group(proc)  # reap anything left in the group (background children)
    proc.stdout.close()
    text = buf.decode("utf-8", errors="replace")
    if truncated:
        text += TRUNCATION_MARKER.format(kb=max_output // 1024)
    if timed_out:
        text += f"\n[llmos: command timed out after {timeout:g} s; process group killed]\n"
    return CommandResult(code if code is not None else -9, text, truncated, timed_out, sandboxed)
