"""Trusted folders: a project's own policy is read only after ``llmos trust``.

The list lives in ``llmos_shell.paths.config_dir() / "trusted.json"`` (0600):
``{"trusted": ["/abs/path", ...]}``. Trusting a folder trusts its subfolders.
A ``trusted.json`` with unsafe permissions (J5) is ignored: nothing is trusted.
"""

from __future__ import annotations

import builtins
import json
import os
import tempfile
from pathlib import Path

from .config import check_file_permissions

__all__ = ["TrustStore", "is_trusted"]


class TrustStore:
    """Read and change the trusted-folder list."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        if path is None:
            from .. import paths

            path = paths.config_dir() / "trusted.json"
        self.path = Path(path)
        self.warnings: list[str] = []

    def list(self) -> list[str]:
        """Trusted folders (absolute, resolved), sorted."""
        if not self.path.exists():
            return []
        problem = check_file_permissions(self.path)
        if problem:
            self.warnings.append(f"ignoring trusted folders: {problem}")
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            items = data.get("trusted", []) if isinstance(data, dict) else []
        except (OSError, ValueError) as exc:
            self.warnings.append(f"ignoring trusted folders: {self.path} is unreadable ({exc})")
            return []
        return sorted({str(p) for p in items if isinstance(p, str) and os.path.isabs(p)})

    def is_trusted(self, folder: str | os.PathLike[str]) -> bool:
        """True when ``folder`` or one of its parents was trusted."""
        real = os.path.realpath(folder)
        return any(real == t or real.startswith(t.rstrip("/") + "/") for t in self.list())

    def add(self, folder: str | os.PathLike[str]) -> str:
        real = os.path.realpath(folder)
        if not os.path.isdir(real):
            raise NotADirectoryError(real)
        self._save(sorted(set(self.list()) | {real}))
        return real

    def remove(self, folder: str | os.PathLike[str]) -> bool:
        real = os.path.realpath(folder)
        items = self.list()
        if real not in items:
            return False
        self._save([p for p in items if p != real])
        return True

    def _save(self, items: builtins.list[str]) -> None:
        from ..paths import ensure_private_dir

        ensure_private_dir(self.path.parent)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".trusted-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"trusted": items}, fh, indent=2)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def is_trusted(folder: str | os.PathLike[str]) -> bool:
    """True when ``folder`` (or a parent) is in the user's trusted-folder list."""
    return TrustStore().is_trusted(folder)
