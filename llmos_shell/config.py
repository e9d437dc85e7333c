"""``llmos.toml``: pydantic models, loading, and errors that name the file, line and key.

Sources, later ones overriding earlier ones key by key:

1. built-in defaults (the models below; ``llmos.toml`` in the repository documents them);
2. the user file: ``<config dir>/llmos.toml`` (``llmos config show`` prints the path);
3. the project file: ``./llmos.toml`` in the current directory. Its ``[policy]`` table is
   ignored until the folder is trusted (``llmos trust``), so a cloned repository cannot
   loosen the user's policy.

``docs/configuration.md`` is generated from these models (``python scripts/gen_config_docs.py``).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import paths
from .errors import ConfigError

__all__ = [
    "ConfigSources",
    "MemorySettings",
    "ModelSettings",
    "OpenAISettings",
    "RouterSettings",
    "Settings",
    "ShellSettings",
    "load_settings",
]  # fmt: skip


# What llmos does with no [policy] table: read-only tools run (inside the workspace), side effects ask,
# and remembering what the user says is allowed (after untrusted content it still asks: a floor).
DEFAULT_POLICY: dict[str, Any] = {"mode": "auto", "allow": ["memory.remember"]}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ModelSettings(_Section):
    """The kernel model."""

    backend: Literal["llama_cpp", "openai", "scripted"] = Field(
        "llama_cpp",
        description="Which backend runs the model: `llama_cpp` (local GGUF), `openai` (any "
        "OpenAI-compatible server), `scripted` (test double that replays queued replies).",
    )
    name: str = Field(
        "default",
        description="Model to load: a catalog name (`llmos models list`), `default`, or a path to a .gguf file.",
    )
    n_ctx: int = Field(4096, ge=256, le=1_048_576, description="Context window in tokens.")
    n_threads: int = Field(0, ge=0, le=512, description="CPU threads for llama.cpp; 0 = number of cores.")
    n_batch: int = Field(512, ge=8, le=65_536, description="Prompt evaluation batch size.")
    kv_cache: Literal["f16", "q8_0"] = Field(
        "q8_0",
        description="Type of the attention (KV) cache: `q8_0` halves its memory (42 MB less at n_ctx 4096 on "
        "the default model) with flash attention; `f16` is llama.cpp's default.",
    )
    max_tokens: int = Field(512, ge=1, le=1_048_576, description="Most tokens generated for one answer.")
    temperature: float = Field(0.2, ge=0.0, le=2.0, description="Sampling temperature for answers.")
    seed: int = Field(0, description="Sampling seed (same seed, same answer).")
    chat_format: str = Field(
        "",
        description="Chat template name (`chatml`, `gemma`, `llama-2`, `llama-3`, `mistral-instruct`...); "
        "empty = the template stored in the GGUF file.",
    )
    prompt_cache: bool = Field(
        True, description="Persist the evaluated system prefix to the cache dir so one-shot runs skip it."
    )


class OpenAISettings(_Section):
    """An OpenAI-compatible server (llama.cpp server, llama-cpp-python server, vLLM, Ollama)."""

    base_url: str = Field("http://127.0.0.1:8080/v1", description="Base URL of the server's `/v1` API.")
    model: str = Field("", description="Model name sent to the server; empty = the server's first model.")
    api_key_env: str = Field(
        "LLMOS_OPENAI_API_KEY", description="Environment variable holding the API key (the key is never stored)."
    )
    timeout: float = Field(60.0, gt=0, le=3600, description="Seconds to wait for the server.")


class ShellSettings(_Section):
    """The interactive and one-shot shell."""

    system_prompt: str = Field(
        "You are llmos, a helpful assistant in a terminal on the user's own computer. Answer briefly and accurately.",
        description="System prompt that starts every conversation.",
    )
    stream: bool = Field(True, description="Stream answers as they are generated.")
    log_conversations: bool = Field(True, description="Keep every exchange in the conversation log (SQLite).")
    history_turns: int = Field(6, ge=0, le=1000, description="Earlier exchanges sent back to the model each turn.")
    chain_limit: int = Field(5, ge=1, le=50, description="Most tool calls in one turn.")
    answer_after_tools: Literal["auto", "always"] = Field(
        "auto",
        description='`auto`: when a plain command ("read notes.txt") ran its tools, their output is the answer; '
        'questions about it ("when is the meeting in notes.txt?") get a model answer. `always`: the model '
        "always answers.",
    )
    tool_answer_tokens: int = Field(
        160,
        ge=1,
        le=1_048_576,
        description="Most tokens of the model's answer after tools ran (their output is shown as it is).",
    )
    tool_timeout: float = Field(60.0, gt=0, le=86_400, description="Seconds a tool may run before it is stopped.")
    max_tool_output: int = Field(
        8000, ge=256, le=10_000_000, description="Characters of a tool's output passed to the model."
    )


class RouterSettings(_Section):
    """How requests become tool calls."""

    enabled: bool = Field(True, description="Route requests to tools; off = plain chat.")
    threshold: float = Field(
        0.87, ge=0.0, le=1.0, description="Score a tool needs before retrieval is sure of it on its own."
    )
    margin: float = Field(0.0, ge=0.0, le=1.0, description="Lead over the runner-up retrieval needs to be sure.")
    none_margin: float = Field(
        0.02, ge=-1.0, le=1.0,
        description="Lead over answering directly an unsure tool needs to be called at all.",
    )  # fmt: skip
    head_weight: float = Field(
        0.1, ge=0.0, le=1.0,
        description="Weight of the learned prior over the first-party tools (routing/head.py); 0 turns it off.",
    )  # fmt: skip
    candidates: int = Field(3, ge=1, le=20, description="Tools offered to the model when retrieval is unsure.")
    model_choice: bool = Field(
        False,
        description="When retrieval is unsure, let the model pick among the candidates (off: measured worse "
        "than retrieval alone on the 135M default model; see docs/routing.md).",
    )
    native_tools: bool = Field(
        False, description="Let the model call tools natively (for larger models or the openai backend)."
    )


class MemorySettings(_Section):
    """The durable memory."""

    enabled: bool = Field(True, description="Use the memory store (needs the llmos-memory package).")
    path: str = Field("", description="Store directory; empty = `<data dir>/memory/<profile>`.")
    profile: str = Field("default", pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="Profile: a separate store.")
    auto_recall: bool = Field(True, description="Recall relevant memories into the prompt each turn.")
    recall_k: int = Field(3, ge=0, le=50, description="Most memories recalled into one prompt.")
    recall_min_score: float = Field(0.82, ge=0.0, le=1.0, description="Similarity a memory needs to be recalled.")
    recall_budget_tokens: int = Field(256, ge=0, le=100_000, description="Token budget for recalled memories.")
    embedder: str = Field("", description="GGUF embedding model path; empty = the bundled multilingual-e5-small.")


def _policy_model() -> type[BaseModel]:
    try:
        from .policy.config import PolicyConfig
    except ImportError:  # pragma: no cover - the policy package always ships
        return dict  # type: ignore[return-value]
    return PolicyConfig


class Settings(_Section):
    """All of ``llmos.toml``."""

    model: ModelSettings = Field(default_factory=ModelSettings)
    openai: OpenAISettings = Field(default_factory=OpenAISettings)
    shell: ShellSettings = Field(default_factory=ShellSettings)
    router: RouterSettings = Field(default_factory=RouterSettings)
    memory: MemorySettings = Field(default_factory=MemorySettings)
    policy: dict[str, Any] = Field(
        default_factory=lambda: dict(DEFAULT_POLICY),
        description="Policy mode and rules (`[policy]`); see docs/policy.md. Built-in default: "
        'mode `auto` (read-only tools run, anything else asks) and `allow = ["memory.remember"]`.',
    )
    plugins: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Per-plugin tables `[plugins.<name>]`, handed to each plugin."
    )

    def policy_config(self) -> Any:
        return _policy_model().model_validate(self.policy) if self.policy is not None else None


class ConfigSources(BaseModel):
    """Which files were read, for ``llmos config show``."""

    user: Path | None = None
    project: Path | None = None
    project_policy: dict[str, Any] | None = None  # the project's [policy] table, kept apart from the user's
    project_trusted: bool = False


def user_config_path() -> Path:
    return paths.config_dir() / "llmos.toml"


def project_config_path(cwd: Path | None = None) -> Path:
    return (cwd or Path.cwd()) / "llmos.toml"


_TOML_POS = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)\s*$")


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file; errors become ``file:line:col: message``."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text", hint="save the file as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_POS.match(str(exc))
        if m:
            raise ConfigError(
                f"{path}:{m['line']}:{m['col']}: {m['msg']}",
                hint='fix the TOML syntax (strings need quotes: mode = "auto")',
            ) from None
        raise ConfigError(f"{path}: {exc}") from None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _key_line(path: Path, loc: tuple[Any, ...]) -> int | None:
    """Best effort: the line of ``loc``'s last key inside its table in ``path``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    keys = [str(k) for k in loc if not isinstance(k, int)]
    if not keys:
        return None
    table, key = keys[:-1], keys[-1]
    current: list[str] = []
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]$", stripped)
        if header:
            current = [part.strip().strip('"') for part in header.group(1).split(".")]
            continue
        m = re.match(r"^([A-Za-z0-9_.\"-]+)\s*=", stripped)
        if m:
            full = current + [part.strip().strip('"') for part in m.group(1).split(".")]
            if full == [*table, key]:
                return number
        if current == [*table, key] or (not table and current[:1] == [key]):
            return number
    return None


def validate(data: dict[str, Any], origin: dict[str, Path]) -> Settings:
    """Validate merged data; an error names the key, the file and the line that set it."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise _config_error(exc, (), origin) from None
    try:
        settings.policy_config()
    except ValidationError as exc:
        raise _config_error(exc, ("policy",), origin) from None
    return settings


def _config_error(exc: ValidationError, prefix_loc: tuple[str, ...], origin: dict[str, Path]) -> ConfigError:
    err = exc.errors()[0]
    loc = prefix_loc + tuple(err["loc"])
    key = ".".join(str(p) for p in loc)
    where = origin.get(str(loc[0])) if loc else None
    line = _key_line(where, loc) if where else None
    prefix = f"{where}:{line}: " if where and line else (f"{where}: " if where else "")
    if err["type"] == "extra_forbidden":
        return ConfigError(
            f"{prefix}unknown key '{key}'",
            hint="remove it or check its spelling; `llmos config show` lists every key",
        )
    value = err.get("input")
    shown = f" (got {value!r})" if not isinstance(value, dict) else ""
    return ConfigError(
        f"{prefix}invalid value for '{key}': {err['msg']}{shown}",
        hint="see docs/configuration.md for each key's type and range",
    )


def load_settings(
    *, cwd: Path | None = None, user_path: Path | None = None, project_trusted: bool | None = None
) -> tuple[Settings, ConfigSources]:
    """Load defaults <- user file <- project file and validate the result."""
    sources = ConfigSources()
    data: dict[str, Any] = {}
    origin: dict[str, Path] = {}
    upath = user_path or user_config_path()
    if upath.is_file():
        user = read_toml(upath)
        data = _merge(data, user)
        origin.update({k: upath for k in user})
        sources.user = upath
    ppath = project_config_path(cwd)
    if ppath.is_file() and ppath.resolve() != upath.resolve():
        project = read_toml(ppath)
        if "policy" in project:
            project = dict(project)
            sources.project_policy = project.pop("policy")
            sources.project_trusted = project_trusted if project_trusted is not None else _is_trusted(ppath.parent)
        data = _merge(data, project)
        origin.update({k: ppath for k in project})
        sources.project = ppath
    return validate(data, origin), sources


def _is_trusted(folder: Path) -> bool:
    try:
        from .policy.trust import is_trusted
    except ImportError:
        return False
    return bool(is_trusted(folder))
