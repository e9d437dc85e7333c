"""A compact plain-text table for a tool's ``content`` (the machine rows go in ``data``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["format_table", "human_size"]

MAX_CELL = 80


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())  # one line per row, whatever the file name or line holds
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def format_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, right: Sequence[str] = ()) -> str:
    """Render ``rows`` as aligned columns under a header line; ``right`` columns are right-aligned."""
    cells = [[_cell(row.get(col)) for col in columns] for row in rows]
    widths = [max([len(col), *(len(r[i]) for r in cells)]) for i, col in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if col in right else v.ljust(w) for v, w, col in zip(values, widths, columns, strict=True)]
        return "  ".join(parts).rstrip()

    return "\n".join([line(list(columns)), *(line(r) for r in cells)])


def human_size(size: int | None) -> str:
    """``1234567`` -> ``1.2 MB`` (decimal units, like ``ls -h --si``)."""
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"  # pragma: no cover
