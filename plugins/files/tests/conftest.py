from __future__ import annotations

from pathlib import Path

import pytest
from llmos_files import Files, FilesConfig

from llmos_shell.policy.boundary import Workspace, use_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace folder (the session's current workspace while the test runs)."""
    root = tmp_path / "ws"
    root.mkdir()
    with use_workspace(Workspace(root)):
        yield root


@pytest.fixture
def files(ws: Path) -> Files:
    return Files(FilesConfig())
