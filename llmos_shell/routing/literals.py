"""Arguments that literally occur in a request: URLs, quoted text, paths, globs, numbers."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

__all__ = [
    "Literals", "basename", "extract_literals", "has_separator", "inside_quotes", "looks_like_path", "word_spans",
]  # fmt: skip

# Files commonly named without an extension.
WELL_KNOWN_NAMES = frozenset(
    "Dockerfile Makefile Containerfile Procfile Gemfile Rakefile Vagrantfile Justfile README LICENSE CHANGELOG "
    "CONTRIBUTING AUTHORS NOTICE COPYING".split()
)
# Formats named by their extension that no tool declares: data tables, office files, camera raws, projects.
DATA_FORMATS = frozenset("parquet feather avro xls ods odt rtf psd dng cr2 nef arw scriv".split())
# ".md" alone names a kind of file, not a dotfile ("all .md files", "every .py under src").
_EXTENSIONS = (
    frozenset(
        "md txt rst csv tsv json jsonl yaml yml toml ini cfg log py js ts c h cpp rs go java sh html xml sql "
        "png jpg jpeg gif bmp tiff tif heic webp svg wav mp3 flac ogg m4a opus aac pdf docx xlsx pptx epub mp4 mkv mov "
        "avi webm ipynb bak tmp zip gz tar".split()
    )
    | DATA_FORMATS
)
_URL = re.compile(r"\bhttps?://[^\s\"'<>]+", re.I)
_QUOTED = re.compile(
    r"(?<![\w(\[{=])(?:\"([^\"]+)\"|“([^”]+)”|\u2018([^\u2019]+)\u2019|`([^`]+)`"
    r"|'((?:[^']|'(?=[a-z]\b))+)'(?![\w]))"  # 'Bach's Goldberg Variations': an apostrophe inside
)
# Each lookbehind holds its run's own characters: a match starts only where a run does (a run of
# 40,000 dots is not tried from each of its dots).
_GLOB = re.compile(r"(?<![\w./-])(?:[\w./-]*\*[\w.*?/-]*|[\w./-]+\?+[\w.*/-][\w.*?/-]*)")  # not "anywhere??"
_PATH = re.compile(
    # C:\Users\ana\notes.txt, D:\Manuals, C:\Voice\memo 12.wav (a file name of two words)
    r"(?<![\w\\])[A-Za-z]:\\(?:[^\s\\\"'<>|?*:]+\\)*"
    r"(?:[^\s\\\"'<>|?*:]+\x20[^\s\\\"'<>|?*:.]+\.[A-Za-z0-9]{1,8}\b|[^\s\\\"'<>|?*:]*)"
    r"|(?<![\w\\])\\\\[\w.$-]+(?:\\[^\s\\\"'<>|?*:]+)+\\?"  # \\server\share\file
    r"|(?<![\w/\\])[A-Za-z]:/(?:[^\s/\"'<>|?*:]+/)*[^\s/\"'<>|?*:]*"  # C:/TaxDocs/1099s
    # notes\dock.txt, reports\2024\ (a relative Windows path: an extension or a closing "\")
    r"|(?<![\w\\/.:-])[\w+-][\w.+-]*(?:\\[\w.+-]+)*\\(?:[\w+-][\w+-]*\.[A-Za-z][A-Za-z0-9]{0,7}\b|(?=[\s,.;?!]|$))"
    r"|(?<![\w\\/.:-])[A-Za-z][\w.+-]+(?:\\[A-Za-z][\w.+-]+)+(?![\w\\])"  # Documents\Maths (no "\n" escapes)
    r"|(?<![\w@])(?:~|\.{1,2})?(?:/[\w.@+-]+)+/?"  # /abs/path, ~/x, ./x, ../x
    r"|(?<![\w@/+-])[\w@+-]++(?:/[\w.@+-]+)+/?"  # rel/path/file
    r"|(?<![\w@/.+-])\.[\w@+-]++(?:/[\w.@+-]+)+/?"  # .github/workflows/ci.yml
    r"|(?<![\w@/.+-])[\w.+-]++/(?![\w])"  # dir/
    r"|(?<![\w@/+-])[\w+-][\w.+-]*\.(?!(?:com|org|net|edu|gov)\b)[A-Za-z][A-Za-z0-9]{0,7}\b"  # file.ext, not a host
    r"|(?<![\w@/.*])\.[A-Za-z][\w.+-]*(?![\w*])(?!\s+files?\b)"  # .env, .gitignore (not ".md files")
    r"|\b(?:" + "|".join(sorted(WELL_KNOWN_NAMES)) + r")\b"  # well-known names without an extension
)
_DATE_FORMAT = re.compile(r"(?:D{1,2}|M{1,3}|Y{2,4})(?:[/.-](?:D{1,2}|M{1,3}|Y{2,4})){1,2}")  # DD/MM/YYYY is no path
# "approved on 14/03", "2.5 g/L", "30 km/h": a date or a unit, unless such a file is here
_DATE_OR_UNIT = re.compile(r"\d{1,4}(?:/\d{1,4}){1,2}|[A-Za-z]{1,2}/[A-Za-z]{1,3}")
_SEPARATOR = re.compile(r"[/\\]")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.]*[a-zA-Z/])")
_TRAIL = ".,;:!?)]}'\""


@dataclass
class Literals:
    urls: list[str] = field(default_factory=list)
    quoted: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    globs: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {k: v for k, v in self.__dict__.items() if v}


def inside_quotes(text: str, at: int) -> bool:
    """Position ``at`` of ``text`` lies inside quoted text: the colon of "containing '## CVE: ...'"."""
    return any(m.start() < at < m.end() for m in _QUOTED.finditer(text))


def _add(items: list[str], value: str) -> None:
    value = value.strip()
    if value and value not in items:
        items.append(value)


def extract_literals(text: str) -> Literals:
    lit = Literals()
    rest = text
    for m in _QUOTED.finditer(text):  # before URLs: "save 'API_URL=http://x:3000' to .env"
        _add(lit.quoted, next(g for g in m.groups() if g is not None))
    for m in _URL.finditer(text):
        _add(lit.urls, m.group(0).rstrip(_TRAIL))
        rest = rest.replace(m.group(0), " ")
    for m in _GLOB.finditer(rest):
        _add(lit.globs, m.group(0).rstrip(_TRAIL))
    for m in _PATH.finditer(rest):
        value = m.group(0).rstrip(".,;:!?)]}'\"")
        if value.startswith(".") and value[1:].lower() in _EXTENSIONS:
            continue  # an extension, which fill.py turns into a pattern
        inside_glob = any(value in g for g in lit.globs)  # "_1040_draft.pdf" of "*_1040_draft.pdf"
        date_or_unit = _DATE_OR_UNIT.fullmatch(value) is not None and not _exists(value)
        if value and not inside_glob and not re.fullmatch(r"\d+(\.\d+)?", value) and not _is_abbrev(value) \
                and not _DATE_FORMAT.fullmatch(value) and not date_or_unit:  # fmt: skip
            _add(lit.paths, value)
    for m in _NUMBER.finditer(rest):
        _add(lit.numbers, m.group(0))
    spaced = [q for q in lit.quoted if " " in q and (_quoted_path(q, text) or _QUOTED_TREE.fullmatch(q))]
    spaced += [m.group(1) for m in _NAMED_SPACED.finditer(rest) if m.group(1).split()[0].lower() not in _NOT_NAMES]
    spaced += [m.group(1) for m in _TITLED_FOLDER.finditer(rest)]
    spaced += _spaced_paths(rest, lit.paths)
    spaced += _existing_with_words_before(rest, lit.paths)
    # longest first: "add 'IRS Pub 535.pdf' to the library", "a file named phone numbers.txt"
    for name in sorted(spaced, key=len, reverse=True):
        if any(name in p for p in lit.paths if " " in p):
            continue  # a part of a longer one: "~/My Drive/Old" of "~/My Drive/Old Notes"
        inside = [i for i, p in enumerate(lit.paths) if p in name]
        lit.paths = [p for p in lit.paths if p not in name]
        lit.paths.insert(inside[0] if inside else len(lit.paths), name)
    lit.paths = [p for p in lit.paths if not any(_names_part(p, q) for q in lit.paths if q != p)]
    return lit


# A file name of two or three words, said after "named"/"called": "a file named phone numbers.txt".
_NAMED_SPACED = re.compile(
    r"\b(?:named|called|titled)\s+((?:[A-Za-z0-9_'-]+\s+){1,2}[\w-]+\.(?:" + "|".join(sorted(_EXTENSIONS)) + r"))\b",
    re.I,
)
# "called my notes.txt", "I named it cookies.txt"
_NOT_NAMES = frozenset("the a an my your our this that his her their it them these those".split())
# A folder whose last name is words in title case, as folders are named on desktops:
# "Open the folder Documents/Lesson Plans and tell me what's inside".
_TITLED_FOLDER = re.compile(
    r"(?<![\w/.~-])((?:~/|\.{1,2}/|/)?(?:[\w.-]+/)+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){1,2})(?=\s+[a-z]|[\s.?!]*$|[,;:!?])"
)
# A quoted path with spaces and a folder part: "~/Listings/412 Maple Ave/photos", 'C:\\My Docs\\x'.
_QUOTED_TREE = re.compile(r"(?:~|\.{1,2}|[A-Za-z]:)?[/\\](?:[^\s/\\]+(?:\x20(?!-)[^\s/\\]+)*[/\\])*[^/\\]*")
_QUOTED_FOLDER = r"\s*[\"'\u2019\u201d`]\s+(?:folder|directory|dir)\b"  # "the 'Q3 receipts' folder"


# Words that end an unquoted path with spaces: what comes after the path, not a part of its names.
_PATH_BREAKS = frozenset(
    "and or to into onto from with for then in on as by via than but so if the a an please pls plz now again "
    "too also first here there today instead only quickly recursively thanks thx real is are was were".split()
)
# Words after a folder that are no part of its name: "my ~/phd folder", "~/Downloads rn".
_NOT_PATH_NAMES = frozenset("folder folders directory directories dir files file somewhere anywhere rn pls".split())
_TOKEN = re.compile(r"\s+(\S+)")
MAX_SPACED_WORDS = 5  # "~/Desktop/Screenshot 2024-05-02 at 10.14.33.png": words between a path's parts


def _spaced_paths(text: str, paths: list[str]) -> list[str]:
    """Paths whose names hold spaces, unquoted: a folder path whose next words lead to more of it
    ("~/Listings/412 Maple Ave/photos/a.jpg", "C:\\Voice Notes\\memo.m4a", "Downloads/ww2 textbook.pdf"),
    or end the request ("find the PDFs under ~/Documents/CE credits"); an existing path on disk decides."""
    found = []
    for path in paths:
        if not has_separator(path) or path.endswith(("/", "\\")) or "." in basename(path):
            continue
        at = text.find(path)
        if at < 0 or not re.match(r"\s", text[at + len(path) : at + len(path) + 1]):
            continue
        words: list[str] = []
        end, part = at + len(path), 0  # part: how many words reach the last one that leads on
        for m in _TOKEN.finditer(text, end):
            if m.start() != end or len(words) - part == MAX_SPACED_WORDS:
                break
            word = m.group(1)
            bare = word.rstrip(_TRAIL)
            if bare.lower() in _PATH_BREAKS or bare.lower().endswith("ly") or not re.search(r"\w", bare):
                break
            words.append(bare)
            end = m.start(1) + len(bare)
            if _SEPARATOR.search(bare) or _extension(bare):
                part = len(words)  # "Voice Notes\\memo 3.m4a": more of the path, maybe not its end yet
            if word != bare or _extension(bare):
                break  # punctuation or an extension: the path ends here
        if part:
            found.append(path + " " + " ".join(words[:part]))
            continue
        if not words:
            continue
        joined = path + " " + " ".join(words)
        last, after = words[-1], text[end:]
        ends = re.fullmatch(r"[\s.?!]*", after) is not None or re.match(r"[,;]", after) is not None
        one_name = len(words) == 1 and last.isalnum() and last.lower() not in _NOT_PATH_NAMES
        titled = basename(path)[:1].isupper() and all(w[:1].isupper() or w.isdigit() for w in words)
        if _exists(joined) or (not _exists(path) and ((ends and one_name) or titled)):
            found.append(joined)
    return found


def _extension(word: str) -> bool:
    m = re.search(r"\.([A-Za-z][A-Za-z0-9]{0,7})$", word)
    return m is not None and m.group(1).lower() in _EXTENSIONS


MAX_WORDS_BEFORE = 3


def _existing_with_words_before(text: str, paths: list[str]) -> list[str]:
    """A file name that does not exist here, but does with the words said before it: "describe
    holiday pic.jpg", "listen to memo from Tom.m4a" when ``holiday pic.jpg`` or ``memo from Tom.m4a``
    is on disk (the longest such name; without one on disk, the name as written)."""
    found = []
    for path in paths:
        if " " in path or not _extension(basename(path)) or _exists(path):
            continue
        m = re.search(r"((?:[^\s/\\\"'`]+\s+){1," + str(MAX_WORDS_BEFORE) + r"})" + re.escape(path), text)
        words = m.group(1).split() if m else []
        for n in range(len(words), 0, -1):
            name = " ".join(words[-n:]) + " " + path
            if _exists(name):
                found.append(name)
                break
    return found


def _exists(path: str) -> bool:
    try:
        return os.path.exists(os.path.expanduser(path))
    except (OSError, ValueError):
        return False


def _quoted_path(quoted: str, text: str) -> bool:
    """A quoted name with spaces is a path when it ends in a known extension ("how to use email.txt")
    or the request calls it a folder ("every file in the 'Q3 receipts' folder", "the folder 'Old Scans'");
    a quoted sentence is not."""
    if len(quoted) > 80 or len(quoted.split()) > 6 or re.search(r"[,;:!?]\s", quoted):
        return False
    if sum(bool(re.search(r"\w\.[A-Za-z]\w{0,7}$", w)) for w in quoted.split()) > 1:
        return False  # two file names: a command line ("convert ch45.psd ch45.png"), not one path
    ext = re.search(r"\.([A-Za-z][A-Za-z0-9]{0,7})$", quoted)
    if ext:
        return ext.group(1).lower() in _EXTENSIONS
    return (
        re.search(re.escape(quoted) + _QUOTED_FOLDER, text, re.I) is not None
        or re.search(r"\b(?:folder|directory|dir)\s+[\"'\u2018\u201c`]" + re.escape(quoted), text, re.I) is not None
    )


def _names_part(short: str, path: str) -> bool:
    """``short``, a name without an extension, names ``path``'s file again: "README" of "docs/README.md".
    ("notes.md" and "~/backup/notes.md" are two files: copy the one to the other.)"""
    if "." in short or has_separator(short):
        return False
    last = basename(path)
    return last != short and last.split(".", 1)[0] == short


def basename(path: str) -> str:
    """The last part of a path, with "/" or "\\" between parts: "C:\\temp\\a.txt" -> "a.txt"."""
    return _SEPARATOR.split(path.rstrip("/\\"))[-1]


def has_separator(path: str) -> bool:
    """A folder part in ``path`` ("docs/a.md", "C:\\temp"); a trailing "/" alone is none."""
    return _SEPARATOR.search(path.rstrip("/\\")) is not None


def _is_abbrev(value: str) -> bool:
    """``e.g``/``i.e`` and similar are not file names."""
    return bool(re.fullmatch(r"(?:[a-zA-Z]\.){1,3}[a-zA-Z]?", value))


def word_spans(text: str, *, max_words: int = 40, limit: int = 600) -> list[str]:
    """Contiguous word spans of ``text`` (longest first), for copy-only string choices."""
    words = text.split()[:max_words]
    spans: list[str] = []
    for length in range(len(words), 0, -1):
        for start in range(0, len(words) - length + 1):
            span = " ".join(words[start : start + length]).strip(_TRAIL + " ")
            if span and span not in spans:
                spans.append(span)
                if len(spans) >= limit:
                    return spans
    return spans


def looks_like_path(value: str) -> bool:
    """A path argument must look like one: a '/', '.' or '~' in it, or an existing file or folder.

    A template slot can capture any words ("write a story about {path}" would take
    "dragon"); words that are not a path are reported missing, never passed on.
    """
    value = value.strip()
    if not value or len(value) > 4096 or "\n" in value:
        return False
    try:
        if os.path.exists(os.path.expanduser(value)):
            return True
    except (OSError, ValueError):
        return False
    if " " in value or re.fullmatch(r"[+-]?[\d.,]*\d", value):  # 4,318.27 is a number, not a file
        return False
    return value == "." or any(c in value for c in "/\\~*") or "." in value.strip(".")
