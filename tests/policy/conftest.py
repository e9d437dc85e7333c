"""Fixtures for the policy tests: a workspace, a fake $HOME, an engine factory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from llmos_shell.policy.actions import Action, Provenance  # noqa: F401
from llmos_shell.policy.boundary import Workspace
from llmos_shell.policy.config import PolicyConfig
from llmos_shell.policy.engine import PolicyEngine


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake $HOME with secrets in the usual places."""
    h = tmp_path / "home"
    (h / ".ssh").mkdir(parents=True)
    (h / ".ssh" / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nSECRET-SSH\n")
    (h / ".aws").mkdir()
    (h / ".aws" / "credentials").write_text("[default]\naws_secret_access_key = SECRET-AWS\n")
    (h / "Documents").mkdir()
    (h / "Documents" / "thesis.txt").write_text("important")
    (h / ".bashrc").write_text("# rc\n")
    monkeypatch.setenv("HOME", str(h))
    return h


@pytest.fixture
def ws_dir(tmp_path: Path, home: Path) -> Path:
    d = tmp_path / "ws"
    d.mkdir()
    (d / "notes.txt").write_text("hello notes\n")
    (d / "docs").mkdir()
    (d / ".git").mkdir()
    (d / ".git" / "config").write_text("[core]\n")
    (d / "llmos.toml").write_text("[policy]\nmode = 'default'\n")
    return d


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    d = tmp_path / "outside"
    d.mkdir()
    (d / "secret.txt").write_text("SECRET-OUTSIDE")
    return d


@pytest.fixture
def ws(ws_dir: Path) -> Workspace:
    return Workspace(ws_dir)


@pytest.fixture
def make_engine(ws: Workspace) -> Callable[..., PolicyEngine]:
    def make(
        user: PolicyConfig | dict[str, Any] | None = None,
        project: PolicyConfig | dict[str, Any] | None = None,
        *,
        trusted: bool = False,
        mode: str | None = None,
        workspace: Workspace | None = None,
        votes: Any = None,
    ) -> PolicyEngine:
        u = user if isinstance(user, PolicyConfig) else PolicyConfig.model_validate(user or {})
        p = project if isinstance(project, PolicyConfig) or project is None else PolicyConfig.model_validate(project)
        return PolicyEngine(
            u, p, project_trusted=trusted, mode_override=mode, workspace=workspace or ws, plugin_votes=votes
        )

    return make
