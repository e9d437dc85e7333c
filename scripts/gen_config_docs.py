"""Write docs/configuration.md from the pydantic models in llmos_shell/config.py (one source of truth)."""

from __future__ import annotations

import json
import sys
import typing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from llmos_shell.config import Settings  # noqa: E402

HEADER = """# Configuration (`llmos.toml`)

Generated from the pydantic models in `llmos_shell/config.py` by `python scripts/gen_config_docs.py`;
a test fails when this page and the models disagree.

llmos reads, later files overriding earlier ones key by key:

1. built-in defaults (below);
2. the user file `<config dir>/llmos.toml` (`llmos config show` prints where that is;
   `LLMOS_CONFIG_DIR` moves it);
3. the project file `./llmos.toml`. Its `[policy]` table only applies once the folder is trusted
   (`llmos trust`), and even then it can only make the policy stricter.

Unknown keys and values of the wrong type are errors that name the file, line and key
(exit code 2); `llmos config check` validates without running anything.
"""


def _type(info: Any) -> str:
    ann = info.annotation
    if typing.get_origin(ann) is typing.Literal:
        return "one of " + ", ".join(f"`{a}`" for a in typing.get_args(ann))
    name = getattr(ann, "__name__", None) or str(ann).replace("typing.", "")
    return name.replace("|", "or")


def _default(info: Any) -> str:
    value = info.get_default(call_default_factory=True)
    return "`" + json.dumps(value) + "`"


def render() -> str:
    out = [HEADER]
    for section, field in Settings.model_fields.items():
        model = field.annotation
        if section == "policy":
            from llmos_shell.policy.config import PolicyConfig

            model = PolicyConfig
            out.append(f"\n## `[{section}]`\n\n{field.description}\n")
            out.append("| key | type | default | description |\n| --- | --- | --- | --- |")
            for key, info in model.model_fields.items():
                desc = (info.description or "").replace("|", "\\|").replace("\n", " ")
                out.append(f"| `{key}` | {_type(info)} | {_default(info)} | {desc} |")
            continue
        if isinstance(model, type) and hasattr(model, "model_fields"):
            out.append(f"\n## `[{section}]`\n\n{(model.__doc__ or '').strip()}\n")
            out.append("| key | type | default | description |\n| --- | --- | --- | --- |")
            for key, info in model.model_fields.items():
                desc = (info.description or "").replace("|", "\\|").replace("\n", " ")
                out.append(f"| `{key}` | {_type(info)} | {_default(info)} | {desc} |")
        else:
            out.append(f"\n## `[{section}]`\n\n{field.description}\n\nDefault: {_default(field)}\n")
    return "\n".join(out) + "\n"


def main() -> int:
    target = ROOT / "docs" / "configuration.md"
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
