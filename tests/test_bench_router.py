"""The router benchmark's bookkeeping: sections kept from an earlier run name the run that measured them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location("bench_router", ROOT / "benchmarks" / "bench_router.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sections_kept_from_the_last_run_keep_its_commit() -> None:
    bench = _bench()
    last = {
        "commit": "aaaaaaa",
        "date": "2026-12-02",
        "router_config": {"k": 3},
        "intents": {"router": {}},
        "dev5": {"commit": "bbbbbbb", "date": "2026-12-01", "router": {}},
    }
    kept = bench._carried_over(last)
    assert kept["intents"]["commit"] == "aaaaaaa" and kept["intents"]["date"] == "2026-12-02"
    assert kept["dev5"]["commit"] == "bbbbbbb"  # a section with its own stamp keeps it
    assert "commit" not in kept["router_config"]
    run = {**kept, "commit": "ccccccc", "date": "2026-12-04"}
    assert bench._stamp(kept["intents"], run) == ["Measured on commit aaaaaaa, 2026-12-02.", ""]
    assert bench._stamp({"commit": "ccccccc", "date": "2026-12-04"}, run) == []
