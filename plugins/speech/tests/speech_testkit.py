"""Helpers for the llmos-speech tests."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def espeak(text: str, out: Path, *, speed: int | None = None) -> Path:
    argv = ["espeak-ng", "-v", "en-us", "-w", str(out)]
    if speed:
        argv += ["-s", str(speed)]
    subprocess.run([*argv, "--", text], check=True, capture_output=True)
    return out


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]", " ", text.lower()).split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref, hyp = words(reference), words(hypothesis)
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i]
        for j, h in enumerate(hyp, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h)))
        prev = cur
    return prev[-1] / max(len(ref), 1)
