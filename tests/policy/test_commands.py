"""``llmos policy explain``, ``llmos audit show|verify``, ``llmos trust`` and the approval prompt."""

from __future__ import annotations

import io
import json

import typer
from policy_helpers import FILE_NOTES, write
from typer.testing import CliRunner

from llmos_shell.commands.policy_cmd import audit_app, policy_app, trust
from llmos_shell.policy.actions import Decision
from llmos_shell.policy.audit import AuditLog

runner = CliRunner()
cli = typer.Typer()
cli.add_typer(policy_app, name="policy")
cli.add_typer(audit_app, name="audit")


def _trust_app() -> typer.Typer:
    app = typer.Typer()
    app.command()(trust)

    @app.command("noop")
    def noop() -> None:  # a second command keeps typer from collapsing the app
        pass

    return app


def test_policy_explain_text_and_json():
    r = runner.invoke(cli, ["policy", "explain", "system.run", "ls && rm -rf ~/Documents", "--from", "file:notes.txt"])
    assert r.exit_code == 0, r.output
    assert "decision: ask" in r.output and "rule:     shell:destructive" in r.output
    assert "requested after reading untrusted content from notes.txt" in r.output
    r = runner.invoke(cli, ["policy", "explain", "files.read", "../../etc/passwd", "--json"])
    data = json.loads(r.output)
    assert data["decision"] == "deny" and data["rule"] == "boundary"
    r = runner.invoke(cli, ["policy", "explain", "files.write", "path=docs/a.md", "--mode", "yolo", "--json"])
    assert json.loads(r.output)["decision"] == "allow"


def test_policy_explain_reads_user_config(tmp_path):
    (tmp_path / "config" / "llmos.toml").write_text('[policy]\ndeny = ["files.write(path=*.md)"]\n')
    r = runner.invoke(cli, ["policy", "explain", "files.write", "path=a.md", "--json"])
    data = json.loads(r.output)
    assert data["decision"] == "deny" and data["rule"] == "user:deny:files.write(path=*.md)"


def test_audit_show_and_verify():
    log = AuditLog.default()
    log.record(tool="files.read", arguments={"path": "a", "note": "password=hunter2"}, decision="allow", rule="r")
    log.record(tool="system.run", arguments={"command": "rm -rf x"}, decision="deny", rule="shell:destructive")
    r = runner.invoke(cli, ["audit", "show"])
    assert "files.read" in r.output and "deny" in r.output and "hunter2" not in r.output
    r = runner.invoke(cli, ["audit", "show", "--json", "-n", "1"])
    assert json.loads(r.output)["tool"] == "system.run"
    r = runner.invoke(cli, ["audit", "verify"])
    assert r.exit_code == 0 and "ok: 2 records" in r.output
    log.path.write_text(log.path.read_text().replace("rm -rf x", "ls"))
    r = runner.invoke(cli, ["audit", "verify"])
    assert r.exit_code == 1 and "hash mismatch" in r.output


def test_trust_command(tmp_path):
    app = _trust_app()
    ws = tmp_path / "work"
    r = runner.invoke(app, ["trust", str(ws)])
    assert r.exit_code == 0 and "trusted:" in r.output
    r = runner.invoke(app, ["trust", "--list"])
    assert str(ws.resolve()) in r.output
    r = runner.invoke(app, ["trust", "--remove", str(ws)])
    assert "no longer trusted" in r.output
    assert "no trusted folders" in runner.invoke(app, ["trust", "--list"]).output


def test_approval_prompt_answers(make_engine):
    from rich.console import Console

    from llmos_shell.ui.approval import interactive_approver

    action = write("docs/a.md", "\x1b]52;c;ZXZpbA==\x07hello [bold]x[/bold]", FILE_NOTES)
    verdict = make_engine().decide(action)
    assert verdict.decision is Decision.ASK
    for typed, expected in ((["y"], "once"), (["a"], "session"), (["n"], "deny"), (["?", "?", "?"], "deny")):
        buf = io.StringIO()
        answers = iter(typed)
        approver = interactive_approver(console=Console(file=buf, width=100, color_system=None),
                                        input_fn=lambda prompt, it=answers: next(it))  # fmt: skip
        assert approver(action, verdict) == expected
        shown = buf.getvalue()
        assert "\x1b]52" not in shown and "[bold]x[/bold]" in shown
        assert "why asked" in shown and "docs/a.md" in shown

    def eof(prompt):
        raise EOFError

    assert interactive_approver(console=Console(file=io.StringIO()), input_fn=eof)(action, verdict) == "deny"
    assert interactive_approver(yes=True)(action, verdict) == "once"
