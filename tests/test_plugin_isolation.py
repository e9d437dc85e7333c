"""Plugins that fail, hang, crash, flood or snoop (SECURITY-CASES I1-I8), in process and out of process.

The fixture plugins in tests/plugins_fixtures/ are installed as fake distributions
(a ``*.dist-info`` with an ``entry_points.txt`` on a tmp ``sys.path`` entry), so they
load through the real entry-point path.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

import pytest

from llmos_shell.config import Settings
from llmos_shell.errors import ConfigError, PluginError
from llmos_shell.plugins import load_plugins
from llmos_shell.shell import Shell

FIXTURES = Path(__file__).parent / "plugins_fixtures"
ALL = ("fx_importerror", "fx_raises", "fx_hang_load", "fx_shadow", "fx_faults")


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every fixture plugin as a third-party distribution ``llmos-fx-...`` with an ``llmos`` entry point."""
    site = tmp_path / "site"
    for module in ALL:
        info = site / f"llmos_{module}-0.1.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: llmos-{module.replace('_', '-')}\nVersion: 0.1\n")
        (info / "entry_points.txt").write_text(f"[llmos]\n{module} = {module}\n")
    monkeypatch.syspath_prepend(str(FIXTURES))
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("LLMOS_PLUGIN_LOAD_TIMEOUT", "5")
    return site


@pytest.fixture(autouse=True)
def _restore_allowlist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMOS_PLUGINS", "")  # recorded, so whatever load() sets is undone after the test


def load(names: str, mode: str = "process", **kw):
    os.environ["LLMOS_PLUGINS"] = names
    return load_plugins({}, isolation=mode, **kw)


def shell_for(host) -> Shell:
    return Shell(Settings(), host=host)  # no policy engine: side effects are denied, reads allowed


MODES = pytest.mark.parametrize("mode", ["process", "inprocess"])


# -- I1 ---------------------------------------------------------------------
@MODES
def test_i1_import_error_is_skipped_and_others_load(installed, mode):
    host = load("fx_importerror,fx_shadow", mode)
    try:
        bad = host.plugins["fx_importerror"]
        assert bad.status == "failed"
        assert bad.errors == ["import failed: ImportError: fx_importerror needs libfoo, which is not installed"]
        assert bad.distribution == "llmos-fx-importerror"
        assert host.plugins["fx_shadow"].tools == ["fx_shadow.read"]
    finally:
        host.close()


@MODES
def test_i1_strict_makes_it_fatal(installed, mode, monkeypatch):
    monkeypatch.setenv("LLMOS_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError, match="fx_importerror: import failed: ImportError"):
        load("fx_importerror", mode)


# -- I2 ---------------------------------------------------------------------
@MODES
def test_i2_raising_register_tools_keeps_the_others(installed, mode):
    host = load("fx_raises,fx_shadow", mode)
    try:
        assert host.plugins["fx_raises"].errors == ["register_tools failed: RuntimeError: fx_raises is broken"]
        assert host.plugins["fx_raises"].status == "failed"
        assert "fx_shadow.read" in host.tools
    finally:
        host.close()


def test_i2_in_process_objects_are_isolated_per_plugin(monkeypatch):
    from llmos_shell import hookimpl

    monkeypatch.delenv("LLMOS_PLUGINS")

    class Bad:
        @hookimpl
        def register_tools(self, register):
            register(lambda: None)  # rejected (no docstring), the plugin goes on
            raise ValueError("boom")

    class Good:
        @hookimpl
        def register_tools(self, register):
            def ping() -> str:
                """Answer pong."""
                return "pong"

            register(ping)

    host = load_plugins({}, entry_points=False, extra={"bad": Bad(), "good": Good()})
    assert host.plugins["bad"].status == "failed"
    assert any("boom" in e for e in host.plugins["bad"].errors)
    assert list(host.tools) == ["good.ping"]


# -- I3 ---------------------------------------------------------------------
def test_i3_hang_in_a_hook_times_out_and_the_process_is_killed(installed, monkeypatch):
    monkeypatch.setenv("LLMOS_PLUGIN_LOAD_TIMEOUT", "1")
    host = load("fx_hang_load,fx_shadow")
    try:
        info = host.plugins["fx_hang_load"]
        assert info.status == "failed"
        assert "did not answer register within 1 s; its process was killed" in info.errors[0]
        assert "fx_shadow.read" in host.tools  # the others are not blocked
    finally:
        host.close()


def test_i3_hang_in_a_call_times_out_and_the_shell_goes_on(installed):
    host = load("fx_faults")
    try:
        shell = shell_for(host)
        pid = host.tools["fx_faults.echo"].process.pid
        call, _ = shell.call_tool("fx_faults.hang", {})
        assert not call.ok
        assert call.output == (
            "Error: plugin 'fx_faults' did not answer invoke within 1 s; its process was killed while running "
            "fx_faults.hang"
        )
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
        call, _ = shell.call_tool("fx_faults.echo", {"text": "still here"})  # a fresh child
        assert (call.ok, call.output) == (True, "still here")
    finally:
        host.close()


# -- I4 ---------------------------------------------------------------------
def test_i4_segfault_and_os_exit_are_reported_and_survived(installed):
    host = load("fx_faults")
    try:
        shell = shell_for(host)
        call, _ = shell.call_tool("fx_faults.segfault", {})
        assert not call.ok
        assert call.output.startswith("Error: plugin 'fx_faults' crashed (signal 11, SIGSEGV)")
        call, _ = shell.call_tool("fx_faults.hard_exit", {})
        assert call.output.startswith("Error: plugin 'fx_faults' exited unexpectedly (exit code 3)")
        call, _ = shell.call_tool("fx_faults.echo", {"text": "alive"})
        assert (call.ok, call.output) == (True, "alive")
        assert host.tools["fx_faults.echo"].process.restarts == 2
    finally:
        host.close()


def test_i4_a_plugin_that_keeps_crashing_is_disabled(installed):
    host = load("fx_faults")
    try:
        host.tools["fx_faults.echo"].process.max_restarts = 1
        shell = shell_for(host)
        shell.call_tool("fx_faults.segfault", {})
        shell.call_tool("fx_faults.segfault", {})
        call, _ = shell.call_tool("fx_faults.echo", {"text": "x"})
        assert not call.ok
        assert "was disabled after 1 restarts" in call.output
    finally:
        host.close()


def test_i6_in_process_mode_is_the_documented_trade_off(installed, monkeypatch):
    """In process, a plugin shares the shell's fate: its monkeypatch of the policy engine sticks."""
    from llmos_shell.policy.engine import PolicyEngine

    original = PolicyEngine.decide
    monkeypatch.setattr(PolicyEngine, "decide", original)  # undone after the test
    host = load("fx_faults", "inprocess")
    try:
        assert host.plugins["fx_faults"].module == "fx_faults"
        assert PolicyEngine.decide is not original  # what process isolation prevents
        call, _ = shell_for(host).call_tool("fx_faults.echo", {"text": "same process"})
        assert call.ok
    finally:
        host.close()


# -- I5 ---------------------------------------------------------------------
@MODES
def test_i5_a_plugin_cannot_shadow_files_read(installed, mode):
    pytest.importorskip("llmos_files")
    host = load("files,fx_shadow", mode)
    try:
        assert host.tools["files.read"].plugin == "files"
        assert host.tools["fx_shadow.read"].plugin == "fx_shadow"
        errors = host.plugins["fx_shadow"].errors
        assert errors == ["tool rejected: tool name 'files.read' must not contain another plugin's namespace"]
        Path("notes.txt").write_text("real content\n")
        call, _ = shell_for(host).call_tool("files.read", {"path": "notes.txt"})
        assert "real content" in call.output
    finally:
        host.close()


# -- I6 ---------------------------------------------------------------------
def test_i6_an_isolated_plugin_has_no_handle_on_the_shell(installed):
    from llmos_shell.policy.engine import PolicyEngine

    original = PolicyEngine.decide
    host = load("fx_faults")
    try:
        assert PolicyEngine.decide is original  # its monkeypatch happened in the child only
        shell = shell_for(host)
        call, _ = shell.call_tool("fx_faults.snoop", {})
        seen = call.data
        assert seen["pid"] != os.getpid()
        assert seen["policy_patched"] is True  # it did try
        assert seen["hosts"] == [["fx_faults"]]  # only its own one-plugin host
        assert all(t.startswith("fx_faults.") for t in seen["tools"])
        assert seen["shell_loaded"] is False  # no Shell, no conversation, no memory in the child
        # Its side effects still pass the parent's gate: without a policy engine, writes are denied.
        call, _ = shell.call_tool("fx_faults.touch", {"path": "pwned"})
        assert call.decision == "deny" and not Path("pwned").exists()
    finally:
        host.close()


def test_i6_prints_in_the_child_do_not_corrupt_the_protocol(installed):
    host = load("fx_faults")
    try:
        call, _ = shell_for(host).call_tool("fx_faults.noisy", {})
        assert (call.ok, call.output) == (True, "still fine")
    finally:
        host.close()


# -- I7 ---------------------------------------------------------------------
def test_i7_empty_allowlist_loads_nothing(installed):
    host = load("")
    assert host.plugins == {} and host.tools == {}


def test_i7_allowlist_loads_only_the_listed(installed):
    host = load("fx_shadow")
    try:
        assert list(host.plugins) == ["fx_shadow"]
    finally:
        host.close()


# -- I8 ---------------------------------------------------------------------
def test_i8_200_mb_answer_is_an_error_not_a_memory_blow_up(installed):
    host = load("fx_faults")
    try:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        call, _ = shell_for(host).call_tool("fx_faults.huge", {})
        grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        assert not call.ok
        assert "returned 200000000 characters, more than the limit of 8388608; output discarded" in call.output
        assert grown_mib < 50
    finally:
        host.close()


def test_i8_non_serializable_result_is_an_error(installed):
    host = load("fx_faults")
    try:
        call, _ = shell_for(host).call_tool("fx_faults.junk", {})
        assert call.output == "Error: tool returned a value that is not text or JSON: dict"
    finally:
        host.close()


def test_i8_the_parent_caps_a_line_it_reads():
    from llmos_shell.isolation.protocol import LineReader, OutputTooLarge

    r, w = os.pipe()
    os.write(w, b'{"ok": true}\n' + b"y" * 50_000)  # fits the pipe buffer
    os.close(w)
    reader = LineReader(r, limit=10_000, chunk=4096)
    assert reader.readline() == b'{"ok": true}'
    with pytest.raises(OutputTooLarge):
        reader.readline()
    os.close(r)


# -- modes and the example plugin ---------------------------------------------
def test_isolation_mode_is_validated():
    from llmos_shell.isolation import is_first_party, isolation_mode, should_isolate

    assert isolation_mode("inprocess") == "inprocess"
    assert isolation_mode("in-process") == "inprocess"
    with pytest.raises(ConfigError, match="LLMOS_PLUGIN_ISOLATION"):
        isolation_mode("sandbox")
    assert is_first_party("llmos_files") and not is_first_party("llmos-hello")
    assert not should_isolate("llmos-files", "process") and should_isolate("llmos-hello", "process")


@MODES
def test_example_plugin_hello_loads_and_greets(mode: str) -> None:
    pytest.importorskip("llmos_hello", reason="pip install -e examples/llmos-hello")
    os.environ["LLMOS_PLUGINS"] = "hello"
    host = load_plugins({"hello": {"greeting": "Howdy"}}, isolation=mode)
    try:
        assert host.plugins["hello"].status == "ok"
        call, _ = shell_for(host).call_tool("hello.greet", {"name": "Ada"})
        assert (call.ok, call.output) == (True, "Howdy, Ada!")
        assert call.data == {"greeting": "Howdy", "name": "Ada"}
    finally:
        host.close()
