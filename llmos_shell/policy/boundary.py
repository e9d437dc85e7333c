"""The workspace boundary: every path a tool touches is checked and opened here.

:meth:`Workspace.resolve` validates a path string (NUL bytes, length,
URL-encoded dots, backslashes, Unicode look-alikes of ``.`` and ``/``), expands
``~``, resolves symlinks and ``..`` with ``realpath`` and refuses anything that
ends up outside the workspace root or on the mandatory deny list (``~/.ssh``,
``~/.aws``, ``/proc/*/environ`` ...), which applies even when the workspace is
``$HOME``.

Checking a path and then opening it by name would race (TOCTOU): somebody can
swap a component for a symlink in between. So :meth:`Workspace.read_bytes` and
:meth:`Workspace.write_bytes` never open by full path: they walk the resolved
path one component at a time from a directory fd of the root with
``O_NOFOLLOW``, re-check the opened file with ``fstat`` against the ``lstat``
seen before the open, and verify ``/proc/self/fd/N`` lies inside the root.
A swapped component makes the open fail (``ELOOP``), never escape.
"""

from __future__ import annotations

import contextvars
import errno
import os
import secrets
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ToolError
from .globs import compile_glob, expand_glob

__all__ = [
    "DEFAULT_DENY",
    "DEFAULT_PROTECTED",
    "MAX_PATH_CHARS",
    "BoundaryError",
    "DirEntry",
    "Workspace",
    "current_workspace",
    "input_file",
    "use_workspace",
]

MAX_PATH_CHARS = 4096

#: Written only after the user approves, in every mode (relative globs: inside the workspace).
DEFAULT_PROTECTED: tuple[str, ...] = (
    ".git",
    "**/.git",
    ".llmos",
    "**/.llmos",
    "llmos.toml",
    "**/llmos.toml",
    ".llmos.toml",
    ".venv",
    "**/site-packages",
    ".envrc",
    "~/.bashrc",
    "~/.bash_profile",
    "~/.profile",
    "~/.zshrc",
    "~/.config/autostart",
    "~/.config/systemd",
    "~/.local/bin",
)

#: Never read or written, even when the workspace contains them.
DEFAULT_DENY: tuple[str, ...] = (
    "~/.ssh",
    "~/.aws",
    "~/.gnupg",
    "~/.netrc",
    "~/.git-credentials",
    "~/.pgpass",
    "~/.docker/config.json",
    "~/.kube",
    "~/.config/gcloud",
    "~/.azure",
    "~/.password-store",
    "~/.local/share/keyrings",
    "/proc/*/environ",
    "/proc/*/mem",
    "/proc/*/maps",
    "/proc/*/auxv",
    "/proc/*/cmdline",
    "/proc/self",
    "/proc/thread-self",
    "/proc/kcore",
    "/etc/shadow",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/sudoers.d",
    "/dev",
    "/sys",
)

_LOOKALIKES = frozenset("\u2024\u2025\u2026\uff0e\u2215\u2044\u29f8\uff0f\u2216\uff3c\ufe52\u0338")
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class BoundaryError(ToolError):
    """A path that must not be touched. ``kind`` says why: ``invalid``, ``outside``,
    ``denied``, ``symlink``, ``special``, ``hardlink`` or ``race``."""

    def __init__(self, message: str, *, kind: str = "outside", path: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.path = path


@dataclass(frozen=True)
class DirEntry:
    """One entry of :meth:`Workspace.listdir`: ``kind`` is ``file``, ``dir``, ``symlink`` or ``other``."""

    name: str
    kind: str
    size: int


def _expand_all(globs: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for g in globs:
        g = expand_glob(g).rstrip("/") or "/"
        out.append(g)
        if not g.endswith("/**"):
            out.append(g + "/**")  # a listed directory covers everything below it
    return tuple(out)


def _validate(path: object) -> str:
    if not isinstance(path, str):
        raise BoundaryError(f"path must be a string, not {type(path).__name__}", kind="invalid")
    shown = path[:80] + ("..." if len(path) > 80 else "")
    if not path:
        raise BoundaryError("path is empty", kind="invalid")
    if "\x00" in path:
        raise BoundaryError(f"path contains a NUL byte: {shown!r}", kind="invalid", path=shown)
    if len(path) > MAX_PATH_CHARS:
        raise BoundaryError(f"path is too long ({len(path)} characters, limit {MAX_PATH_CHARS})", kind="invalid")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        raise BoundaryError(f"path contains control characters: {shown!r}", kind="invalid", path=shown)
    low = path.lower()
    if "%2e" in low or "%2f" in low or "%5c" in low or "%00" in low:
        raise BoundaryError(f"path contains URL-encoded characters (%2e, %2f ...): {shown}", kind="invalid")
    if "\\" in path:
        raise BoundaryError(f"path contains a backslash; use '/': {shown}", kind="invalid", path=shown)
    for c in path:
        if ord(c) > 127 and (c in _LOOKALIKES or any(x in unicodedata.normalize("NFKC", c) for x in "./\\")):
            raise BoundaryError(
                f"path contains a look-alike of '.' or '/' (U+{ord(c):04X}): {shown}", kind="invalid", path=shown
            )
    if path.endswith("/.") or path.endswith("/.."):
        raise BoundaryError(f"path ends with '/.' or '/..'; name the file or directory itself: {shown}", kind="invalid")
    return path


class Workspace:
    """The folder tools may touch, plus the protected and denied paths.

    Args:
        root: the workspace folder (resolved with realpath once).
        protected: globs that always need approval to write (relative = inside the root).
        deny_paths: globs never read or written, wherever they are.
        max_read_bytes: default cap of :meth:`read_bytes`.
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        protected: Iterable[str] = DEFAULT_PROTECTED,
        deny_paths: Iterable[str] = DEFAULT_DENY,
        max_read_bytes: int = 1_000_000,
    ) -> None:
        self.root = Path(os.path.realpath(os.path.expanduser(os.fspath(root))))
        self._root_s = str(self.root)
        self._prefix = self._root_s.rstrip("/") + "/"
        self.protected = tuple(protected)
        self.deny_paths = tuple(deny_paths)
        self._protected = _expand_all(self.protected)
        self._deny = _expand_all(self.deny_paths)
        self.max_read_bytes = max_read_bytes

    def __repr__(self) -> str:
        return f"Workspace({self._root_s!r})"

    def with_extra(self, *, protected: Iterable[str] = (), deny_paths: Iterable[str] = ()) -> Workspace:
        """A copy with more protected and denied globs (from config)."""
        return Workspace(
            self.root,
            protected=self.protected + tuple(protected),
            deny_paths=self.deny_paths + tuple(deny_paths),
            max_read_bytes=self.max_read_bytes,
        )

    # -- checks ------------------------------------------------------------------------
    def contains(self, real: str) -> bool:
        return real == self._root_s or real.startswith(self._prefix)

    def _relative(self, real: str) -> str | None:
        if real == self._root_s:
            return "."
        if real.startswith(self._prefix):
            return real[len(self._prefix) :]
        return None

    def _matches(self, globs: tuple[str, ...], *candidates: str) -> str | None:
        for g in globs:
            rx = compile_glob(g)
            absolute = g.startswith("/")
            for c in candidates:
                target = c if absolute else self._relative(c)
                if target is not None and rx.match(target):
                    return g
        return None

    def denied(self, real: str, lexical: str | None = None) -> str | None:
        """The deny-list glob matching this absolute path, or None."""
        return self._matches(self._deny, real, *((lexical,) if lexical else ()))

    def _lexical(self, path: str) -> str:
        path = _validate(path)
        if path.startswith("~"):
            path = os.path.expanduser(path)
        return os.path.normpath(os.path.join(self._root_s, path))

    def resolve(self, path: str, *, for_write: bool = False) -> Path:
        """Validate ``path`` and return its real absolute path inside the workspace.

        Raises :class:`BoundaryError` (for the model) when the path is malformed,
        resolves outside the workspace, is on the deny list, or (``for_write``)
        is itself a symlink.
        """
        lexical = self._lexical(path)
        hit = self.denied(lexical)
        if hit:
            raise BoundaryError(f"path is on the mandatory deny list ({hit}): {path}", kind="denied", path=path)
        if for_write and os.path.islink(lexical):
            raise BoundaryError(f"refusing to write through a symbolic link: {path}", kind="symlink", path=path)
        try:
            real = os.path.realpath(lexical)
        except OSError as exc:  # a component changed between lstat and readlink (a race)
            raise BoundaryError(f"path changed while being resolved: {path} ({exc.strerror})", kind="race") from None
        hit = self.denied(real)
        if hit:
            raise BoundaryError(f"path is on the mandatory deny list ({hit}): {path}", kind="denied", path=path)
        if not self.contains(real):
            raise BoundaryError(f"path resolves outside workspace: {path}", kind="outside", path=path)
        return Path(real)

    def is_protected(self, path: str) -> bool:
        """True when ``path`` is a protected path (``.git``, ``.llmos/``, ``llmos.toml`` ...)."""
        return self.protected_match(path) is not None

    def protected_match(self, path: str) -> str | None:
        """The protected glob matching ``path`` (lexically or resolved), or None."""
        lexical = self._lexical(path)
        try:
            real = os.path.realpath(lexical)
        except OSError:
            real = lexical
        return self._matches(self._protected, lexical, real)

    # -- race-free access --------------------------------------------------------------
    def _walk_to_parent(self, real: Path, *, create: bool = False) -> tuple[int, str]:
        """Open the parent directory of ``real`` component by component (O_NOFOLLOW)."""
        rel = self._relative(str(real))
        if rel is None or rel == ".":
            raise BoundaryError(f"not a file inside the workspace: {real}", kind="outside")
        parts = rel.split("/")
        dfd = os.open(self._root_s, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            for part in parts[:-1]:
                try:
                    nfd = os.open(part, _DIR_FLAGS, dir_fd=dfd)
                except FileNotFoundError:
                    if not create:
                        raise
                    try:
                        os.mkdir(part, 0o777, dir_fd=dfd)
                    except FileExistsError:
                        pass
                    nfd = os.open(part, _DIR_FLAGS, dir_fd=dfd)
                except OSError as exc:
                    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                        raise BoundaryError(
                            f"a directory in the path changed or is a symbolic link: {rel}", kind="race"
                        ) from None
                    raise
                os.close(dfd)
                dfd = nfd
        except BaseException:
            os.close(dfd)
            raise
        return dfd, parts[-1]

    def _verify_fd(self, fd: int, shown: str) -> None:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            return  # no /proc: the O_NOFOLLOW walk alone guarantees containment
        if not self.contains(target) or self.denied(target):
            raise BoundaryError(f"file changed during access and now lies outside: {shown}", kind="race")

    def read_bytes(self, path: str, *, max_bytes: int | None = None) -> tuple[bytes, bool]:
        """Read a regular file inside the workspace: returns ``(data, truncated)``.

        At most ``max_bytes`` (default: the workspace's ``max_read_bytes``) are
        read; ``truncated`` is True when the file is longer. FIFOs, devices,
        sockets and directories are refused without blocking.
        """
        real = self.resolve(path)
        limit = self.max_read_bytes if max_bytes is None else max_bytes
        try:
            dfd, name = self._walk_to_parent(real)
        except FileNotFoundError:
            raise BoundaryError(f"no such file: {path}", kind="missing", path=path) from None
        try:
            try:
                before = os.stat(name, dir_fd=dfd, follow_symlinks=False)
            except FileNotFoundError:
                raise BoundaryError(f"no such file: {path}", kind="missing", path=path) from None
            if not stat.S_ISREG(before.st_mode):
                raise BoundaryError(f"not a regular file ({_kind(before.st_mode)}): {path}", kind="special", path=path)
            try:
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dfd)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise BoundaryError(f"file was replaced by a symbolic link: {path}", kind="race") from None
                if exc.errno == errno.ENOENT:
                    raise BoundaryError(f"no such file: {path}", kind="missing", path=path) from None
                raise
        finally:
            os.close(dfd)
        try:
            after = os.fstat(fd)
            if not stat.S_ISREG(after.st_mode):
                raise BoundaryError(f"not a regular file ({_kind(after.st_mode)}): {path}", kind="special", path=path)
            if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
                raise BoundaryError(f"file changed between check and open: {path}", kind="race", path=path)
            self._verify_fd(fd, path)
            chunks: list[bytes] = []
            remaining = limit
            while remaining > 0:
                chunk = os.read(fd, min(remaining, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                remaining -= len(chunk)
            truncated = remaining <= 0 and bool(os.read(fd, 1))
            return b"".join(chunks), truncated
        finally:
            os.close(fd)

    def read_text(self, path: str, *, max_bytes: int | None = None) -> tuple[str, bool]:
        """:meth:`read_bytes` decoded as UTF-8 (invalid bytes replaced)."""
        data, truncated = self.read_bytes(path, max_bytes=max_bytes)
        return data.decode("utf-8", errors="replace"), truncated

    def write_bytes(self, path: str, data: bytes) -> None:
        """Atomically replace (or create) a regular file inside the workspace.

        Written to a temporary file in the same directory (opened through the
        directory fd), fsynced, then renamed over the target. Refuses symlinks,
        special files, files with more than one hard link (another link may lie
        outside the workspace), and parents that are symlinks. Missing parent
        directories are created.
        """
        real = self.resolve(path, for_write=True)
        dfd, name = self._walk_to_parent(real, create=True)
        try:
            self._verify_fd(dfd, path)
            try:
                st: os.stat_result | None = os.stat(name, dir_fd=dfd, follow_symlinks=False)
            except FileNotFoundError:
                st = None
            mode = 0o666
            if st is not None:
                if stat.S_ISLNK(st.st_mode):
                    raise BoundaryError(f"refusing to write through a symbolic link: {path}", kind="symlink")
                if not stat.S_ISREG(st.st_mode):
                    raise BoundaryError(f"not a regular file ({_kind(st.st_mode)}): {path}", kind="special")
                if st.st_nlink > 1:
                    raise BoundaryError(
                        f"refusing to write a file with {st.st_nlink} hard links (one may lie outside the workspace): "
                        f"{path}",
                        kind="hardlink",
                        path=path,
                    )
                mode = stat.S_IMODE(st.st_mode)
            tmp = f".{name[:200]}.llmos-{secrets.token_hex(6)}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode, dir_fd=dfd)
            try:
                view = memoryview(data)
                while view:
                    n = os.write(fd, view)
                    view = view[n:]
                if st is not None:
                    os.fchmod(fd, mode)
                os.fsync(fd)
            except BaseException:
                os.close(fd)
                os.unlink(tmp, dir_fd=dfd)
                raise
            os.close(fd)
            try:
                os.rename(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
            except BaseException:
                os.unlink(tmp, dir_fd=dfd)
                raise
            os.fsync(dfd)
        finally:
            os.close(dfd)

    def write_text(self, path: str, text: str) -> None:
        """:meth:`write_bytes` of UTF-8 text."""
        self.write_bytes(path, text.encode("utf-8"))

    def listdir(self, path: str = ".") -> list[DirEntry]:
        """Entries of a directory inside the workspace, sorted by name; symlinks are listed, not followed."""
        real = self.resolve(path)
        if str(real) == self._root_s:
            fd = os.open(self._root_s, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        else:
            dfd, name = self._walk_to_parent(real)
            try:
                try:
                    fd = os.open(name, _DIR_FLAGS, dir_fd=dfd)
                except OSError as exc:
                    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                        raise BoundaryError(f"not a directory: {path}", kind="special") from None
                    raise
            finally:
                os.close(dfd)
        try:
            self._verify_fd(fd, path)
            out = []
            with os.scandir(fd) as it:
                for e in it:
                    st = e.stat(follow_symlinks=False)
                    out.append(DirEntry(e.name, _short_kind(st.st_mode), st.st_size))
            return sorted(out, key=lambda d: d.name)
        finally:
            os.close(fd)

    def tree(
        self, start: str = ".", *, enter: Callable[[str], bool] = lambda name: True
    ) -> Iterator[tuple[str, DirEntry]]:
        """Every entry below ``start`` as ``(workspace-relative path, entry)``, depth first.

        A directory's entries all come before its subdirectories' (in listing order); a
        subdirectory is entered only when ``enter(name)`` is true. Symlinks are reported, never
        followed. Directories that cannot be read (permissions, a component swapped for a
        symlink) are skipped.
        """
        stack = [start]
        while stack:
            current = stack.pop()
            try:
                entries = self.listdir(current)
            except (ToolError, OSError):
                continue
            subdirs = []
            for entry in entries:
                rel = entry.name if current == "." else f"{current}/{entry.name}"
                yield rel, entry
                if entry.kind == "dir" and enter(entry.name):
                    subdirs.append(rel)
            stack.extend(reversed(subdirs))

    def walk(self, path: str = ".", *, max_entries: int = 10_000) -> Iterator[str]:
        """Workspace-relative paths of regular files below ``path``, not following symlinks."""
        stack = [path.rstrip("/") or "."]
        seen = 0
        while stack:
            current = stack.pop()
            for entry in self.listdir(current):
                rel = entry.name if current == "." else f"{current}/{entry.name}"
                if entry.kind == "dir":
                    stack.append(rel)
                elif entry.kind == "file":
                    seen += 1
                    if seen > max_entries:
                        return
                    yield rel


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "special file"


def _short_kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISLNK(mode):
        return "symlink"
    return "other"


_current: contextvars.ContextVar[Workspace | None] = contextvars.ContextVar("llmos_workspace", default=None)


class _WorkspaceToken:
    def __init__(self, token: contextvars.Token[Workspace | None]) -> None:
        self._token = token

    def __enter__(self) -> Workspace:
        ws = _current.get()
        assert ws is not None
        return ws

    def __exit__(self, *exc: object) -> None:
        _current.reset(self._token)


def current_workspace() -> Workspace:
    """The workspace of the running session (default: the current directory)."""
    ws = _current.get()
    if ws is None:
        ws = Workspace(Path.cwd())
        _current.set(ws)
    return ws


def use_workspace(ws: Workspace) -> _WorkspaceToken:
    """Make ``ws`` the current workspace; usable as ``with use_workspace(ws): ...`` to restore it after."""
    return _WorkspaceToken(_current.set(ws))


def input_file(path: str, *, what: str = "file", max_bytes: int | None = None) -> Path:
    """Resolve ``path`` in the current workspace and insist on a regular, readable file.

    For plugins that hand a path to a library (an image decoder, an audio decoder): relative
    paths resolve against the workspace root, symlinks are followed with realpath, and anything
    outside the workspace or on the deny list is refused. Raises :class:`ToolError`
    (``BoundaryError`` is one) with a message the model can act on.
    """
    import stat as _stat

    if not path or "\x00" in path:
        raise ToolError(f"invalid {what} path {path!r}")
    p = current_workspace().resolve(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise ToolError(f"no such {what}: {path}") from None
    except OSError as exc:
        raise ToolError(f"cannot access {what} {path}: {exc.strerror or exc}") from None
    if not _stat.S_ISREG(st.st_mode):
        raise ToolError(f"{path} is not a regular file; only regular {what}s can be read")
    if max_bytes is not None and st.st_size > max_bytes:
        raise ToolError(f"{path} is {st.st_size:,} bytes; the limit is {max_bytes:,} (max_bytes)")
    if not os.access(p, os.R_OK):
        raise ToolError(f"permission denied: {path}")
    return p
