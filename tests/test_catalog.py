"""`llmos models`: the catalog of GGUF files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmos_shell.errors import ModelLoadError, UsageError
from llmos_shell.kernel.catalog import SHIPPED_NAME, Catalog
from tests.conftest import run_cli


def test_shipped_model_is_the_default(model_path: Path) -> None:
    cat = Catalog.load()
    entry = cat.resolve("default")
    assert entry.name == SHIPPED_NAME and entry.path == model_path and entry.shipped


def test_add_default_info_and_list(isolated: Path, model_path: Path) -> None:
    link = isolated / "my-model.Q4_1.gguf"
    link.symlink_to(model_path)
    r = run_cli("models", "add", str(link), "--name", "mine")
    assert r.returncode == 0, r.stderr
    assert run_cli("models", "default", "mine").returncode == 0
    listed = json.loads(run_cli("models", "list", "--json").stdout)
    assert [m["name"] for m in listed] == [SHIPPED_NAME, "mine"]
    assert [m["default"] for m in listed] == [False, True]
    info = json.loads(run_cli("models", "info", "mine", "--json").stdout)
    assert info["quantization"] == "Q4_1" and info["size_bytes"] == model_path.stat().st_size
    stored = json.loads((isolated / "config" / "models.json").read_text())
    assert stored == {"default": "mine", "models": {"mine": str(link.resolve())}}


def test_add_refuses_a_file_that_is_not_gguf(isolated: Path) -> None:
    bad = isolated / "notes.gguf"
    bad.write_text("hello")
    with pytest.raises(ModelLoadError, match="not a GGUF model file"):
        Catalog.load().add(bad)
    assert not (isolated / "config" / "models.json").exists()


def test_shipped_name_is_reserved(isolated: Path, model_path: Path) -> None:
    with pytest.raises(UsageError, match="shipped model"):
        Catalog.load().add(model_path, SHIPPED_NAME)


def test_corrupt_catalog_file_is_a_clear_error(isolated: Path) -> None:
    (isolated / "config" / "models.json").write_text("{not json")
    r = run_cli("models", "list")
    assert r.returncode == 2 and "models.json" in r.stderr and "Traceback" not in r.stderr
