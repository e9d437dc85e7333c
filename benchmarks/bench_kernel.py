"""Kernel overhead: tokens/s through llmos's llama_cpp backend vs raw llama-cpp-python.

Same model file, threads, context and sampling; runs are interleaved (raw, llmos, raw, ...) and the
KV cache is cleared before each so prompt evaluation is measured in full. Prints medians and the
ratio llmos/raw for prompt and generation speed (target >= 0.95) and writes
docs/benchmarks/kernel.json.

    python benchmarks/bench_kernel.py [--repeats 7] [--tokens 128]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import median, write_result

PROMPT = ("You are a helpful assistant.", "Write a detailed explanation of how a bicycle works, covering the frame, "
          "wheels, gears, brakes and chain, with examples of maintenance for each part.")  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--tokens", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    from llama_cpp import Llama

    from llmos_shell.config import ModelSettings
    from llmos_shell.kernel.catalog import shipped_model_path
    from llmos_shell.kernel.llama_cpp import LlamaCppKernel, kv_cache_options

    path = shipped_model_path()
    assert path is not None, "the shipped model is not installed"
    # the persisted prefix cache is off: both sides evaluate the whole prompt
    settings = ModelSettings(
        n_ctx=2048, n_threads=args.threads, temperature=0.0, max_tokens=args.tokens, prompt_cache=False
    )
    kernel = LlamaCppKernel(path, settings)
    # the same KV cache type on both sides (model.kv_cache), so only llmos's own code differs
    raw = Llama(model_path=str(path), n_ctx=2048, n_threads=args.threads, n_batch=512, seed=0, verbose=False,
                **kv_cache_options(settings.kv_cache))  # fmt: skip
    messages = [{"role": "system", "content": PROMPT[0]}, {"role": "user", "content": PROMPT[1]}]
    tokens, stops = kernel.render(messages)

    def run_raw() -> tuple[float, float, int]:
        raw.reset()
        t0 = time.perf_counter()
        first = None
        n = 0
        for chunk in raw.create_completion(prompt=tokens, max_tokens=args.tokens, temperature=0.0, stop=stops,
                                           stream=True, seed=0, repeat_penalty=1.15):  # fmt: skip
            if first is None:
                first = time.perf_counter()
            if chunk["choices"][0].get("text"):
                n += 1
        end = time.perf_counter()
        return (first or end) - t0, end - (first or end), n

    def run_llmos() -> tuple[float, float, int]:
        kernel.llama.reset()
        for _ in kernel.chat(messages, max_tokens=args.tokens, temperature=0.0):
            pass
        s = kernel.stats
        return s.prompt_seconds, s.generation_seconds, s.completion_tokens

    run_raw(), run_llmos()  # warm-up
    rows: dict[str, list[tuple[float, float, int]]] = {"raw": [], "llmos": []}
    for _ in range(args.repeats):
        rows["raw"].append(run_raw())
        rows["llmos"].append(run_llmos())
    n_prompt = len(tokens)
    out: dict[str, dict[str, float]] = {}
    for name, runs in rows.items():
        out[name] = {
            "prompt_tps": median([n_prompt / p for p, _, _ in runs]),
            "generation_tps": median([(n - 1) / g for _, g, n in runs if g > 0]),
            "tokens_generated": median([float(n) for _, _, n in runs]),
        }
    ratio = {k: out["llmos"][k] / out["raw"][k] for k in ("prompt_tps", "generation_tps")}
    print(f"model {path.name}, {args.threads} threads, prompt {n_prompt} tokens, {args.repeats} interleaved runs")
    print(f"{'':10} {'prompt tok/s':>14} {'gen tok/s':>10}")
    for name in ("raw", "llmos"):
        print(f"{name:10} {out[name]['prompt_tps']:14.1f} {out[name]['generation_tps']:10.1f}")
    print(f"{'ratio':10} {ratio['prompt_tps']:14.3f} {ratio['generation_tps']:10.3f}   (target >= 0.95)")
    dest = write_result("kernel", {"prompt_tokens": n_prompt, "repeats": args.repeats, "results": out,
                                   "ratio_llmos_over_raw": ratio, "target_ratio": 0.95})  # fmt: skip
    print(f"wrote {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
