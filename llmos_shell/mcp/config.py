"""``[plugins.mcp]`` in llmos.toml: the MCP servers to mount.

```toml
[plugins.mcp.servers.fs]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-filesystem", "/home/me/notes"]
env = { LOG_LEVEL = "warn" }
```

Each server ``NAME`` becomes the plugin ``mcp_NAME``; its tools are
``mcp_NAME.<tool>``.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["SERVER_NAME_RE", "McpServerConfig", "parse_servers"]

SERVER_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class McpServerConfig(BaseModel):
    """One stdio MCP server."""

    model_config = ConfigDict(extra="forbid")

    command: str = Field(min_length=1, description="Program to start (found on PATH).")
    args: list[str] = Field(default_factory=list, description="Its arguments.")
    env: dict[str, str] = Field(
        default_factory=dict,
        description="Extra environment variables. The server does not inherit your environment: only HOME, PATH, "
        "SHELL, TERM, USER, LOGNAME and these.",
    )
    cwd: str | None = Field(default=None, description="Working directory (default: the current one).")
    enabled: bool = Field(default=True, description="false: keep the entry but do not start the server.")
    startup_timeout: float = Field(default=15.0, gt=0, description="Seconds to start, initialize and list tools.")
    timeout: float = Field(default=60.0, gt=0, description="Seconds one tool call may take.")
    trust_annotations: bool = Field(
        default=True,
        description="Believe the server's readOnlyHint (then the tool has only the 'read' effect). false: every tool "
        "is treated as read, write, execute and network.",
    )
    tools: list[str] | None = Field(default=None, description="Mount only these tools (MCP names); default all.")
    max_output: int = Field(default=1_000_000, gt=0, description="Characters of a result kept; the rest is cut.")


def parse_servers(table: dict[str, Any]) -> dict[str, McpServerConfig]:
    """Validate ``[plugins.mcp]``; raise ``ValueError`` naming the key."""
    unknown = set(table) - {"servers"}
    if unknown:
        raise ValueError(f"plugins.mcp: unknown key(s) {sorted(unknown)}; only 'servers' is allowed")
    servers = table.get("servers", {})
    if not isinstance(servers, dict):
        raise ValueError("plugins.mcp.servers must be a table of servers: servers = { name = { command = ... } }")
    out: dict[str, McpServerConfig] = {}
    for name, raw in servers.items():
        key = f"plugins.mcp.servers.{name}"
        if not SERVER_NAME_RE.match(name):
            raise ValueError(f"{key}: server names must be lower_snake_case (they become the plugin mcp_{name})")
        if not isinstance(raw, dict):
            raise ValueError(f'{key} must be a table with at least command = "..."')
        try:
            out[name] = McpServerConfig.model_validate(raw)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise ValueError(f"{key}.{where}: {err['msg']}") from None
    return out
