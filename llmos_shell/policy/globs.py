"""Path globs used by rules, protected paths and the deny list.

``*`` matches within one path component, ``**`` matches any number of
components (including none), ``?`` one character, ``[...]`` a set. Globs are
compiled to regular expressions once and cached; expand ``~`` with
:func:`expand_glob` first (it depends on ``$HOME``, so it is not cached).
"""

from __future__ import annotations

import functools
import os
import re

__all__ = ["compile_glob", "expand_glob", "glob_match"]


@functools.lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """Compile a path glob to an anchored regular expression."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                i += 2
                if i < n and pattern[i] == "/":
                    i += 1
                    out.append("(?:.*/)?")  # zero or more whole components
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def glob_match(pattern: str, path: str) -> bool:
    """True when ``path`` (a ``/``-separated string) matches ``pattern`` entirely."""
    return compile_glob(pattern).match(path) is not None


def expand_glob(pattern: str) -> str:
    """Expand a leading ``~`` to the home directory (the rest is left as a glob)."""
    return os.path.expanduser(pattern) if pattern.startswith("~") else pattern
