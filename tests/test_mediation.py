"""SEC-1 complete mediation: every registered tool, in every mode, yields exactly one audit record with a decision."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from llmos_shell.app import Options, build_policy
from llmos_shell.config import ConfigSources, Settings
from llmos_shell.kernel.scripted import ScriptedKernel
from llmos_shell.plugins import load_plugins
from llmos_shell.shell import Shell

FIRST_PARTY = ("files", "retrieval", "system", "vision", "speech", "memory")


def sample_arguments(schema: dict[str, Any]) -> dict[str, Any]:
    values = {"string": "nothing-here.txt", "integer": 1, "number": 1.0, "boolean": False, "array": [], "object": {}}
    props = schema.get("properties", {})
    return {name: values.get(str(props[name].get("type", "string")), "x") for name in schema.get("required", [])}


@pytest.mark.parametrize("mode", ["default", "read-only", "auto", "yolo"])
def test_every_tool_in_every_mode_is_decided_and_audited_once(isolated: Path, mode: str) -> None:
    host = load_plugins(entry_points=True)
    missing = [p for p in FIRST_PARTY if p not in host.plugins or host.plugins[p].status != "ok"]
    assert not missing, f"first-party plugins not loaded: {missing}"
    settings = Settings.model_validate({"router": {"enabled": False}, "shell": {"tool_timeout": 30}})
    engine, approver, audit = build_policy(settings, ConfigSources(), Options(mode=mode), host)
    shell = Shell(settings, kernel=ScriptedKernel(), host=host, policy=engine, approver=approver, audit=audit)
    audit_file = Path(os.environ["LLMOS_DATA_DIR"]) / "audit.jsonl"
    try:
        for name, tool in sorted(host.tools.items()):
            before = audit_file.read_text().count("\n") if audit_file.exists() else 0
            call, _ = shell.call_tool(name, sample_arguments(tool.schema()))
            records = audit_file.read_text().splitlines()[before:]
            assert len(records) == 1, (name, mode, call.output)
            rec = json.loads(records[0])
            assert rec["tool"] == name and rec["decision"] in ("allow", "ask", "deny") and rec["rule"]
            if mode == "read-only" and tool.side_effects:
                assert rec["decision"] == "deny" and not call.ok, name
            if mode in ("default", "auto") and tool.side_effects and not rec["rule"].startswith("user:allow"):
                assert not call.ok, f"{name} ran without approval in {mode} mode"  # only a rule lets it run
    finally:
        host.close()
    assert audit.verify()[0]
