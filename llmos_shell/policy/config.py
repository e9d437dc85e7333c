"""Policy configuration: modes and ``allow`` / ``ask`` / ``deny`` rules.

The ``[policy]`` table of the user's ``llmos.toml`` (and, once the folder is
trusted with ``llmos trust``, of the project's ``llmos.toml`` or
``.llmos/policy.toml``) validates into :class:`PolicyConfig`.

Rule syntax (one string per rule)::

    files.read                      every call of the tool
    files.*                         every tool of the plugin (``*`` alone: every tool)
    files.write(docs/**)            a path glob matched against every path argument
    files.write(path=docs/**)       a glob for one named argument (path arguments are
                                    matched as paths, anything else as text)
    files.write(path=docs/**, mode=append)   several arguments: all must match
    system.run(git status)          a command: exactly ``git status``
    system.run(git status*)         a command prefix: ``git status`` then anything
    system.run(npm run test:*)      the same prefix form (Claude Code style)
    system.run:git log              shorthand for ``system.run(git log*)``

Path globs: ``*`` stays inside one directory, ``**`` crosses directories, a
relative glob is matched against the path relative to the workspace root, an
absolute (or ``~``) glob against the resolved absolute path.

Commands are split into segments (pipes, ``&&``, ``;``, substitutions): a
command-prefix ``allow`` rule covers a command only when *every* segment
matches an allow rule, so ``system.run(ls*)`` never covers ``ls && rm -rf x``.
``ask`` and ``deny`` rules match when *any* segment (including the command
inside ``sudo``/``env``/``bash -c``) matches.
"""

from __future__ import annotations

import grp
import os
import re
import shlex
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import ConfigError

__all__ = [
    "MODES",
    "CommandPattern",
    "PolicyConfig",
    "Rule",
    "check_file_permissions",
    "load_policy_file",
    "load_project_policy",
    "load_user_policy",
    "mode_rank",
    "parse_rule",
]

#: Every mode, strictest first. ``yolo`` is accepted only from the command line.
MODES = ("read-only", "default", "auto", "yolo")


def mode_rank(mode: str) -> int:
    """0 for the strictest mode (``read-only``), higher is more permissive."""
    return MODES.index(mode)


@dataclass(frozen=True)
class CommandPattern:
    """A command rule: leading tokens, and whether more tokens may follow."""

    tokens: tuple[str, ...]
    prefix: bool
    last_glob: bool = False  # the last token ended in "*" ("git stat*")

    def matches(self, argv: list[str] | tuple[str, ...]) -> bool:
        n = len(self.tokens)
        if len(argv) < n or (not self.prefix and len(argv) != n):
            return False
        for i, tok in enumerate(self.tokens):
            if self.last_glob and i == n - 1:
                if not argv[i].startswith(tok):
                    return False
            elif argv[i] != tok:
                return False
        return True


@dataclass(frozen=True)
class Rule:
    """One parsed rule. ``text`` is the rule as written, shown by ``llmos policy explain``."""

    text: str
    tool: re.Pattern[str]
    command: CommandPattern | None = None
    path_glob: str | None = None  # bare non-command pattern: any path argument
    args: tuple[tuple[str, str], ...] = ()  # name=glob pairs
    bare: str | None = None  # the bare pattern before we know whether the tool runs commands

    def matches_tool(self, tool: str) -> bool:
        return self.tool.match(tool) is not None

    @property
    def unconditional(self) -> bool:
        return self.bare is None and not self.args and self.command is None


_RULE_RE = re.compile(r"^\s*(?P<tool>[A-Za-z0-9_.*?-]+)\s*(?:\((?P<body>.*)\)|:(?P<prefix>.*))?\s*$", re.DOTALL)
_ARG_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$", re.DOTALL)


def _tool_regex(glob: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob) + r"\Z")


def _command_pattern(text: str, *, prefix: bool) -> CommandPattern:
    text = text.strip()
    if text.endswith(":*"):
        text, prefix = text[:-2], True
    try:
        tokens = shlex.split(text)
    except ValueError as exc:
        raise ValueError(f"cannot parse command pattern {text!r}: {exc}") from None
    last_glob = False
    if tokens and tokens[-1].endswith("*"):
        prefix = True
        tokens[-1] = tokens[-1][:-1]
        if tokens[-1]:
            last_glob = True
        else:
            tokens.pop()
    return CommandPattern(tuple(tokens), prefix, last_glob)


def _split_args(body: str) -> list[str]:
    """Split ``a=x, b=y`` on commas that start a new ``name=`` pair (globs may contain commas)."""
    parts = re.split(r",\s*(?=[A-Za-z_][A-Za-z0-9_]*\s*=)", body)
    return [p for p in parts if p.strip()]


def parse_rule(text: str) -> Rule:
    """Parse one rule string; ``ValueError`` names the rule when it does not fit the syntax."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("empty rule")
    m = _RULE_RE.match(text)
    if not m:
        raise ValueError(f"invalid rule {text!r}: expected TOOL, TOOL(PATTERN), TOOL(arg=GLOB) or TOOL:PREFIX")
    tool = _tool_regex(m.group("tool"))
    if m.group("prefix") is not None:
        if not m.group("prefix").strip():
            raise ValueError(f"invalid rule {text!r}: empty command prefix")
        return Rule(text, tool, command=_command_pattern(m.group("prefix"), prefix=True))
    body = m.group("body")
    if body is None:
        return Rule(text, tool)
    if not body.strip():
        raise ValueError(f"invalid rule {text!r}: empty pattern")
    pieces = _split_args(body)
    if all(_ARG_RE.match(p) for p in pieces):
        pairs = []
        for p in pieces:
            am = _ARG_RE.match(p)
            assert am is not None
            pairs.append((am.group(1), am.group(2).strip()))
        return Rule(text, tool, args=tuple(pairs))
    return Rule(text, tool, command=_command_pattern(body, prefix=False), path_glob=body.strip(), bare=body.strip())


class PolicyConfig(BaseModel):
    """The ``[policy]`` table of ``llmos.toml``.

    A rule that does not parse is a :class:`~llmos_shell.errors.ConfigError`
    naming the key and the rule. ``yolo`` is not a valid ``mode`` here: it can
    only be given on the command line (``llmos --mode yolo``).
    """

    model_config = ConfigDict(extra="forbid")

    mode: Literal["default", "read-only", "auto"] = Field(
        "default",
        description="default: ask for anything no rule allows; read-only: deny every tool with side effects; "
        "auto: allow read-only tools without asking. (yolo: command line only.)",
    )
    allow: list[str] = Field(default_factory=list, description="Rules for calls that run without asking.")
    ask: list[str] = Field(default_factory=list, description="Rules for calls that need approval.")
    deny: list[str] = Field(default_factory=list, description="Rules for calls that are always refused.")
    protected: list[str] = Field(
        default_factory=list,
        description="Extra path globs that always need approval to write (added to .git, .llmos/, llmos.toml ...).",
    )
    deny_paths: list[str] = Field(
        default_factory=list,
        description="Extra path globs that are never read or written (added to ~/.ssh, ~/.aws, /proc/*/environ ...).",
    )
    max_read_bytes: int = Field(
        1_000_000, gt=0, description="Files are read up to this many bytes; the rest is cut with a notice."
    )

    @field_validator("allow", "ask", "deny")
    @classmethod
    def _rules_parse(cls, value: list[str]) -> list[str]:
        for rule in value:
            parse_rule(rule)
        return value

    def rules(self, kind: str) -> list[Rule]:
        """Parsed rules of ``kind`` (``allow``, ``ask`` or ``deny``)."""
        return [parse_rule(r) for r in getattr(self, kind)]


# -- loading ---------------------------------------------------------------------------


def check_file_permissions(path: Path) -> str | None:
    """Why ``path`` must not be trusted as configuration (J5), or None when it is fine.

    Refused: a file (or its directory) writable by others, writable by a group
    that has other members, or owned by someone other than the current user or root.
    """
    try:
        st = os.stat(path)
    except OSError as exc:
        return f"cannot stat {path}: {exc.strerror}"
    me = os.geteuid()
    if st.st_uid not in (me, 0):
        return f"{path} is owned by uid {st.st_uid}, not by you (uid {me})"
    if st.st_mode & stat.S_IWOTH:
        return f"{path} is writable by every user (mode {stat.S_IMODE(st.st_mode):04o})"
    if st.st_mode & stat.S_IWGRP and _group_has_others(st.st_gid):
        return f"{path} is writable by group {st.st_gid} which has other members (mode {stat.S_IMODE(st.st_mode):04o})"
    return None


def _group_has_others(gid: int) -> bool:
    try:
        group = grp.getgrgid(gid)
    except KeyError:
        return True
    try:
        import pwd

        me = pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return True
    members = set(group.gr_mem) - {me}
    return bool(members) or gid != os.getegid()


def load_policy_file(path: Path, *, table: str | None = "policy") -> PolicyConfig | None:
    """Load the policy from one TOML file; None when the file (or table) is absent.

    ``table`` selects a sub-table (``[policy]`` of ``llmos.toml``); None means
    the whole file (``.llmos/policy.toml``). Refuses a file with unsafe
    permissions (J5) and reports syntax or validation errors with file:line:col
    or the key, all as :class:`~llmos_shell.errors.ConfigError`.
    """
    path = Path(path)
    if not path.is_file():
        return None
    problem = check_file_permissions(path)
    if problem:
        raise ConfigError(
            f"refusing to load policy from {path}: {problem}",
            hint=f"run: chmod go-w {path} (and make sure you own it)",
        )
    try:
        with open(path, "rb") as fh:
            data: Any = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        where = f"{path}:{line}:{col}" if line else str(path)
        raise ConfigError(f"{where}: {getattr(exc, 'msg', exc)}") from None
    if table is not None:
        data = data.get(table)
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: [{table}] must be a table")
    try:
        return PolicyConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in ((table,) if table else ()) + tuple(err["loc"]))
        raise ConfigError(f"{path}: {key}: {err['msg']}") from None


def load_user_policy(config_dir: Path | None = None) -> PolicyConfig:
    """The user's policy: ``[policy]`` of ``<config dir>/llmos.toml`` (defaults when absent)."""
    if config_dir is None:
        from .. import paths

        config_dir = paths.config_dir()
    return load_policy_file(Path(config_dir) / "llmos.toml") or PolicyConfig()


def load_project_policy(root: Path) -> PolicyConfig | None:
    """The project's policy: ``[policy]`` of ``ROOT/llmos.toml`` plus ``ROOT/.llmos/policy.toml``.

    Only call this for a trusted folder; the engine ignores it otherwise.
    Rules and paths of both files are concatenated; the stricter mode wins.
    """
    found = [
        c
        for c in (
            load_policy_file(Path(root) / "llmos.toml"),
            load_policy_file(Path(root) / ".llmos" / "policy.toml", table=None),
        )
        if c is not None
    ]
    if not found:
        return None
    merged = found[0].model_copy(deep=True)
    for other in found[1:]:
        for key in ("allow", "ask", "deny", "protected", "deny_paths"):
            getattr(merged, key).extend(getattr(other, key))
        if mode_rank(other.mode) < mode_rank(merged.mode):
            merged.mode = other.mode
        merged.max_read_bytes = min(merged.max_read_bytes, other.max_read_bytes)
    return merged
