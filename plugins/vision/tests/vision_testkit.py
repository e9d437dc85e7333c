"""Helpers for the llmos-vision tests (not a conftest, so test directories of other plugins cannot clash)."""

from __future__ import annotations

from pathlib import Path

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian fonts-dejavu-core
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)


def font_path() -> str | None:
    for p in FONT_CANDIDATES:
        if Path(p).is_file():
            return p
    try:  # matplotlib ships DejaVu too, if it happens to be installed
        import matplotlib

        p = Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf"
        if p.is_file():
            return str(p)
    except ImportError:
        pass
    return None


def render_text(path: Path, lines: list[str], *, size: int = 28, width: int = 900) -> Path:
    """Black text on white, one line per entry, with a TrueType font."""
    from PIL import Image, ImageDraw, ImageFont

    fp = font_path()
    font = ImageFont.truetype(fp, size) if fp else ImageFont.load_default(size=size)
    step = int(size * 1.8)
    im = Image.new("RGB", (width, 40 + step * len(lines)), "white")
    draw = ImageDraw.Draw(im)
    for i, line in enumerate(lines):
        draw.text((24, 20 + i * step), line, font=font, fill="black")
    im.save(path)
    return path


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def char_accuracy(reference: str, hypothesis: str) -> float:
    """1 - CER, whitespace normalised (line breaks and runs of spaces count as one space)."""
    ref = " ".join(reference.split())
    hyp = " ".join(hypothesis.split())
    return max(0.0, 1 - edit_distance(ref, hyp) / max(len(ref), 1))
