"""File kinds: which extensions a tool takes, and which kind a request's file is."""

from __future__ import annotations

import re

from .specs import ToolSpec

__all__ = ["AUDIO_KINDS", "IMAGE_KINDS", "MEDIA_KINDS", "TEXT_KINDS", "file_kinds", "kind_of", "sample_file"]

IMAGE_KINDS = frozenset({"png", "jpg", "gif", "bmp", "tiff", "webp", "ppm", "heic", "svg"})
AUDIO_KINDS = frozenset({"wav", "mp3", "flac", "ogg", "m4a", "opus", "aac"})
_KIND_ALIASES = {"jpeg": "jpg", "tif": "tiff", "htm": "html", "markdown": "md"}
MEDIA_KINDS = IMAGE_KINDS | AUDIO_KINDS | {
    "mp4", "mkv", "mov", "avi", "webm",  # video
    "pdf", "docx", "xlsx", "pptx", "epub",  # documents
}  # fmt: skip


# Kinds of plain-text files: naming one argues against a tool that declares media kinds.
TEXT_KINDS = {
    "txt", "md", "rst", "csv", "tsv", "json", "jsonl", "yaml", "yml", "toml", "ini", "cfg", "conf", "log",
    "py", "js", "ts", "c", "h", "cpp", "rs", "go", "java", "sh", "html", "xml", "sql", "env",
}  # fmt: skip


def _kind(word: str) -> str:
    w = word.lower().lstrip(".")
    return _KIND_ALIASES.get(w, w)


def kind_of(path: str) -> str | None:
    """The kind (normalized extension) of the file ``path`` names: "notes.MD" -> "md"; None without one."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return (_kind(name.rsplit(".", 1)[1]) or None) if "." in name.strip(".") else None


def file_kinds(spec: ToolSpec) -> frozenset[str]:
    """File kinds (extensions) a tool's description or path-argument descriptions name."""
    text = (
        spec.description
        + " "
        + " ".join(str(s.get("description", "")) for n, s in spec.properties.items() if spec.is_path(n))
    )
    return frozenset(k for k in (_kind(w) for w in re.findall(r"\b[A-Za-z0-9]{2,8}\b", text)) if k in MEDIA_KINDS)


def sample_file(kinds: frozenset[str] | set[str]) -> str:
    """A stand-in file for rendering phrases and requests alike: ``photo.png`` for image kinds,
    ``recording.wav`` for audio kinds, ``notes.txt`` for anything else; what a request does
    ("what text is in photo.png") without what it is about."""
    if kinds & IMAGE_KINDS and not kinds & AUDIO_KINDS:
        return "photo.png"
    if kinds & AUDIO_KINDS and not kinds & IMAGE_KINDS:
        return "recording.wav"
    return "notes.txt"
