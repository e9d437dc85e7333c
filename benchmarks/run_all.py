"""Run every benchmark, then write docs/benchmarks.md (tables + PNG plots) from their JSON results.

    python benchmarks/run_all.py            # full runs (long: the memory benchmark builds a 100k index)
    python benchmarks/run_all.py --quick    # every benchmark in its quick mode (about 5 minutes)
    python benchmarks/run_all.py --report   # only rebuild docs/benchmarks.md from existing results

Every figure is a median over repeated runs with its baseline measured in the same run; the load
average at the start of each run is recorded, because these machines are shared.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = ROOT / "docs" / "benchmarks"

# name -> (script, quick arguments, full arguments)
SUITE: dict[str, tuple[str, list[str], list[str]]] = {
    "startup": ("bench_startup.py", ["--repeats", "7", "--runs", "3"], ["--repeats", "15", "--runs", "7"]),
    "kernel": ("bench_kernel.py", ["--repeats", "5"], ["--repeats", "11"]),
    "policy": ("bench_policy.py", ["--calls", "5000"], []),
    "router": ("bench_router.py", ["--quick"], []),
    "head": ("bench_head.py", [], ["--heldout"]),
    "memory": ("bench_memory.py", ["--quick"], []),
    "retrieval": ("bench_retrieval.py", ["--limit", "20"], []),
    "media": ("bench_media.py", ["--quick"], []),
}


def run(names: list[str], quick: bool) -> dict[str, dict[str, Any]]:
    status: dict[str, dict[str, Any]] = {}
    for name in names:
        script, quick_args, full_args = SUITE[name]
        cmd = [sys.executable, str(HERE / script), *(quick_args if quick else full_args)]
        print(f"\n=== {name}: {' '.join(cmd[1:])}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, text=True, capture_output=True)
        seconds = time.perf_counter() - t0
        sys.stdout.write(proc.stdout[-6000:])
        if proc.returncode != 0:
            sys.stdout.write(proc.stderr[-3000:])
        status[name] = {"exit_code": proc.returncode, "seconds": round(seconds, 1), "stdout": proc.stdout[-6000:]}
    return status


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _bar(
    path: Path, title: str, labels: list[str], values: list[float], ylabel: str, target: float | None = None
) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(6, 3.2), dpi=110)
    ax.bar(labels, values, color=["#7a8ca3", "#2f6db5", "#49a078", "#d1913c", "#a05195"][: len(values)])
    if target is not None:
        ax.axhline(target, color="#c0392b", linestyle="--", linewidth=1, label=f"target {target:g}")
        ax.legend(loc="best", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(ylabel)
    for i, v in enumerate(values):
        ax.annotate(f"{v:.3g}", (i, v), ha="center", va="bottom", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def report(status: dict[str, dict[str, Any]] | None = None) -> Path:
    lines = ["# Benchmarks", "",
             "Written by `python benchmarks/run_all.py` (`--quick` for the five-minute version). Every figure is",
             "a median over repeated runs, with its baseline measured in the same run; the JSON files beside this",
             "page hold every number and the machine's load average when the run started (these machines are",
             "shared, so absolute times vary; the ratios are what to compare).", ""]  # fmt: skip
    startup, kernel = _load("startup"), _load("kernel")
    if startup:
        c = startup["commands"]
        lines += ["## Start-up and one-shot", "", "| command | median s |", "| --- | --- |"]
        lines += [f"| `{k}` | {v:.3f} |" for k, v in c.items()]
        o = startup.get("oneshot_read_notes", {})
        if o:
            tool = startup.get("oneshot_tool")
            lines += ["", f'One-shot `llmos run "read notes.txt"` (new process, tool {tool}):', ""]
            lines += ["| part | median s |", "| --- | --- |"]
            lines += [f"| {k} | {v:.3f} |" for k, v in o.items()]
        rss = startup.get("session_rss")
        if rss:
            lines += [
                "",
                f"Interactive session peak RSS: {rss['peak_rss_mb']} MB for a {rss['model_file_mb']} MB model file "
                f"({rss['over_model_mb']} MB over the model; target < 250 MB).",
            ]
        if _bar(RESULTS / "startup.png", "Start-up (median seconds)", list(c), list(c.values()), "seconds", 0.3):
            lines += ["", "![start-up](benchmarks/startup.png)"]
        lines.append("")
    if kernel:
        r, ratio = kernel["results"], kernel["ratio_llmos_over_raw"]
        lines += ["## Kernel overhead (llmos vs raw llama-cpp-python)", "",
                  "| | prompt tok/s | generation tok/s |", "| --- | --- | --- |",
                  f"| raw llama-cpp-python | {r['raw']['prompt_tps']:.1f} | {r['raw']['generation_tps']:.1f} |",
                  f"| llmos | {r['llmos']['prompt_tps']:.1f} | {r['llmos']['generation_tps']:.1f} |",
                  f"| ratio | {ratio['prompt_tps']:.3f} | {ratio['generation_tps']:.3f} |", ""]  # fmt: skip
        if _bar(RESULTS / "kernel.png", "llmos / raw llama-cpp-python", ["prompt", "generation"],
                [ratio["prompt_tps"], ratio["generation_tps"]], "ratio", 0.95):  # fmt: skip
            lines += ["![kernel](benchmarks/kernel.png)", ""]
    for name, title in (("router", "Routing"), ("head", "Routing: the learned prior"), ("memory", "Memory"),
                        ("retrieval", "Retrieval"),
                        ("media", "Vision and speech"), ("policy", "Policy")):  # fmt: skip
        md = RESULTS / f"{name}.md"
        data = _load(name)
        if md.exists():
            body = md.read_text().strip().splitlines()
            if body and body[0].startswith("# "):
                body = body[1:]
            lines += [f"## {title}", "", *body, ""]
            if name == "router" and data and data.get("latency"):
                sizes = [n for n in data["latency"] if n.isdigit()]  # the rest is the section's commit and date
                if _bar(RESULTS / "router.png", "Median route latency by number of tools (ms)",
                        [f"{n} tools" for n in sizes], [data["latency"][n]["median_route_ms"] for n in sizes],
                        "ms", 500):  # fmt: skip
                    lines += ["![routing latency](benchmarks/router.png)", ""]
        elif data is not None:
            lines += [f"## {title}", "", f"Results: [{name}.json](benchmarks/{name}.json)", ""]
    if status:
        lines += ["## Last run", "", "| benchmark | exit code | seconds |", "| --- | --- | --- |"]
        lines += [f"| {k} | {v['exit_code']} | {v['seconds']} |" for k, v in status.items()]
    out = ROOT / "docs" / "benchmarks.md"
    out.write_text("\n".join(lines) + "\n")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--report", action="store_true", help="only rebuild docs/benchmarks.md")
    ap.add_argument("--only", nargs="*", choices=sorted(SUITE), help="run only these")
    args = ap.parse_args()
    status = None if args.report else run(args.only or list(SUITE), args.quick)
    path = report(status)
    print(f"\nwrote {path.relative_to(ROOT)}")
    return 0 if not status or all(s["exit_code"] == 0 for s in status.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
