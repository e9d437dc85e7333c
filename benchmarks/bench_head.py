"""How much the router's learned prior (llmos_shell/routing/head.py) adds, measured honestly.

The shipped head learnt from every development set, so on those sets the router's figures are
in-sample. This benchmark scores each development set with a head trained on the *other*
development sets (leave one set out) and without any head, in the same run; the validation sets
(and, with ``--heldout``, the held-out sets: totals only) are scored with a head trained on all
development sets, which is the shipped one, and without. No model: routing and copied arguments.

    python benchmarks/bench_head.py              # development sets (leave one out) and validation sets
    python benchmarks/bench_head.py --heldout    # ... and the held-out sets' totals

Writes docs/benchmarks/head.json and docs/benchmarks/head.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_router as B  # noqa: E402
from train_tool_head import examples, training_sets  # noqa: E402

OUT_JSON = ROOT / "docs" / "benchmarks" / "head.json"
OUT_MD = ROOT / "docs" / "benchmarks" / "head.md"


def score(router: Any, items: list[dict[str, Any]]) -> dict[str, float]:
    tool = args = 0
    for item in items:
        d = router.route(item["request"])
        t_ok, a_ok = B.score_intent(item, d.tool, d.arguments)
        tool += t_ok
        args += a_ok
    return {"tool": round(100 * tool / len(items), 1), "arguments": round(100 * args / len(items), 1), "n": len(items)}


def _line(row: dict[str, Any], head: str) -> str:
    w, h = row["without"], row["with"]
    return (f"{row['set']:9} without {w['tool']:5.1f}/{w['arguments']:5.1f}   "
            f"with ({head}) {h['tool']:5.1f}/{h['arguments']:5.1f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", action="store_true", help="also score the held-out sets (totals only)")
    args = parser.parse_args()
    import numpy as np

    from llmos_shell.routing import Router
    from llmos_shell.routing.head import HEAD_WEIGHT, train_head
    from llmos_shell.routing.router import DEFAULTS

    work = tempfile.mkdtemp(prefix="llmos-bench-head-")
    for d in B.WORKSPACE_DIRS:
        os.makedirs(os.path.join(work, d))
    os.chdir(work)
    os.environ.setdefault("LLMOS_CACHE_DIR", os.path.join(work, ".cache"))
    t_start = time.time()
    embedder = B.CachedEmbedder()
    specs, source = B.intent_specs()
    dev = training_sets()
    dev_names = [p.stem for p in dev]
    texts: dict[str, list[str]] = {}
    labels: dict[str, list[str]] = {}
    vectors: dict[str, Any] = {}
    for p in dev:
        texts[p.stem], labels[p.stem] = examples([p])
        vectors[p.stem] = np.stack([np.asarray(embedder.query(t), dtype=np.float32).reshape(-1) for t in texts[p.stem]])
    cfg = dict(DEFAULTS)
    plain = Router(specs, embedder=embedder, cache=False, **{**cfg, "head_weight": 0.0})
    with_head = Router(specs, embedder=embedder, cache=False, **{**cfg, "head_weight": HEAD_WEIGHT})

    def head_without(names: list[str]) -> Any:
        keep = [n for n in dev_names if n not in names]
        x = np.concatenate([vectors[n] for n in keep])
        words, ys = [t for n in keep for t in texts[n]], [y for n in keep for y in labels[n]]
        return train_head(x, words, ys, model_id=embedder.model_id, trained_on=keep)

    rows: list[dict[str, Any]] = []
    by_file = {path.stem: key for key, _title, path in B.INTENT_SETS}
    for name in dev_names:
        items = B.load_intents(ROOT / "benchmarks" / "data" / f"{name}.jsonl")
        with_head.index.head = head_without([name])
        row = {"set": by_file.get(name, name), "head": "trained on the other development sets",
               "without": score(plain, items), "with": score(with_head, items)}  # fmt: skip
        rows.append(row)
        print(_line(row, "leave one out"), flush=True)
    with_head.index.head = head_without([])
    fresh = [k for k, _t, _p in B.INTENT_SETS if k.startswith("val") or (args.heldout and k.startswith("heldout"))]
    for key in fresh:
        path = next(p for k, _t, p in B.INTENT_SETS if k == key)
        items = B.load_intents(path)
        row = {"set": key, "head": "trained on all development sets",
               "without": score(plain, items), "with": score(with_head, items)}  # fmt: skip
        rows.append(row)
        print(_line(row, "all dev sets"), flush=True)

    def pooled(selected: list[dict[str, Any]], which: str, field: str) -> float:
        n = sum(r[which]["n"] for r in selected)
        return round(sum(r[which][field] * r[which]["n"] for r in selected) / n, 2) if n else 0.0

    groups = {"development (leave one out)": [r for r in rows if r["set"] not in fresh],
              "validation": [r for r in rows if r["set"].startswith("val")],
              "held-out": [r for r in rows if r["set"].startswith("heldout")]}  # fmt: skip
    summary = {g: {w: {f: pooled(sel, w, f) for f in ("tool", "arguments")} for w in ("without", "with")}
               for g, sel in groups.items() if sel}  # fmt: skip
    for g, s in summary.items():
        print(f"pooled {g}: without {s['without']['tool']}/{s['without']['arguments']}, "
              f"with {s['with']['tool']}/{s['with']['arguments']}")  # fmt: skip
    res = {"date": time.strftime("%Y-%m-%d %H:%M"), "commit": B._commit(), "machine": platform.machine(),
           "head_weight": HEAD_WEIGHT, "tool_source": source, "rows": rows, "pooled": summary,
           "seconds": round(time.time() - t_start)}  # fmt: skip
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    lines = ["# The router's learned prior", "",
             f"Written by `benchmarks/bench_head.py{' --heldout' if args.heldout else ''}` on {res['date']} "
             f"(commit {res['commit']}), no model (tool choice and copied arguments), head weight "
             f"{HEAD_WEIGHT}. Tool / argument accuracy in % without the head and with it, in the same run; "
             "a development set is scored with a head that never saw it.", "",
             "| set | head | without | with |", "| --- | --- | --- | --- |"]  # fmt: skip
    for r in rows:
        lines.append(f"| {r['set']} | {r['head']} | {r['without']['tool']} / {r['without']['arguments']} | "
                     f"{r['with']['tool']} / {r['with']['arguments']} |")  # fmt: skip
    lines += ["", "Pooled (requests of the group together):", ""]
    lines += [f"- {g}: without {s['without']['tool']} / {s['without']['arguments']}, "
              f"with {s['with']['tool']} / {s['with']['arguments']}" for g, s in summary.items()]  # fmt: skip
    OUT_MD.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT_JSON.relative_to(ROOT)} and {OUT_MD.relative_to(ROOT)} ({res['seconds']} s)")


if __name__ == "__main__":
    main()
