from __future__ import annotations

from pathlib import Path

import pytest

from llmos_shell.config import load_settings
from llmos_shell.errors import ConfigError
from tests.conftest import run_cli


def write_user(tmp: Path, text: str) -> Path:
    p = tmp / "config" / "llmos.toml"
    p.write_text(text)
    return p


def test_defaults_without_files(isolated: Path) -> None:
    settings, sources = load_settings()
    assert settings.model.backend == "llama_cpp"
    assert sources.user is None and sources.project is None


def test_syntax_error_gives_file_line_column(isolated: Path) -> None:
    p = write_user(isolated, "[model]\nn_ctx = 2048\n\n[policy]\nmode = yolo\n")
    with pytest.raises(ConfigError) as e:
        load_settings()
    assert str(e.value).startswith(f"{p}:5:8:")


def test_unknown_key_is_named_with_its_line(isolated: Path) -> None:
    p = write_user(isolated, "[model]\nn_ctx = 2048\ncontext = 5\n")
    with pytest.raises(ConfigError) as e:
        load_settings()
    assert str(e.value) == f"{p}:3: unknown key 'model.context'"


def test_wrong_type_names_key(isolated: Path) -> None:
    p = write_user(isolated, '[model]\nn_ctx = "big"\n')
    with pytest.raises(ConfigError) as e:
        load_settings()
    assert f"{p}:2: invalid value for 'model.n_ctx'" in str(e.value)
    assert "'big'" in str(e.value)


def test_out_of_range_value(isolated: Path) -> None:
    write_user(isolated, "[model]\nn_ctx = -1\n")
    with pytest.raises(ConfigError, match=r"model\.n_ctx"):
        load_settings()


def test_project_file_overrides_user(isolated: Path) -> None:
    write_user(isolated, "[model]\nmax_tokens = 100\ntemperature = 0.5\n")
    Path("llmos.toml").write_text("[model]\nmax_tokens = 7\n")
    settings, sources = load_settings()
    assert settings.model.max_tokens == 7 and settings.model.temperature == 0.5
    assert sources.project is not None


def test_project_policy_kept_apart_until_trusted(isolated: Path) -> None:
    Path("llmos.toml").write_text('[policy]\nmode = "auto"\n')
    settings, sources = load_settings(project_trusted=False)
    assert settings.policy == {"mode": "auto", "allow": ["memory.remember"]}
    assert sources.project_policy == {"mode": "auto"} and not sources.project_trusted


def test_cli_config_check_exit_code_and_message(isolated: Path) -> None:
    write_user(isolated, "[shell]\nstream = maybe\n")
    r = run_cli("config", "check")
    assert r.returncode == 2
    assert "llmos.toml:2:" in r.stderr and "Traceback" not in r.stderr


def test_cli_config_show_json(isolated: Path) -> None:
    import json

    r = run_cli("config", "show", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["settings"]["model"]["backend"] == "llama_cpp"
