"""Command groups of the ``llmos`` CLI, one module per group (imported lazily by cli.py)."""
