"""File kinds: which extensions a tool takes, and which kind a request's file is."""

from __future__ import annotations

import re

from .literals import DATA_FORMATS, basename
from .specs import ToolSpec

__all__ = [
    "AUDIO_KINDS", "IMAGE_KINDS", "MEDIA_KINDS", "TEXT_KINDS", "file_kinds", "kind_of", "kind_pattern",
    "same_family", "sample_file",
]  # fmt: skip

IMAGE_KINDS = frozenset({"png", "jpg", "gif", "bmp", "tiff", "webp", "ppm", "heic", "svg"})
AUDIO_KINDS = frozenset({"wav", "mp3", "flac", "ogg", "m4a", "opus", "aac", "amr", "wma", "aiff"})
_KIND_ALIASES = {"jpeg": "jpg", "tif": "tiff", "htm": "html", "markdown": "md", "aif": "aiff"}
VIDEO_KINDS = frozenset({"mp4", "mkv", "mov", "avi", "webm"})
MEDIA_KINDS = IMAGE_KINDS | AUDIO_KINDS | VIDEO_KINDS | {"pdf", "docx", "xlsx", "pptx", "epub"}
# Kinds one tool family handles: a tool for some audio formats is the one for a recording in
# another (it says which formats it reads); video carries sound.
_FAMILIES = (IMAGE_KINDS, AUDIO_KINDS | VIDEO_KINDS)


def same_family(named: set[str] | frozenset[str], kinds: frozenset[str]) -> bool:
    """Some kind in ``named`` is of a family (images; audio and video) that ``kinds`` takes."""
    return any(named & family and kinds & family for family in _FAMILIES)


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
    name = basename(path)
    return (_kind(name.rsplit(".", 1)[1]) or None) if "." in name.strip(".") else None


def file_kinds(spec: ToolSpec) -> frozenset[str]:
    """File kinds (extensions) a tool's description or path-argument descriptions name."""
    text = (
        spec.description
        + " "
        + " ".join(str(s.get("description", "")) for n, s in spec.properties.items() if spec.is_path(n))
    )
    text = _DESCRIPTION_EXAMPLES.sub(" ", text)  # (e.g. "*.pdf", "PDFs") shows a pattern, not kinds taken
    return frozenset(k for k in (_kind(w) for w in re.findall(r"\b[A-Za-z0-9]{2,8}\b", text)) if k in MEDIA_KINDS)


_DESCRIPTION_EXAMPLES = re.compile(r"\((?:e\.g\.|for\s+example|such\s+as)[^)]*\)|\"[^\"]*\"", re.I)


def sample_file(kinds: frozenset[str] | set[str]) -> str:
    """A stand-in file for rendering phrases and requests alike: ``photo.png`` for image kinds,
    ``recording.wav`` for audio kinds, ``notes.txt`` for anything else; what a request does
    ("what text is in photo.png") without what it is about."""
    if kinds & IMAGE_KINDS and not kinds & AUDIO_KINDS:
        return "photo.png"
    if kinds & AUDIO_KINDS and not kinds & IMAGE_KINDS:
        return "recording.wav"
    return "notes.txt"


# Names of kinds that are not their extension ("python files" are *.py).
_KIND_NAMES = {
    "python": "py", "markdown": "md", "javascript": "js", "typescript": "ts", "rust": "rs", "shell": "sh",
    "bash": "sh", "text": "txt", "word": "docx", "excel": "xlsx", "powerpoint": "pptx", "jpeg": "jpeg",
    "midi": "mid",
}  # fmt: skip
# Nouns that make the word before them a kind: "csv files", "png screenshots", "python scripts".
_KIND_NOUNS = (
    "files?|documents?|docs|screenshots?|images?|pictures?|photos?|scripts?|sheets?|spreadsheets?|recordings?"
    "|tracks?|songs?|clips?|videos?|reports?|notebooks?|sources?|modules?"
)
_OTHER_KINDS = frozenset({
    "jpeg", "tif", "htm", "ipynb", "bak", "tmp", "zip", "tar", "gz",
    "dwg", "dxf", "stl", "psd", "xls", "odt", "ods", "rtf", "mid",  # drawings, models, office files, scores
})  # fmt: skip
_EXTENSION_WORDS = (TEXT_KINDS | MEDIA_KINDS | _OTHER_KINDS | DATA_FORMATS) - {
    "c", "h", "go", "sh", "env"  # too common as words
}  # fmt: skip
_KIND_WORD = re.compile(
    r"\b(?:(?P<word>[A-Za-z0-9]{2,10}?)(?:(?P<noun>\s+(?:" + _KIND_NOUNS + r"))|s)"
    r"|(?P<every>(?:every|each|any|all)\s+(?:the\s+)?)(?P<one>[A-Za-z0-9]{2,11}))\b",
    re.I,
)
_DOTTED_KIND = re.compile(
    r"(?P<many>\b(?:any|all|every|each)\s+(?:the\s+)?)?(?<![\w*./~-])\.([A-Za-z][A-Za-z0-9]{0,7})\s+(?:[a-z]+\s+)?"
    r"(?P<noun>" + _KIND_NOUNS + r")\b"
)
_NOT_PLURAL = frozenset({"log", "doc", "md", "c"})  # "logs", "docs" are words of their own


def kind_pattern(text: str) -> str | None:
    """The file-name pattern a request's words for a kind of file mean: "all the PDFs" -> ``*.pdf``,
    "csv files" -> ``*.csv``, "python scripts" -> ``*.py``; None without such words."""
    for dotted in _DOTTED_KIND.finditer(text):  # "any .tex files", "every .gpx track file" (not "the .env file")
        if dotted.group("many") or dotted.group("noun").endswith("s"):
            return f"*.{dotted.group(2).lower()}"
    for m in _KIND_WORD.finditer(text):
        if m.group("every"):  # "every jpg in my Pictures folder", "all the PDFs"
            word = m.group("one").lower()
            word = word[:-1] if word not in _EXTENSION_WORDS and word.endswith("s") else word
            if word in _EXTENSION_WORDS and word not in _NOT_PLURAL:
                return f"*.{word}"
            if m.group("one").lower().endswith("s") and (ext := _KIND_NAMES.get(word)):  # "all the powerpoints"
                return f"*.{ext}"
            named = _KIND_WORD.match(text, m.start("one"))  # "all the MIDI files": a kind's name and its noun
            if named and named.group("noun") and (ext := _KIND_NAMES.get(named.group("word").lower())):
                return f"*.{ext}"
            continue
        word = m.group("word").lower()
        if m.group("noun"):
            ext = _KIND_NAMES.get(word) or (word if word in _EXTENSION_WORDS else None)
        else:  # "PDFs"
            ext = word if word in _EXTENSION_WORDS and word not in _NOT_PLURAL else None
        if ext:
            return f"*.{ext}"
    return None
