"""Opening images safely and describing them with plain facts.

Every image goes through :func:`load_image`: a regular file under the byte cap,
one of a short list of formats, at most ``max_pixels`` pixels (checked from the
header, before any pixel is decoded), fully decodable. Anything else is a
:class:`ToolError` with a clear message. Pillow is imported here, lazily.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llmos_shell.errors import ToolError
from llmos_shell.policy.boundary import input_file

__all__ = ["ALLOWED_FORMATS", "LoadedImage", "facts_text", "image_facts", "load_image"]

# Decoders Pillow may use on untrusted input. Others (EPS needs Ghostscript, PSD,
# TGA, ICNS, ...) are refused: less parser surface, clearer errors.
ALLOWED_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP", "PPM")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_EXIF_TAGS = {
    0x010E: "ImageDescription",
    0x010F: "Make",
    0x0110: "Model",
    0x0112: "Orientation",
    0x0131: "Software",
    0x0132: "DateTime",
    0x013B: "Artist",
    0x8298: "Copyright",
}


@dataclass
class LoadedImage:
    """A decoded image plus what the file said about itself."""

    path: Path
    image: Any  # PIL.Image.Image, decoded, first frame
    format: str
    width: int
    height: int
    mode: str
    frames: int = 1
    exif: dict[str, str] = field(default_factory=dict)


def load_image(path: str, *, max_pixels: int, max_bytes: int) -> LoadedImage:
    """Open, check and decode one image. Raises :class:`ToolError` for anything unusable."""
    from PIL import Image, UnidentifiedImageError

    p = input_file(path, what="image", max_bytes=max_bytes)
    Image.MAX_IMAGE_PIXELS = max_pixels  # Pillow's own header check uses the same cap
    with warnings.catch_warnings():
        # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; both are refusals here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(p, formats=ALLOWED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ToolError(_bomb_message(path, _pixels_from(exc), max_pixels)) from None
        except UnidentifiedImageError:
            raise ToolError(
                f"{path} is not an image this tool reads (supported: {', '.join(ALLOWED_FORMATS)})"
            ) from None
        except OSError as exc:
            raise ToolError(f"cannot read image {path}: {exc}") from None
        try:
            width, height = im.size
            if width * height > max_pixels:
                raise ToolError(_bomb_message(path, (width, height), max_pixels))
            fmt = im.format or "?"
            frames = int(getattr(im, "n_frames", 1) or 1)
            exif = _exif(im)
            try:
                im.seek(0)
                im.load()
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise ToolError(_bomb_message(path, (width, height), max_pixels)) from None
            except (OSError, SyntaxError, ValueError, EOFError) as exc:
                raise ToolError(f"image {path} is truncated or corrupt ({exc})") from None
            mode = im.mode
            decoded = im.copy()
        finally:
            im.close()
    return LoadedImage(
        path=p, image=decoded, format=fmt, width=width, height=height, mode=mode, frames=frames, exif=exif
    )


def _pixels_from(exc: Exception) -> int | None:
    m = re.search(r"\((\d+) pixels\)", str(exc))  # Pillow: "Image size (N pixels) exceeds limit ..."
    return int(m.group(1)) if m else None


def _bomb_message(path: str, size: tuple[int, int] | int | None, max_pixels: int) -> str:
    if isinstance(size, tuple):
        dims = f"{size[0]}x{size[1]} = {size[0] * size[1]:,} pixels"
    elif size:
        dims = f"{size:,} pixels"
    else:
        dims = "too many pixels"
    return (
        f"refusing {path}: {dims}, over the limit of {max_pixels:,} pixels "
        "(possible decompression bomb; raise [plugins.vision] max_pixels if the image is trusted)"
    )


def _clean(value: Any, limit: int = 200) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = _CONTROL.sub("", str(value)).strip()
    return text[:limit]


def _exif(im: Any) -> dict[str, str]:
    """A few EXIF fields as cleaned strings. Metadata is untrusted text (SECURITY-CASES C9)."""
    try:
        raw = im.getexif()
    except Exception:  # noqa: BLE001 - a broken EXIF block must not make the image unreadable
        return {}
    out: dict[str, str] = {}
    for tag, name in _EXIF_TAGS.items():
        if tag in raw:
            text = _clean(raw[tag])
            if text:
                out[name] = text
    return out


_NAMED = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "grey": (128, 128, 128),
    "light grey": (200, 200, 200),
    "dark grey": (64, 64, 64),
    "red": (220, 30, 30),
    "dark red": (128, 0, 0),
    "orange": (255, 140, 0),
    "yellow": (240, 220, 30),
    "green": (40, 170, 40),
    "dark green": (0, 90, 0),
    "cyan": (0, 200, 200),
    "blue": (30, 60, 220),
    "navy": (0, 0, 110),
    "purple": (130, 40, 160),
    "pink": (255, 150, 190),
    "brown": (130, 80, 30),
    "beige": (225, 210, 170),
}


def colour_name(rgb: tuple[int, int, int]) -> str:
    r, g, b = rgb
    return min(_NAMED, key=lambda n: (r - _NAMED[n][0]) ** 2 + (g - _NAMED[n][1]) ** 2 + (b - _NAMED[n][2]) ** 2)


def dominant_colours(image: Any, k: int = 4) -> list[dict[str, Any]]:
    """The ``k`` most common colours of a thumbnail: name, hex, share of the image."""
    thumb = image.convert("RGB")
    thumb.thumbnail((96, 96))
    quant = thumb.quantize(colors=k, method=2)  # median cut, deterministic
    palette = quant.getpalette() or []
    counts = sorted(quant.getcolors() or [], reverse=True)
    total = sum(c for c, _ in counts) or 1
    out = []
    for count, idx in counts[:k]:
        if count / total < 0.01:
            continue
        rgb = tuple(palette[idx * 3 : idx * 3 + 3])
        if len(rgb) != 3:
            continue
        out.append(
            {
                "name": colour_name(rgb),  # type: ignore[arg-type]
                "hex": "#{:02x}{:02x}{:02x}".format(*rgb),
                "share": round(count / total, 3),
            }
        )
    return out


def image_facts(loaded: LoadedImage) -> dict[str, Any]:
    """Machine-readable facts about an image (what ``data`` carries)."""
    return {
        "path": str(loaded.path),
        "format": loaded.format,
        "width": loaded.width,
        "height": loaded.height,
        "mode": loaded.mode,
        "frames": loaded.frames,
        "exif": loaded.exif,
        "colours": dominant_colours(loaded.image),
    }


def facts_text(facts: dict[str, Any]) -> str:
    """One or two human lines from :func:`image_facts`."""
    line = f"{facts['format']} image, {facts['width']}x{facts['height']} pixels, mode {facts['mode']}"
    if facts.get("frames", 1) > 1:
        line += f", {facts['frames']} frames (first frame used)"
    parts = [line + "."]
    if facts.get("colours"):
        cols = ", ".join(f"{c['name']} {c['hex']} {round(c['share'] * 100)}%" for c in facts["colours"])
        parts.append(f"Dominant colours: {cols}.")
    if facts.get("exif"):
        meta = "; ".join(f"{k}: {v}" for k, v in facts["exif"].items())
        parts.append(f"EXIF (untrusted metadata): {meta}.")
    return "\n".join(parts)
