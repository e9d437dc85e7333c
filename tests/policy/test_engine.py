"""Engine behaviour: rule syntax, precedence, modes, session approvals, fail closed, J5."""

from __future__ import annotations

import os

import pytest
from policy_helpers import read, run, write

from llmos_shell.errors import ConfigError
from llmos_shell.policy import engine as engine_mod
from llmos_shell.policy.actions import Action, Decision, Provenance, Vote, action_for
from llmos_shell.policy.config import PolicyConfig, check_file_permissions, load_policy_file, parse_rule
from llmos_shell.policy.trust import TrustStore
from llmos_shell.tools import make_tool


def test_rule_syntax_errors_name_the_rule():
    for bad in ["", "files.read(", "system.run:", "files.read()", "bad name"]:
        with pytest.raises(ValueError):
            parse_rule(bad)
    with pytest.raises(ValueError, match="invalid rule"):
        PolicyConfig(allow=["files.read("])


def test_path_rules(make_engine, ws_dir):
    engine = make_engine({"allow": ["files.write(path=docs/**)", "files.read(*.txt)"], "deny": ["files.read(secret*)"]})
    assert engine.decide(write("docs/a/b.md")).decision is Decision.ALLOW
    assert engine.decide(write("docs/../notes.txt")).decision is Decision.ASK  # normalised before matching
    assert engine.decide(write("other.md")).decision is Decision.ASK
    assert engine.decide(read("notes.txt")).decision is Decision.ALLOW
    assert engine.decide(read("docs/a.txt")).decision is Decision.ASK  # * stays in one directory
    v = engine.decide(read("secret.txt"))
    assert v.decision is Decision.DENY and v.rule == "user:deny:files.read(secret*)"


def test_absolute_and_home_globs(make_engine, ws_dir):
    engine = make_engine({"allow": [f"files.write(path={ws_dir}/docs/*)"]})
    assert engine.decide(write("docs/x.md")).decision is Decision.ALLOW


def test_non_path_argument_rules(make_engine):
    engine = make_engine({"allow": ["mail.send(to=*@example.com)"]})
    ok = Action("mail.send", {"to": "bob@example.com"}, frozenset({"network"}))
    bad = Action("mail.send", {"to": "bob@evil.com"}, frozenset({"network"}))
    assert engine.decide(ok).decision is Decision.ALLOW
    assert engine.decide(bad).decision is Decision.ASK


def test_command_rule_forms(make_engine):
    engine = make_engine({"allow": ["system.run(git status)", "system.run(npm run test:*)", "system.run:make"]})
    assert engine.decide(run("git status")).decision is Decision.ALLOW
    assert engine.decide(run("git status -s")).decision is Decision.ASK  # exact form
    assert engine.decide(run("npm run test -- -k x")).decision is Decision.ALLOW
    assert engine.decide(run("make all")).decision is Decision.ALLOW
    assert engine.decide(run("makefoo")).decision is Decision.ASK


def test_deny_beats_ask_beats_allow_across_sources(make_engine):
    def votes(action):
        return [Vote(Decision.ASK, "plugin is cautious", "plugin:x")] if action.tool == "files.read" else []

    engine = make_engine({"allow": ["files.*"], "deny": ["files.write(path=*.key)"]}, {"ask": ["files.write"]},
                         trusted=True, votes=votes)  # fmt: skip
    assert engine.decide(write("a.key")).decision is Decision.DENY
    v = engine.decide(write("a.md"))
    assert v.decision is Decision.ASK and v.rule == "project:ask:files.write"
    assert engine.decide(read("notes.txt")).rule == "plugin:x"


def test_plugin_allow_cannot_loosen_and_failures_deny(make_engine):
    allow_all = make_engine(votes=lambda a: [Vote(Decision.ALLOW, "plugin says fine", "p")])
    assert allow_all.decide(write("docs/x")).decision is Decision.ASK

    def boom(action):
        raise RuntimeError("plugin bug")

    v = make_engine({"allow": ["files.read"]}, votes=boom).decide(read("notes.txt"))
    assert v.decision is Decision.DENY and "plugin bug" in v.reason
    v = make_engine({"allow": ["files.read"]}, votes=lambda a: ["not a vote"]).decide(read("notes.txt"))
    assert v.decision is Decision.DENY


def test_internal_error_fails_closed(make_engine, monkeypatch):
    def broken(cmd):
        raise RuntimeError("classifier exploded")

    monkeypatch.setattr(engine_mod, "classify_command", broken)
    v = make_engine({"allow": ["system.run"]}, mode="yolo").decide(run("ls"))
    assert v.decision is Decision.DENY and v.rule == "policy-error" and "classifier exploded" in v.reason


def test_modes(make_engine):
    default = make_engine()
    assert default.decide(read("notes.txt")).decision is Decision.ASK
    assert default.decide(write("docs/a")).decision is Decision.ASK
    auto = make_engine({"mode": "auto"})
    assert auto.decide(read("notes.txt")).decision is Decision.ALLOW
    assert auto.decide(write("docs/a")).decision is Decision.ASK
    ro = make_engine({"mode": "read-only", "allow": ["files.write", "system.run"]})
    assert ro.decide(read("notes.txt")).decision is Decision.ALLOW
    assert ro.decide(write("docs/a")).decision is Decision.DENY
    assert ro.decide(run("ls")).decision is Decision.DENY
    yolo = make_engine(mode="yolo")
    assert yolo.decide(write("docs/a")).decision is Decision.ALLOW
    assert yolo.decide(run("ls")).decision is Decision.ALLOW
    assert yolo.decide(run("rm -rf x")).decision is Decision.ASK  # floors stay
    assert make_engine({"deny": ["files.write"]}, mode="yolo").decide(write("docs/a")).decision is Decision.DENY
    with pytest.raises(ValueError):
        make_engine(mode="autonomous")


def test_unknown_effects_are_treated_as_all(make_engine):
    v = make_engine({"mode": "auto"}).decide(Action("mystery.tool", {}))
    assert v.decision is Decision.ASK and "unknown effects" in v.reason
    v = make_engine({"mode": "read-only"}).decide(Action("mystery.tool", {}))
    assert v.decision is Decision.DENY


def test_session_allow(make_engine):
    engine = make_engine()
    engine.remember_session_allow(run("make test"))
    assert engine.decide(run("make test")).decision is Decision.ALLOW
    assert engine.decide(run("make test")).rule == "session"
    assert engine.decide(run("make deploy")).decision is Decision.ASK
    engine.remember_session_allow(run("rm -rf build"))
    assert engine.decide(run("rm -rf build")).decision is Decision.ASK  # destructive floor


def test_action_for_tool():
    def write_file(path: str, content: str) -> str:
        """Write a file."""
        return "ok"

    tool = make_tool(write_file, name="files.write", effects=("write",), path_args=("path",))
    a = action_for(tool, {"path": "a.txt", "content": "x"}, [Provenance("file", "n.txt")])
    assert a.paths == ("a.txt",) and a.effects == frozenset({"write"}) and a.untrusted_context
    assert Action("system.run", {"cmd": ["ls", "-l"]}, frozenset({"execute"})).command == "ls -l"
    assert Action("files.read", {"command": "x"}, frozenset({"read"})).command is None


def test_explain_lists_votes_and_segments(make_engine):
    text = make_engine({"allow": ["system.run(ls*)"]}).decide(run("ls && rm -rf x")).explain()
    assert "decision: ask" in text and "rule:     shell:destructive" in text
    assert "rm -rf x  -> ask" in text


def test_j5_world_writable_config_refused(tmp_path):
    cfg = tmp_path / "config" / "llmos.toml"
    cfg.write_text('[policy]\nallow = ["*"]\n')
    os.chmod(cfg, 0o666)
    with pytest.raises(ConfigError, match="writable by every user") as err:
        load_policy_file(cfg)
    assert err.value.exit_code == 2 and "chmod go-w" in (err.value.hint or "")
    os.chmod(cfg, 0o644)
    assert load_policy_file(cfg).allow == ["*"]


def test_j5_foreign_owner_refused(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("chown to another user needs root")
    cfg = tmp_path / "config" / "llmos.toml"
    cfg.write_text("[policy]\n")
    os.chmod(cfg, 0o644)
    os.chown(cfg, 12345, 12345)
    assert "owned by uid 12345" in check_file_permissions(cfg)
    with pytest.raises(ConfigError, match="owned by uid 12345"):
        load_policy_file(cfg)


def test_j5_group_writable_with_shared_group_refused(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("chgrp to a shared group needs root")
    cfg = tmp_path / "config" / "llmos.toml"
    cfg.write_text("[policy]\n")
    os.chmod(cfg, 0o664)
    os.chown(cfg, 0, 12345)
    assert "writable by group" in check_file_permissions(cfg)


def test_j5_insecure_trust_file_trusts_nothing(tmp_path, ws_dir):
    store = TrustStore()
    store.add(ws_dir)
    assert store.is_trusted(ws_dir / "docs") and os.stat(store.path).st_mode & 0o777 == 0o600
    os.chmod(store.path, 0o666)
    fresh = TrustStore()
    assert not fresh.is_trusted(ws_dir)
    assert fresh.warnings and "writable by every user" in fresh.warnings[0]


def test_trust_store_add_remove(tmp_path, ws_dir):
    store = TrustStore()
    assert store.list() == []
    assert store.add(ws_dir) == str(ws_dir.resolve())
    assert store.is_trusted(ws_dir) and not store.is_trusted(tmp_path)
    assert store.remove(ws_dir) and not store.is_trusted(ws_dir)
    assert not store.remove(ws_dir)
