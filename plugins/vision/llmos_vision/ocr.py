"""OCR backends: tesseract (Debian ``tesseract-ocr`` through pytesseract) and rapidocr (pure pip).

Both return an :class:`OcrResult`: lines in reading order (block, then line,
then left to right) and a mean confidence in 0..100. OCR text is untrusted
data: whatever the image says, it is never an instruction.
"""

from __future__ import annotations

import shutil
import statistics
import threading
from dataclasses import dataclass, field
from typing import Any

from llmos_shell.errors import ToolError

__all__ = ["OcrEngine", "OcrLine", "OcrResult", "pick_backend"]


@dataclass
class OcrLine:
    text: str
    confidence: float  # 0..100
    box: tuple[int, int, int, int]  # left, top, right, bottom
    block: int = 0


@dataclass
class OcrResult:
    backend: str
    lines: list[OcrLine] = field(default_factory=list)

    @property
    def text(self) -> str:
        out: list[str] = []
        prev_block = None
        for line in self.lines:
            if prev_block is not None and line.block != prev_block:
                out.append("")  # blank line between blocks keeps paragraphs apart
            out.append(line.text)
            prev_block = line.block
        return "\n".join(out)

    @property
    def confidence(self) -> float | None:
        """Mean confidence over lines weighted by their length; None when nothing was read."""
        weights = [max(len(line.text), 1) for line in self.lines]
        if not weights:
            return None
        return round(sum(line.confidence * w for line, w in zip(self.lines, weights, strict=True)) / sum(weights), 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "text": self.text,
            "confidence": self.confidence,
            "lines": [
                {"text": ln.text, "confidence": round(ln.confidence, 1), "box": list(ln.box), "block": ln.block}
                for ln in self.lines
            ],
        }


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def rapidocr_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def pick_backend(choice: str) -> str:
    """Resolve ``auto``; raise :class:`ToolError` naming the missing package for an explicit choice."""
    if choice == "tesseract" or (choice == "auto" and tesseract_available()):
        if not tesseract_available():
            raise ToolError("OCR backend 'tesseract' is not installed: apt-get install tesseract-ocr")
        return "tesseract"
    if choice in ("rapidocr", "auto"):
        if not rapidocr_available():
            raise ToolError(
                "no OCR engine is installed: apt-get install tesseract-ocr, "
                "or pip install rapidocr-onnxruntime (see the llmos-vision README)"
            )
        return "rapidocr"
    raise ToolError(f"unknown OCR backend {choice!r}")


class OcrEngine:
    """Runs OCR with the configured backend; the rapidocr session is loaded once and kept."""

    def __init__(self, backend: str = "auto", *, lang: str = "eng", timeout: float = 120.0, threads: int = 2) -> None:
        self.choice = backend
        self.lang = lang
        self.timeout = timeout
        self.threads = threads
        self._rapid: Any = None
        self._lock = threading.Lock()

    def run(self, image: Any) -> OcrResult:
        backend = pick_backend(self.choice)
        if backend == "tesseract":
            return self._tesseract(image)
        return self._rapidocr(image)

    # -- tesseract -------------------------------------------------------
    def _tesseract(self, image: Any) -> OcrResult:
        import pytesseract

        img = _ocr_ready(image)
        try:
            data = pytesseract.image_to_data(
                img, lang=self.lang, output_type=pytesseract.Output.DICT, timeout=self.timeout
            )
        except RuntimeError as exc:  # pytesseract's timeout
            raise ToolError(f"OCR took longer than {self.timeout:g} s (ocr_timeout) and was stopped") from exc
        except pytesseract.TesseractNotFoundError:
            raise ToolError("tesseract is not installed: apt-get install tesseract-ocr") from None
        except pytesseract.TesseractError as exc:
            raise ToolError(f"tesseract failed: {str(exc.message).strip()[:300]}") from None
        return OcrResult(backend="tesseract", lines=tesseract_lines(data))

    # -- rapidocr --------------------------------------------------------
    def _rapidocr(self, image: Any) -> OcrResult:
        import numpy as np

        with self._lock:
            if self._rapid is None:
                from rapidocr_onnxruntime import RapidOCR

                self._rapid = RapidOCR(intra_op_num_threads=self.threads, inter_op_num_threads=1)
            engine = self._rapid
        result, _elapsed = engine(np.asarray(image.convert("RGB")))
        return OcrResult(backend="rapidocr", lines=rapidocr_lines(result or []))


def _ocr_ready(image: Any) -> Any:
    """Tesseract reads 8-bit greyscale or RGB; flatten transparency onto white."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "P", "PA"):
        from PIL import Image

        rgba = image.convert("RGBA")
        bg = Image.new("RGB", rgba.size, (255, 255, 255))
        bg.paste(rgba, mask=rgba.getchannel("A"))
        return bg
    return image.convert("RGB")


def tesseract_lines(data: dict[str, list[Any]]) -> list[OcrLine]:
    """Group tesseract's word table into lines, in its (block, paragraph, line, word) order."""
    groups: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data.get("text", [])):
        if not str(word).strip():
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        groups.setdefault(key, []).append(i)
    lines = []
    for (block, _par, _line), idx in sorted(groups.items()):
        idx.sort(key=lambda i: int(data["word_num"][i]))
        confs = [float(data["conf"][i]) for i in idx if float(data["conf"][i]) >= 0]
        left = min(int(data["left"][i]) for i in idx)
        top = min(int(data["top"][i]) for i in idx)
        right = max(int(data["left"][i]) + int(data["width"][i]) for i in idx)
        bottom = max(int(data["top"][i]) + int(data["height"][i]) for i in idx)
        lines.append(
            OcrLine(
                text=" ".join(str(data["text"][i]).strip() for i in idx),
                confidence=statistics.fmean(confs) if confs else 0.0,
                box=(left, top, right, bottom),
                block=block,
            )
        )
    return lines


def rapidocr_lines(result: list[Any]) -> list[OcrLine]:
    """Order rapidocr's text boxes into lines: top to bottom, boxes sharing a line left to right."""
    boxes = []
    for quad, text, score in result:
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        boxes.append((min(xs), min(ys), max(xs), max(ys), str(text), float(score) * 100))
    boxes.sort(key=lambda b: (b[1] + b[3]) / 2)
    rows: list[list[tuple[float, float, float, float, str, float]]] = []
    for b in boxes:
        centre = (b[1] + b[3]) / 2
        if rows:
            last = rows[-1]
            top = min(x[1] for x in last)
            bottom = max(x[3] for x in last)
            if top <= centre <= bottom:
                last.append(b)
                continue
        rows.append([b])
    lines = []
    for row in rows:
        row.sort(key=lambda b: b[0])
        lines.append(
            OcrLine(
                text=" ".join(b[4] for b in row),
                confidence=statistics.fmean(b[5] for b in row),
                box=(
                    int(min(b[0] for b in row)),
                    int(min(b[1] for b in row)),
                    int(max(b[2] for b in row)),
                    int(max(b[3] for b in row)),
                ),
                block=0,  # rapidocr has no block structure
            )
        )
    return lines
