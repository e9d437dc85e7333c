"""Start-up and one-shot latency of the `llmos` command, each against a bare Python start in the same run.

Measures (medians over repeats, new process each time):
- `python -c pass` (the floor any Python CLI pays), `llmos --version`, `llmos --help`;
- one-shot `llmos run --json "read notes.txt"` on the default model, split by the timings llmos
  reports (model load, routing, tools, generation) plus process start-up (wall minus total).

    python benchmarks/bench_startup.py [--repeats 9] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import median, write_result

LLMOS = [sys.executable, "-m", "llmos_shell"]


def wall(cmd: list[str], env: dict[str, str], cwd: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)
    return time.perf_counter() - t0, out.stdout


def session_rss(env: dict[str, str], cwd: str) -> dict[str, float]:
    """Peak RSS of an interactive session (stdin piped) answering three requests, vs the model file size."""
    from llmos_shell.kernel.catalog import shipped_model_path

    requests = "What is the capital of France?\nread notes.txt\nremember that the demo is on Friday\n"
    # wait4 gives this one process's peak (RUSAGE_CHILDREN would be the largest of every child so far)
    proc = subprocess.Popen(LLMOS, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env, cwd=cwd, text=True)  # fmt: skip
    assert proc.stdin is not None
    proc.stdin.write(requests)
    proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"the interactive session failed (exit {proc.returncode})")
    model = shipped_model_path()
    model_mb = model.stat().st_size / 2**20 if model else float("nan")
    peak_mb = usage.ru_maxrss / 1024
    return {"peak_rss_mb": round(peak_mb, 1), "model_file_mb": round(model_mb, 1),
            "over_model_mb": round(peak_mb - model_mb, 1), "target_over_model_mb": 250}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=9)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "LLMOS_CONFIG_DIR": f"{tmp}/c", "LLMOS_DATA_DIR": f"{tmp}/d",
               "LLMOS_CACHE_DIR": f"{tmp}/k", "LLMOS_NO_LOG": "1"}  # fmt: skip
        work = Path(tmp) / "work"
        work.mkdir()
        (work / "notes.txt").write_text("Buy milk. Call Ada at 5pm about the llmos demo.\n")
        results: dict[str, float] = {}
        for name, cmd in (("python -c pass", [sys.executable, "-c", "pass"]),
                          ("llmos --version", [*LLMOS, "--version"]),
                          ("llmos --help", [*LLMOS, "--help"])):  # fmt: skip
            results[name] = median([wall(cmd, env, str(work))[0] for _ in range(args.repeats)])
        wall(["true"], env, str(work))
        runs = []
        wall([*LLMOS, "run", "--json", "read notes.txt"], env, str(work))  # warm the phrase-vector cache
        for _ in range(args.runs):
            seconds, out = wall([*LLMOS, "run", "--json", "read notes.txt"], env, str(work))
            data = json.loads(out)
            t = data["timings"]
            runs.append({"wall": seconds, "process_start": seconds - t.get("process", seconds),
                         "model_load": t.get("model_load", 0.0), "routing": t.get("routing", 0.0),
                         "tools": t.get("tools", 0.0), "generation": t.get("generation", 0.0),
                         "tool": (data["tool_calls"] or [{}])[0].get("tool")})  # fmt: skip
        oneshot = {k: median([r[k] for r in runs]) for k in runs[0] if k != "tool"}
        rss = session_rss(env, str(work))
        oneshot_tools = sorted({str(r["tool"]) for r in runs})
    print(f"{'command':32} {'median s':>9}")
    for name, value in results.items():
        print(f"{name:32} {value:9.3f}")
    print(f"llmos --help over bare python: {results['llmos --help'] / results['python -c pass']:.1f}x "
          f"(target: --help < 0.3 s)")  # fmt: skip
    print('one-shot `llmos run "read notes.txt"` (median of', args.runs, "runs), tool:", ", ".join(oneshot_tools))
    for key, value in oneshot.items():
        print(f"  {key:14} {value:7.3f} s")
    print(f"interactive session peak RSS {rss['peak_rss_mb']} MB; model file {rss['model_file_mb']} MB; "
          f"over the model: {rss['over_model_mb']} MB (target < 250 MB)")  # fmt: skip
    targets = {"help_s": 0.3, "oneshot_s": 1.5}
    dest = write_result(
        "startup",
        {
            "commands": results,
            "oneshot_read_notes": oneshot,
            "oneshot_tool": oneshot_tools,
            "session_rss": rss,
            "targets": targets,
        },
    )
    print(f"wrote {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
