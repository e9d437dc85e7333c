"""Read a GGUF file's header and metadata without loading the model.

Enough of the GGUF format (v2/v3) to list key/value metadata: architecture,
context length, quantization, chat template. Used by ``llmos models`` and to
give a clear error before llama.cpp sees a file that is not GGUF at all.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import ModelLoadError, ModelNotFoundError

GGUF_MAGIC = b"GGUF"

# general.file_type values (llama.cpp's llama_ftype), the common ones.
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1",
    10: "Q2_K", 11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M",
    16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S",
    22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M",
    28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0",
}  # fmt: skip

_SCALARS = {
    0: ("<B", 1), 1: ("<b", 1), 2: ("<H", 2), 3: ("<h", 2), 4: ("<I", 4), 5: ("<i", 4),
    6: ("<f", 4), 7: ("<?", 1), 10: ("<Q", 8), 11: ("<q", 8), 12: ("<d", 8),
}  # fmt: skip
_STRING, _ARRAY = 8, 9
_MAX_KEEP_ARRAY = 64  # arrays longer than this (token lists) are skipped, only their length kept


@dataclass
class GGUFInfo:
    path: Path
    version: int
    tensor_count: int
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", "unknown"))

    @property
    def name(self) -> str:
        return str(self.metadata.get("general.name", self.path.stem))

    @property
    def context_length(self) -> int | None:
        value = self.metadata.get(f"{self.architecture}.context_length")
        return int(value) if value is not None else None

    @property
    def embedding_length(self) -> int | None:
        value = self.metadata.get(f"{self.architecture}.embedding_length")
        return int(value) if value is not None else None

    @property
    def quantization(self) -> str:
        ft = self.metadata.get("general.file_type")
        if ft is None:
            return "unknown"
        return FILE_TYPES.get(int(ft), f"type {ft}")

    @property
    def chat_template(self) -> str | None:
        value = self.metadata.get("tokenizer.chat_template")
        return str(value) if value else None

    @property
    def size_bytes(self) -> int:
        return self.path.stat().st_size


class _Reader:
    def __init__(self, fh: BinaryIO, path: Path) -> None:
        self.fh = fh
        self.path = path

    def read(self, n: int) -> bytes:
        data = self.fh.read(n)
        if len(data) != n:
            raise ModelLoadError(
                f"model file is truncated: {self.path}",
                hint="the GGUF header ends early; download or copy the file again",
            )
        return data

    def scalar(self, vtype: int) -> Any:
        fmt, size = _SCALARS[vtype]
        return struct.unpack(fmt, self.read(size))[0]

    def string(self) -> str:
        (length,) = struct.unpack("<Q", self.read(8))
        if length > 64 * 1024 * 1024:
            raise ModelLoadError(f"model file is corrupt (string of {length} bytes in header): {self.path}")
        return self.read(length).decode("utf-8", errors="replace")

    def value(self, vtype: int) -> Any:
        if vtype in _SCALARS:
            return self.scalar(vtype)
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            (itype,) = struct.unpack("<I", self.read(4))
            (count,) = struct.unpack("<Q", self.read(8))
            if count <= _MAX_KEEP_ARRAY:
                return [self.value(itype) for _ in range(count)]
            if itype in _SCALARS:
                self.fh.seek(_SCALARS[itype][1] * count, 1)
            else:
                for _ in range(count):
                    self.value(itype)
            return _Skipped(count)
        raise ModelLoadError(f"model file is corrupt (unknown metadata type {vtype}): {self.path}")


class _Skipped(int):
    """Length of an array whose items were not kept (for example the token list)."""


def read_gguf(path: str | Path) -> GGUFInfo:
    """Read the header of ``path``; raise a :class:`ModelError` saying what is wrong with it."""
    p = Path(path).expanduser()
    if not p.exists():
        raise ModelNotFoundError(
            f"model file not found: {p.resolve()}",
            hint="check model.path in llmos.toml, or list installed models with `llmos models list`",
        )
    if not p.is_file():
        raise ModelLoadError(f"model path is not a file: {p}", hint="point model.path at a .gguf file")
    with p.open("rb") as fh:
        reader = _Reader(fh, p)
        magic = fh.read(4)
        if magic != GGUF_MAGIC:
            raise ModelLoadError(
                f"not a GGUF model file: {p} (starts with {magic!r}, expected b'GGUF')",
                hint="llmos runs GGUF models; convert the model with llama.cpp's convert script or pick a .gguf file",
            )
        (version,) = struct.unpack("<I", reader.read(4))
        if version not in (2, 3):
            raise ModelLoadError(f"unsupported GGUF version {version}: {p}", hint="use a GGUF v2 or v3 file")
        tensor_count, kv_count = struct.unpack("<QQ", reader.read(16))
        meta: dict[str, Any] = {}
        for _ in range(kv_count):
            key = reader.string()
            (vtype,) = struct.unpack("<I", reader.read(4))
            meta[key] = reader.value(vtype)
    return GGUFInfo(path=p, version=version, tensor_count=tensor_count, metadata=meta)
