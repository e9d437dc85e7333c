"""Make llmos_speech importable from the source tree when the distribution is not installed."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

if importlib.util.find_spec("llmos_speech") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
