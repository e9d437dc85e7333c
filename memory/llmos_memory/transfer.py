"""Export and import as JSON lines.

Format: a header object ``{"type": "llmos-memory-export", "version": 1, "model_id": ..., "dim": ...}``
then one ``{"type": "memory", "id", "text", "namespace", "metadata", "provenance", "source",
"created_at", "model_id"}`` per line, plus ``"vector"`` (base64 of little-endian float32) when
exported with ``include_vectors=True``. Import also accepts bare ``{"text": ...}`` lines.
"""

from __future__ import annotations

import base64
import json
import time
from typing import IO, TYPE_CHECKING, Any

from . import db as dbm
from .errors import InvalidInput

if TYPE_CHECKING:
    import numpy as np

    from .store import MemoryStore

EXPORT_TYPE = "llmos-memory-export"
EXPORT_VERSION = 1


def export_jsonl(
    store: MemoryStore, fileobj: IO[str], namespace: str | None = None, include_vectors: bool = False
) -> int:
    conn = store._live_conn()
    header = {
        "type": EXPORT_TYPE,
        "version": EXPORT_VERSION,
        "model_id": store.model_id,
        "dim": store.dim,
        "exported_at": time.time(),
    }
    fileobj.write(json.dumps(header) + "\n")
    where, params = ("WHERE namespace = ?", [namespace]) if namespace is not None else ("", [])
    count = 0
    with dbm.transaction(conn, immediate=False):
        cursor = conn.execute(f"SELECT {dbm.ROW_COLUMNS}, vector FROM memories {where} ORDER BY id", params)
        for row in cursor:
            memory = dbm.row_to_memory(row[:-1])
            record: dict[str, Any] = {"type": "memory", **memory.to_dict()}
            if include_vectors:
                record["vector"] = base64.b64encode(row[-1]).decode("ascii")
            fileobj.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def _parse(fileobj: IO[str]) -> tuple[dict[str, Any] | None, list[tuple[int, dict[str, Any]]]]:
    header = None
    records = []
    for lineno, line in enumerate(fileobj, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"import line {lineno}: not valid JSON ({exc.msg}); nothing was imported") from None
        if not isinstance(obj, dict):
            raise InvalidInput(f"import line {lineno}: expected a JSON object; nothing was imported")
        if obj.get("type") == EXPORT_TYPE:
            if obj.get("version") != EXPORT_VERSION:
                raise InvalidInput(f"import line {lineno}: unsupported export version {obj.get('version')!r}")
            header = obj
            continue
        if not isinstance(obj.get("text"), str):
            raise InvalidInput(f"import line {lineno}: a memory needs a 'text' string; nothing was imported")
        records.append((lineno, obj))
    return header, records


def import_jsonl(store: MemoryStore, fileobj: IO[str], batch_size: int = 64) -> int:
    import numpy as np

    store._require_writable()
    store._require_model()
    header, records = _parse(fileobj)
    prepared = []
    reuse: list[np.ndarray | None] = []
    for lineno, obj in records:
        item = {key: obj.get(key) for key in ("text", "namespace", "metadata", "provenance", "source", "created_at")}
        try:
            prepared.append(store._prepare(item))
        except InvalidInput as exc:
            raise InvalidInput(f"import line {lineno}: {exc}; nothing was imported") from None
        reuse.append(_reusable_vector(store, obj, header, str(item["text"]), prepared[-1]["text"]))
    if not prepared:
        return 0
    vectors = np.zeros((len(prepared), store.dim), dtype=np.float32)
    todo = [i for i, v in enumerate(reuse) if v is None]
    for i, v in enumerate(reuse):
        if v is not None:
            vectors[i] = v
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        vectors[chunk] = store._embed_passages([prepared[i]["text"] for i in chunk])
    return len(store._insert(prepared, vectors))


def _reusable_vector(
    store: MemoryStore, obj: dict[str, Any], header: dict[str, Any] | None, raw_text: str, stored_text: str
) -> np.ndarray | None:
    """The exported vector, if it was made by this store's model from the text being stored."""
    import numpy as np

    blob = obj.get("vector")
    model = obj.get("model_id") or (header or {}).get("model_id")
    if not isinstance(blob, str) or model != store.model_id or raw_text != stored_text:
        return None
    try:
        vec = np.frombuffer(base64.b64decode(blob, validate=True), dtype="<f4")
    except ValueError:
        return None
    if vec.shape != (store.dim,) or not np.all(np.isfinite(vec)):
        return None
    return vec.astype(np.float32)
