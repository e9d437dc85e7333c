"""Routing: from a request to zero or one tool call, cheapest layer first.

1. explicit slash commands (handled by the shell: ``/files.read notes.txt``);
2. tool retrieval: the request is embedded and compared with each tool's
   description and example phrases (:mod:`.retrieval`); "no tool" competes too;
3. argument filling (:mod:`.fill`): literals in the request (paths, quoted text,
   numbers, URLs) and ``{param}`` slots of the example phrases are copied; the
   model fills only what is left, under a grammar built from the schema, with
   string choices limited to spans of the request;
4. the model picks among the short list only when retrieval is unsure.
"""

from .router import RouteDecision, Router
from .specs import ToolSpec, load_tool_specs

__all__ = ["RouteDecision", "Router", "ToolSpec", "load_tool_specs"]
