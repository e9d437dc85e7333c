"""Group A: path traversal, symlinks, special files, races (SECURITY-CASES A1-A9)."""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from pathlib import Path

import pytest
from policy_helpers import FILE_NOTES, read, write

from llmos_shell.errors import PolicyDenied
from llmos_shell.policy.actions import Decision
from llmos_shell.policy.approval import enforce, non_interactive_approver
from llmos_shell.policy.audit import AuditLog
from llmos_shell.policy.boundary import BoundaryError, Workspace, current_workspace, use_workspace


def test_a1_traversal_refused_and_audited(ws, make_engine, tmp_path):
    with pytest.raises(BoundaryError, match=r"path resolves outside workspace: \.\./\.\./\.\./etc/passwd"):
        ws.read_bytes("../../../etc/passwd")
    engine = make_engine({"allow": ["files.read"]})
    audit = AuditLog(tmp_path / "data" / "audit.jsonl")
    with pytest.raises(PolicyDenied, match="outside workspace") as err:
        enforce(engine, read("../../../etc/passwd"), non_interactive_approver(False), audit)
    assert err.value.exit_code == 5
    (rec,) = audit.tail(1)
    assert rec["decision"] == "deny" and rec["rule"] == "boundary" and rec["arguments"]["path"] == "../../../etc/passwd"


@pytest.mark.parametrize("path", ["~/.ssh/id_rsa", "~/.aws/credentials", "/proc/self/environ", "/proc/1/environ"])
def test_a2_secrets_refused_even_when_workspace_is_home(home, path, make_engine):
    home_ws = Workspace(home)
    with pytest.raises(BoundaryError) as err:
        home_ws.read_bytes(path)
    assert err.value.kind in ("denied", "outside")
    expanded = path.replace("~", str(home))
    with pytest.raises(BoundaryError, match="deny list"):
        home_ws.resolve(expanded)
    verdict = make_engine({"allow": ["files.read"]}, mode="yolo", workspace=home_ws).decide(read(path))
    assert verdict.decision is Decision.DENY and verdict.rule in ("deny-path", "boundary")


def test_a2_secrets_outside_workspace(ws, home):
    with pytest.raises(BoundaryError):
        ws.read_bytes(str(home / ".ssh" / "id_rsa"))


def test_a3_symlink_to_etc_refused(ws, ws_dir):
    (ws_dir / "etc-link").symlink_to("/etc")
    with pytest.raises(BoundaryError, match="outside workspace"):
        ws.read_bytes("etc-link/passwd")
    with pytest.raises(BoundaryError):
        ws.listdir("etc-link")


def test_a3_internal_symlink_is_fine(ws, ws_dir):
    (ws_dir / "alias").symlink_to(ws_dir / "docs")
    (ws_dir / "docs" / "a.md").write_text("A")
    assert ws.read_bytes("alias/a.md") == (b"A", False)


def test_a4_symlinked_parent_for_write(ws, ws_dir, tmp_path, make_engine):
    (ws_dir / "claude").symlink_to("/")
    target = Path("/tmp/x.txt")
    existed = target.exists()
    with pytest.raises(BoundaryError, match="outside workspace"):
        ws.write_bytes("claude/tmp/x.txt", b"pwned")
    assert target.exists() == existed
    if not existed:
        assert not target.exists()
    verdict = make_engine({"allow": ["files.write"]}, mode="yolo").decide(write("claude/tmp/x.txt"))
    assert verdict.decision is Decision.DENY


def test_a4_write_through_symlinked_file_refused(ws, ws_dir, outside):
    (ws_dir / "link.txt").symlink_to(outside / "secret.txt")
    with pytest.raises(BoundaryError):
        ws.write_bytes("link.txt", b"x")
    assert (outside / "secret.txt").read_text() == "SECRET-OUTSIDE"


def _swapper(ws_dir: Path, outside: Path, stop: threading.Event) -> None:
    """Swap ws/a.txt between a regular file and a symlink to outside, and ws/sub between a dir and a symlink."""
    real_file = ws_dir / "a.real"
    link_file = ws_dir / "a.link"
    real_dir = ws_dir / "sub.real"
    link_dir = ws_dir / "sub.link"
    while not stop.is_set():
        real_file.write_text("inside")
        os.replace(real_file, ws_dir / "a.txt")
        link_file.unlink(missing_ok=True)
        link_file.symlink_to(outside / "secret.txt")
        os.replace(link_file, ws_dir / "a.txt")
        real_dir.mkdir(exist_ok=True)
        (real_dir / "a.txt").write_text("inside")
        if (ws_dir / "sub").is_symlink():
            (ws_dir / "sub").unlink()
        os.replace(real_dir, ws_dir / "sub") if not (ws_dir / "sub").exists() else None
        link_dir.unlink(missing_ok=True)
        link_dir.symlink_to(outside)
        if (ws_dir / "sub").is_dir() and not (ws_dir / "sub").is_symlink():
            (ws_dir / "sub" / "a.txt").unlink(missing_ok=True)
            (ws_dir / "sub").rmdir()
        os.replace(link_dir, ws_dir / "sub")


def test_a5_toctou_1000_iterations_zero_escapes(ws, ws_dir, outside):
    (ws_dir / "a.txt").write_text("inside")
    (outside / "a.txt").write_text("SECRET-OUTSIDE")
    before = hashlib.sha256((outside / "secret.txt").read_bytes()).hexdigest()
    stop = threading.Event()
    t = threading.Thread(target=_swapper, args=(ws_dir, outside, stop), daemon=True)
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often so check and use really interleave
    t.start()
    escapes, reads, refusals = 0, 0, 0
    try:
        for i in range(1000):
            path = "a.txt" if i % 2 == 0 else "sub/a.txt"
            try:
                data, _ = ws.read_bytes(path)
                reads += 1
                if b"SECRET" in data:
                    escapes += 1
            except (BoundaryError, FileNotFoundError, NotADirectoryError):
                refusals += 1
            if i % 10 == 0:
                try:
                    ws.write_bytes(path, b"written")
                except (BoundaryError, FileNotFoundError, NotADirectoryError, FileExistsError, OSError):
                    pass
    finally:
        stop.set()
        t.join()
        sys.setswitchinterval(old_interval)
    assert escapes == 0
    assert reads + refusals == 1000
    print(f"A5: {reads} reads inside, {refusals} refusals, {escapes} escapes")
    assert hashlib.sha256((outside / "secret.txt").read_bytes()).hexdigest() == before
    assert (outside / "a.txt").read_text() == "SECRET-OUTSIDE"


def test_a5_swap_between_check_and_open_is_caught(ws, ws_dir, outside, monkeypatch):
    """Deterministic race: the file becomes a symlink right after resolve() checked it."""
    (ws_dir / "a.txt").write_text("inside")
    real_walk = Workspace._walk_to_parent

    def swap_then_walk(self, real, **kw):
        (ws_dir / "a.txt").unlink()
        (ws_dir / "a.txt").symlink_to(outside / "secret.txt")
        return real_walk(self, real, **kw)

    monkeypatch.setattr(Workspace, "_walk_to_parent", swap_then_walk)
    with pytest.raises(BoundaryError) as err:
        ws.read_bytes("a.txt")
    assert err.value.kind in ("special", "race")


def test_a5_parent_swapped_between_check_and_open_is_caught(ws, ws_dir, outside, monkeypatch):
    (ws_dir / "sub").mkdir()
    (ws_dir / "sub" / "a.txt").write_text("inside")
    (outside / "a.txt").write_text("SECRET-OUTSIDE")
    real_walk = Workspace._walk_to_parent

    def swap_then_walk(self, real, **kw):
        (ws_dir / "sub").rename(ws_dir / "sub.old")
        (ws_dir / "sub").symlink_to(outside)
        return real_walk(self, real, **kw)

    monkeypatch.setattr(Workspace, "_walk_to_parent", swap_then_walk)
    with pytest.raises(BoundaryError, match=r"symbolic link|changed"):
        ws.read_bytes("sub/a.txt")
    with pytest.raises(BoundaryError):
        ws.write_bytes("sub/a.txt", b"x")
    assert (outside / "a.txt").read_text() == "SECRET-OUTSIDE"


def test_a6_protected_paths_ask_in_every_mode(ws_dir, make_engine):
    (ws_dir / ".llmos").mkdir()
    paths = [".git/config", ".git/hooks/pre-commit", "llmos.toml", ".llmos/policy.toml", ".llmos/policy-extra.toml",
             ".llmos/plugins/evil.py", "sub/.git/config"]  # fmt: skip
    for mode in ("default", "auto", "yolo"):
        engine = make_engine({"allow": ["files.write", "files.*", "*"]}, mode=mode)
        for p in paths:
            v = engine.decide(write(p))
            assert v.decision is Decision.ASK, (mode, p, v)
            assert v.rule == "protected"
            with pytest.raises(PolicyDenied):
                enforce(engine, write(p), non_interactive_approver(False))
    engine = make_engine({"allow": ["files.write"]}, mode="read-only")
    assert engine.decide(write("llmos.toml")).decision is Decision.DENY


def test_a6_protected_not_liftable_by_session(make_engine):
    engine = make_engine({"allow": ["files.write"]})
    engine.remember_session_allow(write(".git/config"))
    assert engine.decide(write(".git/config")).decision is Decision.ASK


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("notes\x00.txt", "NUL"),
        ("a/" * 5000, "too long"),
        ("%2e%2e/%2e%2e/etc/passwd", "URL-encoded"),
        ("..\\..\\etc\\passwd", "backslash"),
        ("\u2025/\u2025/etc/passwd", "look-alike"),
        ("\uff0e\uff0e/etc/passwd", "look-alike"),
        ("docs/.", "ends with"),
        ("", "empty"),
        ("a\nb", "control"),
    ],
)
def test_a7_path_tricks(ws, ws_dir, path, needle):
    before = sorted(p.name for p in ws_dir.iterdir())
    with pytest.raises(BoundaryError, match=needle) as err:
        ws.resolve(path)
    assert err.value.kind == "invalid"
    with pytest.raises(BoundaryError):
        ws.write_bytes(path, b"x")
    assert sorted(p.name for p in ws_dir.iterdir()) == before


def test_a8_dev_zero_refused(ws):
    with pytest.raises(BoundaryError):
        ws.read_bytes("/dev/zero")
    home_root = Workspace("/", deny_paths=())  # even with nothing on the deny list
    with pytest.raises(BoundaryError, match="not a regular file"):
        home_root.read_bytes("/dev/zero")


def test_a8_fifo_refused_without_hang(ws, ws_dir):
    os.mkfifo(ws_dir / "pipe")
    with pytest.raises(BoundaryError, match="FIFO"):
        ws.read_bytes("pipe")
    with pytest.raises(BoundaryError, match="not a regular file"):
        ws.write_bytes("pipe", b"x")


def test_a8_sparse_10gb_file_is_capped(ws, ws_dir):
    with open(ws_dir / "huge.bin", "wb") as fh:
        fh.truncate(10 * 1024**3)
    data, truncated = ws.read_bytes("huge.bin", max_bytes=4096)
    assert len(data) == 4096 and truncated
    small = Workspace(ws_dir, max_read_bytes=1000)
    data, truncated = small.read_bytes("huge.bin")
    assert len(data) == 1000 and truncated
    assert ws.read_bytes("notes.txt") == (b"hello notes\n", False)


def test_a8_directory_refused(ws):
    with pytest.raises(BoundaryError, match="directory"):
        ws.read_bytes("docs")


def test_a9_hardlink_to_outside_refused(ws, ws_dir, outside, make_engine):
    os.link(outside / "secret.txt", ws_dir / "innocent.txt")
    with pytest.raises(BoundaryError, match="hard links"):
        ws.write_bytes("innocent.txt", b"overwritten")
    assert (outside / "secret.txt").read_text() == "SECRET-OUTSIDE"
    v = make_engine({"allow": ["files.write"]}, mode="yolo").decide(write("innocent.txt"))
    assert v.decision is Decision.DENY and "hard links" in v.reason


def test_write_is_atomic_and_keeps_mode(ws, ws_dir):
    os.chmod(ws_dir / "notes.txt", 0o640)
    ws.write_bytes("notes.txt", b"new")
    assert (ws_dir / "notes.txt").read_bytes() == b"new"
    assert (ws_dir / "notes.txt").stat().st_mode & 0o777 == 0o640
    ws.write_bytes("new/dir/file.txt", b"made")
    assert (ws_dir / "new" / "dir" / "file.txt").read_bytes() == b"made"
    assert not [p for p in ws_dir.rglob("*.tmp")]


def test_listdir_and_walk_do_not_follow_symlinks_out(ws, ws_dir, outside):
    (ws_dir / "out").symlink_to(outside)
    (ws_dir / "docs" / "a.md").write_text("A")
    kinds = {e.name: e.kind for e in ws.listdir(".")}
    assert kinds["out"] == "symlink" and kinds["docs"] == "dir"
    files = set(ws.walk("."))
    assert "docs/a.md" in files and not any("secret" in f for f in files)


def test_use_workspace_contextvar(ws_dir, tmp_path):
    other = Workspace(tmp_path)
    assert current_workspace().root == Path.cwd().resolve()
    with use_workspace(other):
        assert current_workspace() is other
    assert current_workspace() is not other


def test_provenance_read_after_untrusted_is_still_allowed(make_engine):
    # reading has no side effects: provenance does not block it
    assert make_engine({"allow": ["files.read"]}).decide(read("notes.txt", FILE_NOTES)).decision is Decision.ALLOW
