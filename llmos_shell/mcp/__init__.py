"""Model Context Protocol: mount MCP servers as llmos tools, and serve llmos tools over MCP.

- :mod:`llmos_shell.mcp.plugin`: the built-in ``mcp`` plugin (``[plugins.mcp]``).
- :mod:`llmos_shell.mcp.server`: ``llmos mcp serve``.
- :func:`schema_tool`: a tool from a JSON schema (what MCP tools are).

The ``mcp`` SDK is imported only when a server is configured or served.
"""

from __future__ import annotations

from .config import McpServerConfig, parse_servers
from .schema_tool import SchemaTool, schema_tool

__all__ = ["McpServerConfig", "SchemaTool", "parse_servers", "schema_tool"]
