"""llmos-system: the ``system`` plugin (``system.run``). See :mod:`llmos_system.plugin`."""

from __future__ import annotations

from .plugin import SystemConfig, run_command_tool

__version__ = "0.1.0"
__all__ = ["SystemConfig", "__version__", "run_command_tool"]
