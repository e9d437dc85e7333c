"""llmos: a local-first terminal shell whose kernel is a local GGUF model.

The public API for plugin authors and embedders is what ``__all__`` lists;
everything else is private and may change.
"""

from __future__ import annotations

from .errors import ToolError
from .hookspecs import hookimpl
from .tools import Effect, Tool, ToolResult

__version__ = "0.1.0"

__all__ = ["Effect", "Tool", "ToolError", "ToolResult", "__version__", "hookimpl"]
