"""I1: fails at import, like a plugin whose native dependency is missing."""

raise ImportError("fx_importerror needs libfoo, which is not installed")
