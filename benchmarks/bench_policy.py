"""Benchmark: time of ``PolicyEngine.decide`` + ``AuditLog.record`` per tool call.

Runs a mix of realistic actions (reads, writes, protected writes, shell
commands, untrusted provenance) against a temporary workspace and audit log,
and a no-op baseline (a function call that returns a constant) in the same run.
Prints median and p95 per call and writes docs/benchmarks/policy.json.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_policy.py [--calls 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from llmos_shell.policy.actions import Action, Provenance
from llmos_shell.policy.audit import AuditLog
from llmos_shell.policy.boundary import Workspace
from llmos_shell.policy.config import PolicyConfig
from llmos_shell.policy.engine import PolicyEngine

ROOT = Path(__file__).resolve().parent.parent


def _actions() -> list[Action]:
    user = (Provenance("user"),)
    untrusted = (Provenance("user"), Provenance("file", "notes.txt"))
    return [
        Action("files.read", {"path": "notes.txt"}, frozenset({"read"}), ("notes.txt",), user),
        Action("files.read", {"path": "docs/a/b.md"}, frozenset({"read"}), ("docs/a/b.md",), user),
        Action(
            "files.write", {"path": "docs/out.md", "content": "x" * 200}, frozenset({"write"}), ("docs/out.md",), user
        ),
        Action("files.write", {"path": ".git/config", "content": "x"}, frozenset({"write"}), (".git/config",), user),
        Action("files.read", {"path": "../../etc/passwd"}, frozenset({"read"}), ("../../etc/passwd",), user),
        Action("system.run", {"command": "git status --short"}, frozenset({"execute"}), (), user),
        Action("system.run", {"command": "ls -la && rm -rf build"}, frozenset({"execute"}), (), untrusted),
        Action("web.fetch", {"url": "https://example.com"}, frozenset({"network"}), (), untrusted),
    ]


def _time(fn, items, n: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    k = len(items)
    for i in range(n):
        item = items[i % k]
        t0 = time.perf_counter_ns()
        fn(item)
        out.append((time.perf_counter_ns() - t0) / 1000.0)
    return out


def _stats(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {
        "median_us": round(statistics.median(s), 2),
        "p95_us": round(s[int(len(s) * 0.95)], 2),
        "mean_us": round(statistics.fmean(s), 2),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks" / "policy.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws_dir = Path(tmp) / "ws"
        (ws_dir / "docs" / "a").mkdir(parents=True)
        (ws_dir / ".git").mkdir()
        (ws_dir / "notes.txt").write_text("hello")
        (ws_dir / "docs" / "a" / "b.md").write_text("b")
        user = PolicyConfig(
            allow=["files.read", "files.write(path=docs/**)", "system.run(git status*)", "system.run(ls*)"],
            deny=["files.write(path=*.key)"],
        )
        engine = PolicyEngine(user, None, project_trusted=False, workspace=Workspace(ws_dir))
        audit = AuditLog(Path(tmp) / "data" / "audit.jsonl")
        actions = _actions()

        def baseline(action: Action) -> object:
            return action.tool

        def decide(action: Action) -> object:
            return engine.decide(action)

        def decide_and_audit(action: Action) -> object:
            v = engine.decide(action)
            audit.record(action, decision=v.decision.value, rule=v.rule, mode=v.mode, reason=v.reason, outcome="bench")
            return v

        for fn in (baseline, decide, decide_and_audit):  # warm caches (shell parse, glob regexes)
            _time(fn, actions, 200)
        results = {
            "baseline_noop": _stats(_time(baseline, actions, args.calls)),
            "decide": _stats(_time(decide, actions, args.calls)),
            "decide_plus_audit": _stats(_time(decide_and_audit, actions, args.calls)),
        }
        ok, problems = audit.verify()
        assert ok, problems
    overhead = results["decide_plus_audit"]["median_us"] - results["baseline_noop"]["median_us"]
    report = {
        "benchmark": "policy decide (+ audit record) per tool call",
        "calls": args.calls,
        "actions": [f"{a.tool} {json.dumps(a.arguments)[:60]}" for a in actions],
        "results": results,
        "median_overhead_us": round(overhead, 2),
        "goal": "median overhead < 1000 us",
        "goal_met": overhead < 1000,
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count()},
        "note": "shell commands are parsed once and cached (lru_cache), as in a session that repeats commands",
    }
    for name, st in results.items():
        print(f"{name:18} median {st['median_us']:8.1f} us   p95 {st['p95_us']:8.1f} us   mean {st['mean_us']:8.1f} us")
    print(f"median overhead per call (decide + audit - baseline): {overhead:.1f} us; goal < 1000 us: "
          f"{'met' if overhead < 1000 else 'NOT met'}")  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0 if overhead < 1000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
