"""Persist the evaluated system prefix (KV state) so a one-shot command skips evaluating it.

The file holds the prefix's token ids and llama.cpp's sequence state for them, keyed by the model
file (path, size, mtime), context settings and the exact prefix tokens; a different model, prompt
or setting simply misses. Nothing is pickled: a small JSON header plus raw bytes, written to a temp
file, fsynced and renamed into place. A file that does not match its header is ignored.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import struct
from pathlib import Path
from typing import Any

from .. import paths

MAGIC = b"LLMOSKV1"


def cache_key(model_path: Path, settings: Any, prefix: list[int]) -> str:
    st = model_path.stat()
    h = hashlib.sha256()
    h.update(json.dumps([str(model_path.resolve()), st.st_size, int(st.st_mtime), settings.n_ctx,
                         settings.n_batch, settings.n_threads, settings.kv_cache]).encode())  # fmt: skip
    h.update(struct.pack(f"<{len(prefix)}i", *prefix))
    return h.hexdigest()[:32]


def cache_file(key: str) -> Path:
    return paths.cache_dir() / "prompt" / f"{key}.kv"


def save(llm: Any, key: str, prefix: list[int]) -> Path | None:
    """Write the state of sequence 0 (which must hold exactly ``prefix``)."""
    import llama_cpp

    ctx = llm._ctx.ctx
    size = llama_cpp.llama_state_seq_get_size(ctx, 0)
    buf = (ctypes.c_uint8 * size)()
    written = llama_cpp.llama_state_seq_get_data(ctx, buf, size, 0)
    if written <= 0:
        return None
    header = json.dumps({"n_tokens": len(prefix), "bytes": int(written)}).encode()
    file = cache_file(key)
    paths.ensure_private_dir(file.parent)
    tmp = file.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(MAGIC + struct.pack("<I", len(header)) + header)
        fh.write(struct.pack(f"<{len(prefix)}i", *prefix))
        fh.write(bytes(buf)[:written])
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, file)
    return file


def load(llm: Any, key: str, prefix: list[int]) -> bool:
    """Restore the prefix state into ``llm``; False when there is no usable file."""
    import llama_cpp

    file = cache_file(key)
    try:
        data = file.read_bytes()
    except OSError:
        return False
    try:
        if not data.startswith(MAGIC):
            return False
        (hlen,) = struct.unpack_from("<I", data, len(MAGIC))
        header = json.loads(data[len(MAGIC) + 4 : len(MAGIC) + 4 + hlen])
        n, nbytes = int(header["n_tokens"]), int(header["bytes"])
        off = len(MAGIC) + 4 + hlen
        ids = list(struct.unpack_from(f"<{n}i", data, off))
        off += 4 * n
        blob = data[off : off + nbytes]
        if ids != prefix or len(blob) != nbytes:
            return False
    except (ValueError, KeyError, struct.error):
        return False
    llm.reset()
    llm._ctx.kv_cache_clear() if hasattr(llm._ctx, "kv_cache_clear") else None
    buf = (ctypes.c_uint8 * nbytes).from_buffer_copy(blob)
    if llama_cpp.llama_state_seq_set_data(llm._ctx.ctx, buf, nbytes, 0) != nbytes:
        llm.reset()
        return False
    llm.input_ids[:n] = ids
    llm.n_tokens = n
    llm._requires_eval = True
    return True
