"""llmos-vision: OCR and image understanding for llmos.

Public API (besides the plugin, which llmos loads by entry point):

- :func:`attach_image`: what ``llmos run --image PATH`` calls to turn an image into
  context (OCR text plus image facts), as a :class:`llmos_shell.tools.ToolResult`
  with provenance ``ocr``.
"""

from __future__ import annotations

from typing import Any

from llmos_shell.tools import ToolResult

__version__ = "0.1.0"
__all__ = ["__version__", "attach_image"]


def attach_image(path: str, *, config: dict[str, Any] | None = None) -> ToolResult:
    """OCR text and facts (size, format, mode, EXIF, dominant colours) of one image, as context.

    ``config`` is the ``[plugins.vision]`` table (same keys as in ``llmos.toml``).
    Raises :class:`llmos_shell.errors.ToolError` with a clear message for a missing,
    non-regular, oversized (decompression bomb), unsupported or corrupt image.
    The result's ``provenance`` is ``ocr``: the text is untrusted data.
    """
    from .config import parse_config
    from .service import Vision

    return Vision(parse_config(config)).attach(path)
