"""The parent side of an out-of-process plugin: spawn, ask with a deadline, kill the process group.

:class:`PluginProcess` runs ``python -m llmos_shell.isolation.host NAME`` in its
own session (so the whole process group can be killed), sends one request at a
time and waits for the answer with a timeout. A reader thread enforces the
output cap, so a 200 MB answer is never held in the parent. When the child
dies, the error says how: ``plugin 'x' crashed (signal 11, SIGSEGV)``. The next
request starts a fresh child and replays load and configure, up to
``max_restarts`` times.
"""

from __future__ import annotations

import atexit
import collections
import itertools
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import weakref
from typing import Any

from .protocol import LineReader, OutputTooLarge, encode, max_output

__all__ = ["PluginCrashed", "PluginOutputError", "PluginProcess", "PluginProcessError", "PluginTimeout", "RemoteError"]


_LIVE: weakref.WeakSet[PluginProcess] = weakref.WeakSet()


@atexit.register
def _kill_all() -> None:
    """At interpreter exit, no plugin child outlives the shell."""
    for plugin in list(_LIVE):
        plugin.kill()


class PluginProcessError(Exception):
    """The plugin's process cannot answer: crashed, timed out, too much output, disabled."""


class PluginCrashed(PluginProcessError):
    pass


class PluginTimeout(PluginProcessError):
    pass


class PluginOutputError(PluginProcessError):
    pass


class RemoteError(Exception):
    """An exception raised inside the plugin, carried back by type name and message."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(message)
        self.type_name = type_name

    def __str__(self) -> str:
        return self.args[0]


def describe_exit(name: str, returncode: int | None) -> str:
    if returncode is None:
        return f"plugin {name!r} stopped answering"
    if returncode < 0:
        try:
            sig = signal.Signals(-returncode).name
        except ValueError:
            sig = "unknown signal"
        return f"plugin {name!r} crashed (signal {-returncode}, {sig})"
    return f"plugin {name!r} exited unexpectedly (exit code {returncode})"


class PluginProcess:
    """One child process serving one plugin."""

    def __init__(
        self,
        name: str,
        value: str,
        *,
        sys_path: list[str] | None = None,
        load_timeout: float = 15.0,
        limit: int | None = None,
        max_restarts: int = 3,
    ) -> None:
        self.name, self.value = name, value
        self.sys_path = list(sys.path if sys_path is None else sys_path)
        self.load_timeout = load_timeout
        self.limit = limit or max_output()
        self.max_restarts = max_restarts
        self.restarts = 0
        self.config: dict[str, Any] | None = None  # replayed after a restart
        self.last_error = ""
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._answers: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._stderr_tail: collections.deque[bytes] = collections.deque(maxlen=16)
        self._closed = False

    # -- lifecycle -------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def spawn(self) -> None:
        """Start the child and send ``load`` without waiting (collect with :meth:`wait_loaded`)."""
        env = dict(os.environ)
        env["LLMOS_ISOLATED_PLUGIN"] = self.name
        env.pop("LLMOS_TRACE_HOOKS", None)
        self._answers = queue.Queue()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "llmos_shell.isolation.host", self.name],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True, env=env, close_fds=True,
        )  # fmt: skip
        _LIVE.add(self)
        proc, answers = self._proc, self._answers
        threading.Thread(target=self._read, args=(proc, answers), daemon=True, name=f"plugin-{self.name}-out").start()
        threading.Thread(target=self._drain_stderr, args=(proc,), daemon=True, name=f"plugin-{self.name}-err").start()
        self._load_id = self._send("load", value=self.value, sys_path=self.sys_path)

    def wait_loaded(self) -> Any:
        return self._wait(self._load_id, self.load_timeout, "load")

    def _read(self, proc: subprocess.Popen[bytes], answers: queue.Queue[tuple[str, Any]]) -> None:
        assert proc.stdout is not None
        reader = LineReader(proc.stdout.fileno(), self.limit)
        while True:
            try:
                line = reader.readline()
            except OutputTooLarge as exc:
                self._kill(proc)
                answers.put(("overflow", exc))
                return
            except OSError:
                line = None
            if line is None:
                answers.put(("eof", None))
                return
            try:
                answers.put(("message", json.loads(line)))
            except ValueError:
                answers.put(("garbage", line[:200]))

    def _drain_stderr(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stderr is not None
        for line in iter(proc.stderr.readline, b""):
            self._stderr_tail.append(line[:500])

    def stderr_tail(self) -> str:
        return b"".join(self._stderr_tail).decode("utf-8", "replace").strip()

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()

    def kill(self) -> None:
        """Kill the child's whole process group now."""
        if self._proc is not None:
            self._kill(self._proc)
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not ignorable
                pass

    def close(self) -> None:
        """Ask the child to exit (stdin closed), then kill the group; idempotent."""
        self._closed = True
        proc = self._proc
        if proc is None:
            return
        if proc.stdin is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            pass
        self.kill()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()

    # -- requests --------------------------------------------------------
    def _send(self, op: str, **payload: Any) -> int:
        assert self._proc is not None and self._proc.stdin is not None
        request_id = next(self._ids)
        try:
            self._proc.stdin.write(encode({"id": request_id, "op": op, **payload}))
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the reader reports the death
        return request_id

    def _wait(self, request_id: int, timeout: float, op: str) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                kind, value = self._answers.get(timeout=max(0.0, remaining))
            except queue.Empty:
                self.kill()
                raise PluginTimeout(
                    f"plugin {self.name!r} did not answer {op} within {timeout:g} s; its process was killed"
                ) from None
            if kind == "message":
                if value.get("id") != request_id:
                    continue  # a late answer to a request that timed out
                if value.get("ok"):
                    return value.get("result")
                err = value.get("error") or {}
                raise RemoteError(str(err.get("type") or "Error"), str(err.get("message") or ""))
            if kind == "overflow":
                self.kill()
                raise PluginOutputError(
                    f"plugin {self.name!r} sent more than {value.limit} bytes in one answer; "
                    "output discarded and its process killed"
                )
            if kind == "garbage":
                self.kill()
                raise PluginCrashed(
                    f"plugin {self.name!r} broke the protocol (wrote {value!r}); its process was killed"
                )
            # eof: the child died
            assert self._proc is not None
            try:
                code = self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
            message = describe_exit(self.name, code)
            tail = self.stderr_tail().splitlines()
            if tail:
                message += f"; last stderr line: {tail[-1][:200]}"
            raise PluginCrashed(message)

    def request(self, op: str, *, timeout: float | None = None, **payload: Any) -> Any:
        """Send one request and wait for its answer; restarts a dead child first (bounded)."""
        with self._lock:
            self._ensure_running()
            request_id = self._send(op, **payload)
            try:
                return self._wait(request_id, self.load_timeout if timeout is None else timeout, op)
            except PluginProcessError as exc:
                self.last_error = str(exc)
                raise

    def _ensure_running(self) -> None:
        if self._closed:
            raise PluginProcessError(f"plugin {self.name!r} has been shut down")
        if self.alive:
            return
        if self._proc is not None:  # it died: restart, bounded
            if self.restarts >= self.max_restarts:
                raise PluginProcessError(
                    f"plugin {self.name!r} was disabled after {self.restarts} restarts (last: {self.last_error})"
                )
            self.restarts += 1
        self.spawn()
        self.wait_loaded()
        if self.config is not None:
            self._wait(self._send("configure", config=self.config), self.load_timeout, "configure")
            self._wait(self._send("register"), self.load_timeout, "register")
