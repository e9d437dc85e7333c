"""The ``[plugins.files]`` table of ``llmos.toml``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["FilesConfig", "parse_config"]


class FilesConfig(BaseModel):
    """Limits of the files plugin. Every key has a default."""

    model_config = ConfigDict(extra="forbid")

    read_window_bytes: int = Field(32_000, ge=256, le=10_000_000, description="Bytes files.read shows at once.")
    read_window_lines: int = Field(400, ge=1, le=100_000, description="Lines files.read shows at once.")
    read_scan_bytes: int = Field(
        16_000_000, ge=1_000, le=1_000_000_000, description="How far into a file files.read may seek for start_line."
    )
    write_max_bytes: int = Field(10_000_000, ge=1, le=1_000_000_000, description="Largest content files.write accepts.")
    list_max_entries: int = Field(500, ge=1, le=100_000, description="Entries files.list shows.")
    find_max_results: int = Field(200, ge=1, le=100_000, description="Matches files.find returns.")
    search_max_matches: int = Field(100, ge=1, le=100_000, description="Matching lines files.search returns.")
    search_max_file_bytes: int = Field(
        2_000_000, ge=1_000, le=1_000_000_000, description="Files larger than this are searched only this far."
    )
    walk_max_files: int = Field(20_000, ge=1, le=10_000_000, description="Files find/search visit before stopping.")
    skip_dirs: list[str] = Field(
        default_factory=lambda: [".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", ".mypy_cache",
                                 ".pytest_cache", ".ruff_cache", ".tox"],
        description="Directory names find/search do not descend into.",
    )  # fmt: skip


def parse_config(config: dict[str, Any]) -> FilesConfig:
    """Validate ``[plugins.files]``; raise ``ValueError`` naming the key."""
    try:
        return FilesConfig.model_validate(config or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "plugins.files"
        raise ValueError(f"plugins.files.{key}: {err['msg']}") from None
