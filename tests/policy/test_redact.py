"""Group D (redaction parts): secrets and personal data never persisted (SECURITY-CASES D1-D4)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from llmos_shell.policy.audit import AuditLog
from llmos_shell.policy.redact import RedactionFailed, Redactor, Span, redact, redact_value

CANARIES = {
    "AKIAIOSFODNN7EXAMPLE": "<AWS_KEY>",
    "hunter2": "<PASSWORD>",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U": "<JWT>",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789": "<GITHUB_TOKEN>",
    "xoxb-1234567890-abcdefghij": "<SLACK_TOKEN>",
    "sk-proj-abcdefghijklmnopqrstuvwxyz12": "<API_KEY>",
}
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAcanary\nabc\n-----END RSA PRIVATE KEY-----"


def _spans(text: str) -> list[tuple[str, str]]:
    return [(s.entity, text[s.start : s.end]) for s in Redactor().analyze(text)]


def test_d1_canaries_become_placeholders():
    text = (
        "aws AKIAIOSFODNN7EXAMPLE\n" + PEM + "\npassword=hunter2\nAuthorization: Bearer abc123.def456-ghi789\n"
        "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\n"
        "gh ghp_abcdefghijklmnopqrstuvwxyz0123456789 slack xoxb-1234567890-abcdefghij "
        "openai sk-proj-abcdefghijklmnopqrstuvwxyz12"
    )
    out = redact(text)
    assert out == (
        "aws <AWS_KEY>\n<PRIVATE_KEY>\npassword=<PASSWORD>\nAuthorization: Bearer <BEARER_TOKEN>\n"
        "jwt <JWT>\ngh <GITHUB_TOKEN> slack <SLACK_TOKEN> openai <API_KEY>"
    )
    for canary in [*CANARIES, "MIIEpAIBAAKCAQEAcanary", "abc123.def456-ghi789"]:
        assert canary not in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('db_password: "s3cr3t pass"', "db_password: <PASSWORD>"),
        ("export API_KEY=abcd1234", "export API_KEY=<PASSWORD>"),
        ("https://bob:s3cret@example.com/x", "https://<CREDENTIALS>@example.com/x"),
        ("curl 'https://api.x.com/v1?token=tok_ABC123&q=1'", "curl 'https://api.x.com/v1?token=<PASSWORD>&q=1'"),
        ("-----BEGIN PRIVATE KEY-----\nunterminated canary", "<PRIVATE_KEY>"),
    ],
)
def test_d1_secret_forms(text, expected):
    assert redact(text) == expected


def test_d1_persisted_audit_has_no_canary(tmp_path):
    data = tmp_path / "data"
    log = AuditLog(data / "audit.jsonl")
    args = {"command": f"curl -H 'Authorization: Bearer {'x' * 20}' -d password=hunter2 http://x",
            "text": "key AKIAIOSFODNN7EXAMPLE\n" + PEM}  # fmt: skip
    log.record(tool="system.run", arguments=args, decision="ask", reason="pasted password=hunter2")
    blob = b"".join(p.read_bytes() for p in data.rglob("*") if p.is_file())
    for canary in ("hunter2", "AKIAIOSFODNN7EXAMPLE", "MIIEpAIBAAKCAQEAcanary", "x" * 20):
        assert canary.encode() not in blob
    assert b"<AWS_KEY>" in blob and b"<PRIVATE_KEY>" in blob


def test_d2_exact_spans():
    text = (
        "Contact jane.doe@example.org, card 4111111111111111, "
        "IBAN DE89370400440532013000, SSN 536-22-1234, phone +1 (212) 555-0134."
    )
    assert _spans(text) == [
        ("EMAIL", "jane.doe@example.org"),
        ("CREDIT_CARD", "4111111111111111"),
        ("IBAN", "DE89370400440532013000"),
        ("US_SSN", "536-22-1234"),
        ("PHONE", "+1 (212) 555-0134"),
    ]
    assert redact(text) == ("Contact <EMAIL>, card <CREDIT_CARD>, IBAN <IBAN>, SSN <US_SSN>, phone <PHONE>.")


def test_d2_checksums_reject_lookalikes():
    # Luhn-invalid card, mod-97-invalid IBAN, impossible SSNs: left alone
    assert _spans("4111111111111112 DE89370400440532013001 000-12-3456 666-12-3456 123-00-4567") == []


def test_d2_other_national_ids_and_spaced_forms():
    assert _spans("NINO AB 12 34 56 C, NIF 12345678Z, card 4111 1111 1111 1111, iban GB82 WEST 1234 5698 7654 32") == [
        ("UK_NINO", "AB 12 34 56 C"),
        ("ES_NIF", "12345678Z"),
        ("CREDIT_CARD", "4111 1111 1111 1111"),
        ("IBAN", "GB82 WEST 1234 5698 7654 32"),
    ]


def test_d2_known_false_positives_are_pinned():
    """Detector behaviour we know is wrong, pinned so a change is noticed."""
    # A bare 10-digit number that passes the NHS mod-11 check is an NHS number, even if it is
    # a phone number written without separators (Presidio's UK_NHS has the same false positive).
    assert _spans("call 4010232137 now") == [("UK_NHS", "4010232137")]
    # A Luhn-valid 16-digit order number is taken for a card.
    assert _spans("order 1234567812345670") == [("CREDIT_CARD", "1234567812345670")]
    # Formatted 3-3-4 digits are a phone number, never an NHS number.
    assert _spans("nhs 401 023 2137") == [("PHONE", "401 023 2137")]
    # Not flagged: dates, versions, short numbers, hashes.
    assert _spans("2024-01-15 v1.2.3 #12345 sha 9f86d081884c7d659a2feaa0c55ad015") == []


def test_d3_redactor_failure_fails_closed(tmp_path):
    def broken(text):
        raise ConnectionError("AnalyzerEngine could not load its model")

    r = Redactor([(broken, 1)])
    with pytest.raises(RedactionFailed, match="nothing was saved"):
        r.redact("password=hunter2")

    def bad_init():
        raise ConnectionError("download blocked")
        yield

    with pytest.raises(RedactionFailed, match="could not initialise"):
        Redactor(bad_init())
    log = AuditLog(tmp_path / "data" / "audit.jsonl", redactor=r)
    rec = log.record(tool="memory.remember", arguments={"text": "password=hunter2"}, decision="allow")
    assert rec["arguments"] == "<REDACTION_FAILED>"
    assert b"hunter2" not in (tmp_path / "data" / "audit.jsonl").read_bytes()
    assert RedactionFailed().exit_code == 1


def test_d4_exception_messages_are_redacted(tmp_path):
    try:
        raise RuntimeError("curl: (22) 401 for https://api.x.com/?api_key=sk-proj-abcdefghijklmnopqrstuvwxyz12")
    except RuntimeError as exc:
        message = str(exc)
    log = AuditLog(tmp_path / "data" / "audit.jsonl")
    log.record(tool="system.run", arguments={"command": "curl ..."}, decision="allow", outcome=f"error: {message}")
    blob = (tmp_path / "data" / "audit.jsonl").read_text()
    assert "sk-proj-abcdefghijklmnopqrstuvwxyz12" not in blob
    assert "api_key=<API_KEY>" in blob


def test_redact_value_recurses():
    assert redact_value({"a": ["mail bob@example.com", 3, None], "b": {"c": "AKIAIOSFODNN7EXAMPLE"}}) == {
        "a": ["mail <EMAIL>", 3, None],
        "b": {"c": "<AWS_KEY>"},
    }


def test_entities_filter_and_spans_type():
    r = Redactor(entities=["EMAIL"])
    assert r.redact("a@b.io 536-22-1234") == "<EMAIL> 536-22-1234"
    assert r.analyze("a@b.io") == [Span(0, 6, "EMAIL")]


def test_redaction_is_fast_enough_on_large_text():
    text = ("lorem ipsum dolor sit amet 12345 " * 30000) + "AKIAIOSFODNN7EXAMPLE"
    assert redact(text).endswith("<AWS_KEY>")


def test_audit_file_is_private(tmp_path):
    log = AuditLog(tmp_path / "data" / "audit.jsonl")
    log.record(tool="t", arguments={}, decision="allow")
    assert os.stat(log.path).st_mode & 0o777 == 0o600
    assert os.stat(Path(log.path).parent).st_mode & 0o777 == 0o700
