"""Train the router's learned prior (llmos_shell/routing/head.py) and write tool_head.npz.

It learns from the development sets only: ``benchmarks/data/intents.jsonl`` and
``intents_dev*.jsonl`` (each line a request and the tool that should handle it, ``null`` for
none). Held-out and validation sets are never read here; the benchmark measures on them.

    python scripts/train_tool_head.py            # writes llmos_shell/routing/tool_head.npz
    python scripts/train_tool_head.py --check    # exit 1 when the shipped file differs from a new training

Training is deterministic (full-batch gradient descent from zero weights); embedding the
~3,600 requests takes about a minute on two cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from llmos_shell.routing.head import HEAD_FILE, NO_TOOL, load_head, train_head  # noqa: E402
from llmos_shell.routing.retrieval import Embedder  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
_DEV = re.compile(r"intents(?:_dev\d+)?\.jsonl")  # intents.jsonl, intents_dev2.jsonl ... never held-out/val


def training_sets(data: Path = DATA) -> list[Path]:
    """The development sets, in a stable order (intents, dev2, dev3, ...)."""
    found = [p for p in data.glob("intents*.jsonl") if _DEV.fullmatch(p.name)]

    def order(p: Path) -> int:
        digits = re.findall(r"\d+", p.stem)
        return int(digits[0]) if digits else 1

    return sorted(found, key=order)


def digest(sets: list[Path]) -> str:
    """sha256 of the sets' names and contents: the shipped head records the data it learnt from."""
    h = hashlib.sha256()
    for path in sets:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def examples(sets: list[Path]) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for path in sets:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                texts.append(item["request"])
                labels.append(item["tool"] or NO_TOOL)
    return texts, labels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HEAD_FILE)
    parser.add_argument("--check", action="store_true", help="compare with the shipped file instead of writing")
    args = parser.parse_args()
    import numpy as np

    sets = training_sets()
    texts, labels = examples(sets)
    embedder = Embedder()
    vectors = np.stack([np.asarray(embedder.query(t), dtype=np.float32).reshape(-1) for t in texts])
    head = train_head(
        vectors, texts, labels, model_id=embedder.model_id, trained_on=[p.stem for p in sets], data_digest=digest(sets)
    )
    train_acc = float(np.mean([max(head.probabilities(v, t).items(), key=lambda kv: kv[1])[0] == y
                               for v, t, y in zip(vectors, texts, labels, strict=True)]))  # fmt: skip
    print(f"{len(texts)} requests from {len(sets)} sets, {len(head.classes)} classes; "
          f"training accuracy {100 * train_acc:.1f}%")  # fmt: skip
    if args.check:
        shipped = load_head(embedder.model_id, args.out)
        same = shipped is not None and shipped.classes == head.classes and shipped.trained_on == head.trained_on \
            and bool(np.allclose(shipped.weights, head.weights, atol=1e-3))  # fmt: skip
        print("shipped head matches" if same else "shipped head differs: run scripts/train_tool_head.py")
        return 0 if same else 1
    head.save(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
