"""llmos-files: the ``files`` plugin (list, find, search, read, write inside the workspace).

Loaded through the entry-point group ``llmos`` like any third-party plugin; see
:mod:`llmos_files.plugin`. :class:`Files` is usable on its own with any
:class:`~llmos_shell.policy.boundary.Workspace`.
"""

from __future__ import annotations

from .config import FilesConfig
from .patterns import normalise_pattern
from .service import Files

__version__ = "0.1.0"
__all__ = ["Files", "FilesConfig", "__version__", "normalise_pattern"]
