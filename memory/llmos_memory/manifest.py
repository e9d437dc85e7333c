"""The index manifest: which index file is current, its sha256, and the sequence watermark.

``manifest.json`` is the only pointer to the current index file (``index-<n>.faiss``). A save writes
the new index file first, then atomically replaces the manifest, then deletes the old index file,
so a crash at any point leaves a manifest that names a complete file whose checksum matches.

``max_seq`` is the watermark: every SQLite change (add or delete) with ``seq <= max_seq`` is in the
index; changes above it are replayed on open.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .atomic import atomic_write

MANIFEST_NAME = "manifest.json"
FORMAT = 1


class ManifestInvalid(Exception):
    """Internal: the manifest is missing or unusable (the index is then untrusted and rebuilt)."""


@dataclass(frozen=True)
class Manifest:
    index_file: str
    sha256: str
    size: int
    kind: str  # "flat" or "hnsw"
    dim: int
    model_id: str
    ntotal: int
    max_seq: int
    generation: int
    save_counter: int
    faiss_version: str
    format: int = FORMAT

    def to_json(self) -> bytes:
        return (json.dumps(asdict(self), indent=2, sort_keys=True) + "\n").encode("utf-8")

    @classmethod
    def from_dict(cls, data: Any) -> Manifest:
        if not isinstance(data, dict):
            raise ManifestInvalid("manifest is not a JSON object")
        if data.get("format") != FORMAT:
            raise ManifestInvalid(f"unsupported manifest format {data.get('format')!r}")
        spec = {
            "index_file": str,
            "sha256": str,
            "size": int,
            "kind": str,
            "dim": int,
            "model_id": str,
            "ntotal": int,
            "max_seq": int,
            "generation": int,
            "save_counter": int,
            "faiss_version": str,
        }
        values: dict[str, Any] = {}
        for key, typ in spec.items():
            value = data.get(key)
            if not isinstance(value, typ) or isinstance(value, bool):
                raise ManifestInvalid(f"manifest field {key!r} is missing or not {typ.__name__}")
            values[key] = value
        name = values["index_file"]
        if "/" in name or "\\" in name or not name.startswith("index-") or not name.endswith(".faiss"):
            raise ManifestInvalid(f"manifest names an unexpected index file {name!r}")
        if len(values["sha256"]) != 64 or values["kind"] not in ("flat", "hnsw"):
            raise ManifestInvalid("manifest checksum or index kind is malformed")
        return cls(**values)


def read_manifest(directory: Path) -> Manifest:
    """Read and validate the manifest; raises :class:`ManifestInvalid` with the reason."""
    path = directory / MANIFEST_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ManifestInvalid("manifest.json is missing") from exc
    except OSError as exc:
        raise ManifestInvalid(f"manifest.json is unreadable ({exc.strerror})") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ManifestInvalid("manifest.json is not valid JSON") from exc
    return Manifest.from_dict(data)


def write_manifest(directory: Path, manifest: Manifest) -> None:
    atomic_write(directory / MANIFEST_NAME, manifest.to_json())
