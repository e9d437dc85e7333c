"""Make llmos_vision importable from the source tree when the distribution is not installed."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

if importlib.util.find_spec("llmos_vision") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pytest


@pytest.fixture(autouse=True)
def _workspace(tmp_path):
    """Each test's workspace boundary is its own tmp dir (current_workspace() would pin the first cwd)."""
    from llmos_shell.policy.boundary import Workspace, use_workspace

    with use_workspace(Workspace(tmp_path)):
        yield
