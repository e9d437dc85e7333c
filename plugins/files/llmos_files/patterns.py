"""Turning what a person says ("PDFs", "python files", "report") into a file-name glob.

Rules, in order (matching is always case-insensitive):

1. A pattern with glob characters (``*``, ``?``, ``[``) is used as it is: ``*.tar.gz``, ``notes-??.md``.
2. A known kind of file, singular or plural, with or without "file(s)"/"document(s)":
   ``pdf``, ``PDFs``, ``.pdf``, ``pdf files`` -> ``*.pdf``; ``images`` -> ``*.png``, ``*.jpg``, ...;
   ``python files`` -> ``*.py``; ``markdown`` -> ``*.md``, ``*.markdown``.
3. A bare extension-like word with a leading dot (``.toml``) -> ``*.toml``.
4. Anything else is a part of the name: ``report`` -> ``*report*``; ``README.md`` -> ``*README.md*``.

A pattern containing ``/`` is matched against the path relative to the searched directory
(``docs/*.md``); otherwise against the file name only.
"""

from __future__ import annotations

import fnmatch
import re

__all__ = ["KINDS", "matches", "normalise_pattern"]

GLOB_CHARS = frozenset("*?[")

#: Spoken kinds of file -> extensions. Keys are singular and lower-case.
KINDS: dict[str, tuple[str, ...]] = {
    "pdf": ("pdf",),
    "image": ("png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "svg", "heic"),
    "picture": ("png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "heic"),
    "photo": ("jpg", "jpeg", "png", "heic", "webp"),
    "png": ("png",),
    "jpg": ("jpg", "jpeg"),
    "jpeg": ("jpg", "jpeg"),
    "audio": ("wav", "mp3", "flac", "ogg", "m4a", "opus"),
    "sound": ("wav", "mp3", "flac", "ogg", "m4a", "opus"),
    "recording": ("wav", "mp3", "flac", "ogg", "m4a", "opus"),
    "video": ("mp4", "mkv", "mov", "avi", "webm"),
    "markdown": ("md", "markdown"),
    "md": ("md", "markdown"),
    "text": ("txt",),
    "txt": ("txt",),
    "python": ("py",),
    "py": ("py",),
    "javascript": ("js", "mjs", "cjs"),
    "typescript": ("ts", "tsx"),
    "rust": ("rs",),
    "go": ("go",),
    "java": ("java",),
    "c": ("c", "h"),
    "cpp": ("cpp", "cc", "hpp", "hh"),
    "shell": ("sh", "bash", "zsh"),
    "script": ("sh", "bash", "py"),
    "html": ("html", "htm"),
    "web page": ("html", "htm"),
    "css": ("css",),
    "json": ("json",),
    "yaml": ("yaml", "yml"),
    "toml": ("toml",),
    "csv": ("csv",),
    "spreadsheet": ("csv", "xlsx", "xls", "ods"),
    "excel": ("xlsx", "xls"),
    "word": ("docx", "doc"),
    "docx": ("docx",),
    "log": ("log",),
    "xml": ("xml",),
    "archive": ("zip", "tar", "gz", "tgz", "bz2", "xz", "7z"),
    "zip": ("zip",),
    "config": ("toml", "ini", "cfg", "conf", "yaml", "yml", "json"),
}

_NOISE = re.compile(r"\b(?:all|the|any|every|my|some|files?|documents?|docs)\b", re.IGNORECASE)


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 2:
        return word[:-1]
    return word


def normalise_pattern(pattern: str) -> list[str]:
    """Return the glob(s) ``pattern`` stands for (see the module docstring for the rules)."""
    raw = pattern.strip()
    if not raw:
        return ["*"]
    if GLOB_CHARS & set(raw):
        return [raw]
    spoken = " ".join(_NOISE.sub(" ", raw).split()).lower()
    for candidate in (spoken, _singular(spoken), spoken.lstrip("."), _singular(spoken.lstrip("."))):
        if candidate in KINDS:
            return [f"*.{ext}" for ext in KINDS[candidate]]
    if re.fullmatch(r"\.[A-Za-z0-9_]{1,12}", raw):
        return [f"*{raw}"]
    return [f"*{raw}*"]


def matches(globs: list[str], name: str, relpath: str) -> bool:
    """True when the file name (or, for globs with ``/``, the relative path) matches any glob."""
    for glob in globs:
        target = relpath if "/" in glob else name
        if fnmatch.fnmatchcase(target.lower(), glob.lower()):
            return True
    return False
