"""A connection to one stdio MCP server, usable from synchronous code.

The official ``mcp`` SDK is asynchronous; the shell is not. Each
:class:`McpConnection` runs one asyncio loop in a daemon thread that owns the
server process (``stdio_client``) and the ``ClientSession`` for the whole
session; :meth:`call_tool` hands coroutines to that loop and waits with a
deadline. The server's stderr goes to a temporary file whose last lines are
quoted when it fails.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import tempfile
import threading
from typing import Any

from .config import McpServerConfig

__all__ = ["McpConnection", "McpServerError"]


class McpServerError(Exception):
    """The server could not be started, initialized or listed, or it went away."""


def _dump(obj: Any) -> Any:
    """SDK model -> plain dict with the protocol's camelCase keys (same for mcp 1.x and 2.x)."""
    if hasattr(obj, "model_dump"):
        return obj.model_dump(by_alias=True, mode="json", exclude_none=True)
    return obj


def _describe(exc: BaseException) -> str:
    inner = getattr(exc, "exceptions", None)
    while inner:  # an ExceptionGroup from anyio: show the first real cause
        exc = inner[0]
        inner = getattr(exc, "exceptions", None)
    text = str(exc) or type(exc).__name__
    return text if type(exc).__name__ in text else f"{type(exc).__name__}: {text}"


class McpConnection:
    def __init__(self, name: str, config: McpServerConfig) -> None:
        self.name, self.config = name, config
        self.tools: list[dict[str, Any]] = []
        self.server_info: dict[str, Any] = {}
        self._ready: concurrent.futures.Future[list[dict[str, Any]]] = concurrent.futures.Future()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._session: Any = None
        self._stop: asyncio.Event | None = None
        self._errlog = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")
        self.closed = False

    # -- lifecycle -------------------------------------------------------
    def start(self) -> None:
        """Spawn the server and initialize in the background; :meth:`wait_ready` collects the outcome."""
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._stop = asyncio.Event()
        task = loop.create_task(self._main())
        self._task = task

        def run() -> None:
            try:
                loop.run_until_complete(task)
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, daemon=True, name=f"mcp-{self.name}")
        self._thread.start()

    def wait_ready(self) -> list[dict[str, Any]]:
        """The server's tools (protocol dicts); raises :class:`McpServerError` on failure or timeout."""
        try:
            return self._ready.result(timeout=self.config.startup_timeout)
        except concurrent.futures.TimeoutError:
            self.close()
            raise McpServerError(
                f"MCP server {self.name!r} did not finish initialize/tools/list within "
                f"{self.config.startup_timeout:g} s; it was stopped{self._stderr_hint()}"
            ) from None

    async def _main(self) -> None:
        try:
            from mcp import ClientSession, StdioServerParameters
            from mcp.client.stdio import stdio_client
        except ImportError:
            self._fail(McpServerError("the MCP SDK is not installed: pip install 'mcp>=1.2'"))
            return
        c = self.config
        params = StdioServerParameters(command=c.command, args=list(c.args), env=dict(c.env) or None, cwd=c.cwd)
        try:
            async with stdio_client(params, errlog=self._errlog) as streams:
                read, write = streams[0], streams[1]
                async with ClientSession(read, write) as session:
                    init = await session.initialize()
                    self.server_info = _dump(getattr(init, "serverInfo", None) or getattr(init, "server_info", None))
                    tools = await self._list_tools(session)
                    self._session = session
                    self.tools = tools
                    self._ready.set_result(tools)
                    assert self._stop is not None
                    await self._stop.wait()
        except asyncio.CancelledError:
            self._fail(McpServerError(f"MCP server {self.name!r} was stopped"))
        except BaseException as exc:  # noqa: BLE001 - anything the SDK or the server throws ends this server only
            what = _describe(exc)
            if not self._ready.done() and "connection closed" in what.lower():
                what = "it exited (or closed its stdout) before answering initialize"
            elif isinstance(exc, OSError):
                what = f"cannot start {c.command!r}: {exc.strerror or exc}"
            self._fail(McpServerError(f"MCP server {self.name!r} failed: {what}{self._stderr_hint()}"))
        finally:
            self._session = None
            self.closed = True

    def _fail(self, exc: Exception) -> None:
        if not self._ready.done():
            self._ready.set_exception(exc)

    @staticmethod
    async def _list_tools(session: Any) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        cursor = None
        for _ in range(100):  # pages
            if cursor is None:
                page = _dump(await session.list_tools())
            else:
                try:
                    from mcp.types import PaginatedRequestParams

                    page = _dump(await session.list_tools(params=PaginatedRequestParams(cursor=cursor)))
                except ImportError:  # mcp 1.x
                    page = _dump(await session.list_tools(cursor=cursor))
            out.extend(page.get("tools", []))
            cursor = page.get("nextCursor")
            if not cursor:
                break
        return out

    def _stderr_hint(self) -> str:
        try:
            self._errlog.flush()
            self._errlog.seek(0, 2)
            size = self._errlog.tell()
            self._errlog.seek(max(0, size - 2000))
            lines = [ln for ln in self._errlog.read().splitlines() if ln.strip()]
        except (OSError, ValueError):
            return ""
        return f"; its stderr said: {lines[-1].strip()[:300]}" if lines else ""

    def close(self) -> None:
        """Stop the server (the SDK closes its stdin, then terminates it) and the loop; idempotent."""
        loop, thread = self._loop, self._thread
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._task.cancel)
            except RuntimeError:  # the loop already finished
                pass
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)
        self.closed = True
        self._fail(McpServerError(f"MCP server {self.name!r} was stopped"))

    # -- calls -----------------------------------------------------------
    def call_tool(self, tool: str, arguments: dict[str, Any], timeout: float) -> dict[str, Any]:
        """``tools/call``; returns the result as a protocol dict. Raises :class:`McpServerError`."""
        session, loop = self._session, self._loop
        if session is None or loop is None or loop.is_closed():
            raise McpServerError(f"MCP server {self.name!r} is not running{self._stderr_hint()}")
        future = asyncio.run_coroutine_threadsafe(session.call_tool(tool, arguments), loop)
        try:
            return _dump(future.result(timeout=timeout))
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise McpServerError(f"MCP server {self.name!r} did not answer {tool} within {timeout:g} s") from None
        except concurrent.futures.CancelledError:
            raise McpServerError(f"MCP server {self.name!r} went away during {tool}{self._stderr_hint()}") from None
        except Exception as exc:  # noqa: BLE001 - protocol errors, a dead server
            raise McpServerError(
                f"MCP server {self.name!r}: {tool} failed: {_describe(exc)}{self._stderr_hint()}"
            ) from None
