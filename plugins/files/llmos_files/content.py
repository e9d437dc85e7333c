"""Is it text? Which tool should handle it if not?"""

from __future__ import annotations

__all__ = ["binary_hint", "decode_text", "kind_of", "known_binary", "looks_binary"]

SNIFF = 8192

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "pdf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"BM", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"fLaC", "audio"),
    (b"OggS", "audio"),
    (b"ID3", "audio"),
    (b"\xff\xfb", "audio"),
    (b"\xff\xf3", "audio"),
    (b"PK\x03\x04", "archive"),
    (b"\x1f\x8b", "archive"),
    (b"\x7fELF", "program"),
)

_EXT_KIND = {
    **dict.fromkeys(("png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "ppm", "heic"), "image"),
    **dict.fromkeys(("wav", "mp3", "flac", "ogg", "m4a", "opus", "aac"), "audio"),
    **dict.fromkeys(("zip", "gz", "tgz", "bz2", "xz", "7z", "tar", "docx", "xlsx", "pptx", "odt"), "archive"),
    "pdf": "pdf",
}

_HINTS = {
    "image": "it is an image: use vision.read_text to read its text or vision.describe to describe it",
    "audio": "it is audio: use speech.transcribe to get its words",
    "pdf": "it is a PDF: use retrieval.ingest on it, then retrieval.ask questions about it",
    "archive": "it is an archive or office document, which files.read cannot show",
    "program": "it is a compiled program, which files.read cannot show",
}


def looks_binary(head: bytes) -> bool:
    """True for data that is not text: a NUL byte, or mostly undecodable / control bytes."""
    sample = head[:SNIFF]
    if not sample:
        return False
    if b"\x00" in sample:
        # UTF-16 text has NULs too; accept it when it carries a BOM.
        return not sample.startswith((b"\xff\xfe", b"\xfe\xff"))
    text = sample.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") + sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f\v\x1b")
    # A multibyte character cut at the end of the sample is not evidence of binary data.
    return bad > max(3, len(text) // 50)


def kind_of(name: str, head: bytes) -> str:
    """``image``, ``audio``, ``pdf``, ``archive``, ``program`` or ``binary``, from magic bytes then extension."""
    for magic, kind in _MAGIC:
        if magic == b"BM" and not name.lower().endswith(".bmp"):
            continue  # too short a signature to trust without the extension
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _EXT_KIND.get(ext, "binary")


def known_binary(name: str, head: bytes) -> bool:
    """True when magic bytes or the extension name a binary format (a PDF is mostly ASCII, yet binary)."""
    return kind_of(name, head) != "binary"


def binary_hint(name: str, head: bytes) -> str:
    """A sentence telling the model which tool can handle this binary file."""
    return _HINTS.get(kind_of(name, head), "it is a binary file, which files.read cannot show as text")


def decode_text(data: bytes, *, truncated: bool = False) -> str:
    """Decode file bytes as text: UTF-8 (BOM dropped), UTF-16 with a BOM, else UTF-8 with replacements.

    When the data was cut (``truncated``), a multibyte character split at the end is dropped.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8", errors="replace")
    return text.rstrip("\ufffd") if truncated else text
