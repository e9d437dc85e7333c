"""Redaction of secrets and personal data before anything is persisted.

:func:`redact` (and :class:`Redactor`) replace each detected span with a
typed placeholder: ``<AWS_KEY>``, ``<PRIVATE_KEY>``, ``<PASSWORD>``,
``<BEARER_TOKEN>``, ``<GITHUB_TOKEN>``, ``<SLACK_TOKEN>``, ``<API_KEY>``,
``<JWT>``, ``<CREDENTIALS>``, ``<EMAIL>``, ``<CREDIT_CARD>`` (Luhn-valid),
``<IBAN>`` (mod-97 valid), ``<US_SSN>``, ``<PHONE>``, ``<UK_NHS>`` (mod-11
valid), ``<UK_NINO>``, ``<ES_NIF>`` (check letter valid).

The recognizers are our own regular expressions plus checksums, modelled on
Presidio's pattern recognizers. Presidio itself does run offline on a blank
spaCy pipeline, but it pulls in spaCy/thinc (about 390 MB installed) and its
URL/email recognizers call tldextract, which tries to download the public
suffix list on first use; a redactor on the persistence path must not touch the
network, so llmos does not use it (see docs/policy.md).

Any failure inside a recognizer raises :class:`RedactionFailed`: callers must
then persist nothing (fail closed) and show the warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import ExitCode, LlmosError

__all__ = ["RedactionFailed", "Redactor", "Span", "default_redactor", "redact", "redact_value"]


class RedactionFailed(LlmosError):
    """The redactor could not run; the caller must not persist the text."""

    exit_code = ExitCode.ERROR

    def __init__(self, message: str = "redaction failed; nothing was saved", *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint or "the text was not written to memory or logs")


@dataclass(frozen=True, order=True)
class Span:
    """A detected span ``text[start:end]`` of type ``entity`` (the placeholder without brackets)."""

    start: int
    end: int
    entity: str


Recognizer = Callable[[str], Iterable[Span]]


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _iban_ok(iban: str) -> bool:
    s = iban[4:] + iban[:4]
    num = "".join(str(int(c, 36)) for c in s)
    return int(num) % 97 == 1


def _nhs_ok(digits: str) -> bool:
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


_NIF_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def _regex(entity: str, pattern: str, flags: int = 0, *, group: int | str = 0, check=None) -> Recognizer:
    rx = re.compile(pattern, flags)

    def find(text: str) -> Iterable[Span]:
        for m in rx.finditer(text):
            if check is None or check(m):
                yield Span(m.start(group), m.end(group), entity)

    find.__name__ = f"recognize_{entity.lower()}"
    return find


def _card_check(m: re.Match[str]) -> bool:
    digits = re.sub(r"[ -]", "", m.group(0))
    return 13 <= len(digits) <= 19 and _luhn(digits)


def _iban_check(m: re.Match[str]) -> bool:
    raw = re.sub(r" ", "", m.group(0)).upper()
    return 15 <= len(raw) <= 34 and _iban_ok(raw)


def _ssn_check(m: re.Match[str]) -> bool:
    area, group, serial = m.group(1), m.group(2), m.group(3)
    return area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000"


def _nhs_check(m: re.Match[str]) -> bool:
    return _nhs_ok(re.sub(r"[ -]", "", m.group(0)))


def _nif_check(m: re.Match[str]) -> bool:
    return _NIF_LETTERS[int(m.group(1)) % 23] == m.group(2).upper()


def _phone_check(m: re.Match[str]) -> bool:
    digits = re.sub(r"\D", "", m.group(0))
    return 10 <= len(digits) <= 15


_SECRET_KEYS = (
    r"password|passwd|passphrase|pwd|pass|secret|client_secret|api_key|apikey|api-key|access_token|auth_token|"
    r"refresh_token|token|private_key|secret_key|aws_secret_access_key|db_password"
)

#: (recognizer, priority): on overlapping spans the higher priority, then the longer span, wins.
DEFAULT_RECOGNIZERS: tuple[tuple[Recognizer, int], ...] = (
    (
        _regex(
            "PRIVATE_KEY",
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----(?:.*?-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|.*\Z)",
            re.DOTALL,
        ),
        100,
    ),
    (_regex("CREDENTIALS", r"(?<=://)[^\s/:@]+:[^\s/@]+(?=@)"), 95),
    (
        _regex(
            "BEARER_TOKEN",
            r"(?i)\b(?:authorization|proxy-authorization)\s*[:=]\s*(?:bearer|basic|token|digest)\s+([A-Za-z0-9._~+/=-]{4,})",
            group=1,
        ),
        95,
    ),
    (_regex("BEARER_TOKEN", r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{16,}=*)", group=1), 90),
    (_regex("AWS_KEY", r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[0-9A-Z]{16}\b"), 90),
    (_regex("GITHUB_TOKEN", r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})\b"), 90),
    (_regex("SLACK_TOKEN", r"\bxox[abprsoe]-[A-Za-z0-9-]{10,}\b|https://hooks\.slack\.com/services/[A-Za-z0-9/]+"), 90),
    (
        _regex(
            "API_KEY",
            r"\bsk-(?:proj-|ant-|live_|test_)?[A-Za-z0-9_-]{20,}\b|\bhf_[A-Za-z0-9]{30,}\b|\bAIza[0-9A-Za-z_-]{35}\b|\bglpat-[A-Za-z0-9_-]{20,}\b|\bnpm_[A-Za-z0-9]{36}\b|\bxai-[A-Za-z0-9]{40,}\b",
        ),
        90,
    ),
    (_regex("JWT", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), 85),
    (
        _regex(
            "PASSWORD",
            rf"""(?i)(?:\b|_)(?:{_SECRET_KEYS})["']?\s*[=:]\s*("[^"\n]*"|'[^'\n]*'|[^\s,;&"'<>]+)""",
            group=1,
        ),
        80,
    ),
    (_regex("EMAIL", r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"), 70),
    (_regex("IBAN", r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b", check=_iban_check), 65),
    (
        _regex(
            "CREDIT_CARD",
            r"\b(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}(?:\1\d{1,3})?|\d{4}([ -])\d{6}\2\d{4,5})\b",
            check=_card_check,
        ),
        60,
    ),
    (_regex("US_SSN", r"\b(\d{3})-(\d{2})-(\d{4})\b", check=_ssn_check), 60),
    (
        _regex(
            "UK_NINO", r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
        ),
        55,
    ),
    (_regex("ES_NIF", r"\b(\d{8})-?([A-Za-z])\b", check=_nif_check), 55),
    (
        _regex(
            "PHONE",
            r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]\d{3,4}\b|(?<![\w+])\+\d{10,14}\b",  # noqa: E501
            check=_phone_check,
        ),
        50,
    ),
    (_regex("UK_NHS", r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b", check=_nhs_check), 40),
)


class Redactor:
    """Finds and replaces secrets and personal data.

    Args:
        recognizers: ``(callable, priority)`` pairs; each callable takes the text
            and yields :class:`Span`. Defaults to :data:`DEFAULT_RECOGNIZERS`.
        entities: if given, only these entity types are redacted.
    """

    def __init__(
        self,
        recognizers: Iterable[tuple[Recognizer, int]] | None = None,
        *,
        entities: Iterable[str] | None = None,
    ) -> None:
        try:
            self._recognizers = tuple(DEFAULT_RECOGNIZERS if recognizers is None else recognizers)
        except Exception as exc:  # noqa: BLE001 - any init failure means: do not persist
            raise RedactionFailed(f"redactor could not initialise: {type(exc).__name__}: {exc}") from None
        self._entities = frozenset(entities) if entities is not None else None

    def analyze(self, text: str) -> list[Span]:
        """The spans to replace, sorted and non-overlapping. Raises :class:`RedactionFailed`."""
        if not isinstance(text, str):
            raise RedactionFailed(f"cannot redact a {type(text).__name__}; expected text")
        found: list[tuple[int, int, Span]] = []
        try:
            for recognizer, priority in self._recognizers:
                for span in recognizer(text):
                    if self._entities is None or span.entity in self._entities:
                        if span.end > span.start:
                            found.append((priority, span.end - span.start, span))
        except RedactionFailed:
            raise
        except Exception as exc:  # noqa: BLE001 - fail closed on any recognizer error
            raise RedactionFailed(f"redaction failed ({type(exc).__name__}: {exc}); nothing was saved") from None
        found.sort(key=lambda t: (-t[0], -t[1], t[2].start))
        taken: list[Span] = []
        for _, _, span in found:
            if all(span.end <= s.start or span.start >= s.end for s in taken):
                taken.append(span)
        return sorted(taken)

    def redact(self, text: str) -> str:
        """``text`` with every detected span replaced by ``<ENTITY>``. Raises :class:`RedactionFailed`."""
        spans = self.analyze(text)
        if not spans:
            return text
        out: list[str] = []
        pos = 0
        for s in spans:
            out.append(text[pos : s.start])
            out.append(f"<{s.entity}>")
            pos = s.end
        out.append(text[pos:])
        return "".join(out)

    __call__ = redact

    def redact_value(self, value: Any) -> Any:
        """Redact every string inside a JSON-like value (dict keys stay, values are redacted)."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {k: self.redact_value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.redact_value(v) for v in value]
        if value is None or isinstance(value, (bool, int, float)):
            return value
        return self.redact(str(value))


_default: Redactor | None = None


def default_redactor() -> Redactor:
    """The shared redactor with the default recognizers."""
    global _default
    if _default is None:
        _default = Redactor()
    return _default


def redact(text: str) -> str:
    """Redact ``text`` with the default recognizers; raises :class:`RedactionFailed` on any failure."""
    return default_redactor().redact(text)


def redact_value(value: Any) -> Any:
    """Redact every string in a JSON-like value with the default recognizers."""
    return default_redactor().redact_value(value)
