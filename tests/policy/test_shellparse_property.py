"""Property-style tests over a generated corpus (seeded, no extra dependency).

Random concatenations of known-destructive commands with benign ones, separators,
wrappers and nesting must never be classified *allow*; when they parse, the
destructive part must actually have been found. Benign-only concatenations must
parse and stay *allow* (so the first property is not met by refusing everything).
"""

from __future__ import annotations

import random
import shlex

import pytest

from llmos_shell.policy.actions import Decision
from llmos_shell.policy.shellparse import classify_command

DESTRUCTIVE = [
    "rm -rf ~",
    "rm -r -f /",
    "rm --recursive --force .",
    "find . -delete",
    "git reset --hard",
    "git clean -fdx",
    "dd if=/dev/zero of=/dev/sda",
    "mkfs.ext4 /dev/sda1",
    "chmod -R 000 ~",
    "shred -u secret",
    "truncate -s 0 db.sqlite",
    "echo x > important.txt",
    "cat a >> b",
    "sed -i s/a/b/ f",
    "git push --force origin main",
    "rm x",
]
BENIGN = ["ls -la", "git status", "echo hi", "cat notes.txt", "grep -r todo .", "wc -l", "pwd", "true",
          "echo 'a; b && c'", 'echo "x | y"', "date +%s", "ls 2>/dev/null", "git log --oneline -5"]  # fmt: skip
SEPARATORS = [" ; ", ";", " && ", "&&", " || ", " | ", "|", " & ", "\n", " ;\n", " |& "]
WRAPPERS = ["", "", "sudo ", "env X=1 ", "nice -n 5 ", "timeout 5 ", "nohup ", "command ", "exec ", "time ",
            "sudo -u root env A=1 B=2 "]  # fmt: skip
BENIGN_WRAPPERS = ["", "", "nice -n 5 ", "timeout 5 ", "command ", "time ", "env X=1 "]


def _nest(rng: random.Random, cmd: str, depth: int) -> str:
    if depth <= 0 or rng.random() < 0.45:
        return cmd
    form = rng.randrange(13)
    inner = _nest(rng, cmd, depth - 1)
    return [
        lambda: f"echo $( {inner} )",  # "$((" would be arithmetic: nothing runs
        lambda: f'echo "$( {inner} )"',
        lambda: f"bash -c {shlex.quote(inner)}",
        lambda: f"sh -c {shlex.quote(inner)}",
        lambda: f"( {inner} )",
        lambda: f"{{ {inner}; }}",
        lambda: f"if true; then {inner}; fi",
        lambda: f"for f in a b; do {inner}; done",
        lambda: f"while false; do :; done; {inner}",
        lambda: f"cat <({inner})",
        lambda: f"eval {shlex.quote(inner)}",
        lambda: f"echo ${{X:-$( {inner} )}}",
        lambda: f"f() {{ {inner}; }}; f",
    ][form]()


def _chain(rng: random.Random, pieces: list[str]) -> str:
    out = pieces[0]
    for p in pieces[1:]:
        out += rng.choice(SEPARATORS) + p
    return out


def _destructive_corpus(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    corpus = []
    for _ in range(n):
        bad = rng.choice(WRAPPERS) + rng.choice(DESTRUCTIVE)
        pieces = [rng.choice(BENIGN) for _ in range(rng.randint(0, 3))]
        pieces.insert(rng.randint(0, len(pieces)), _nest(rng, bad, 3))
        corpus.append(_nest(rng, _chain(rng, pieces), 1))
    return corpus


@pytest.mark.parametrize("seed", range(6))
def test_destructive_never_allowed_in_random_chains(seed):
    for cmd in _destructive_corpus(400, seed):
        v = classify_command(cmd)
        assert v.decision is not Decision.ALLOW, cmd
        assert v.destructive or not v.parsed, (cmd, v.reasons)


@pytest.mark.parametrize("seed", range(3))
def test_destructive_never_allowed_with_random_junk(seed):
    """Add random shell punctuation around a destructive command: whatever the parser makes of it, never allow."""
    rng = random.Random(1000 + seed)
    # no "#" or "\\": a comment or a line continuation can legitimately turn the command into text
    junk = ["'", '"', "(", ")", "{", "}", "`", "$(", "${", "<<", "&", "|", ";", "$'", "\n", "[[", "]]",
            "((", "))", "&>", "<(", " ", "<", ">"]  # fmt: skip
    for _ in range(400):
        bad = rng.choice(WRAPPERS) + rng.choice(DESTRUCTIVE)
        noise = "".join(rng.choice(junk) for _ in range(rng.randint(1, 4)))
        cmd = rng.choice([f"{bad} {noise}", f"{noise}\n{bad}", f"{noise} ; {bad}", f"ls {noise}\n{bad}"])
        v = classify_command(cmd)
        assert v.decision is not Decision.ALLOW, cmd


@pytest.mark.parametrize("seed", range(3))
def test_benign_chains_stay_allowed(seed):
    rng = random.Random(500 + seed)
    for _ in range(300):
        pieces = [rng.choice(BENIGN_WRAPPERS) + rng.choice(BENIGN) for _ in range(rng.randint(1, 4))]
        cmd = _chain(rng, pieces)
        if rng.random() < 0.5:
            cmd = rng.choice([f"( {cmd} )", f"{{ {cmd}; }}", f"echo $({cmd})", f"if true; then {cmd}; fi"])
        v = classify_command(cmd)
        assert v.parsed and v.decision is Decision.ALLOW, (cmd, v.reasons)


def test_random_text_never_crashes():
    rng = random.Random(42)
    alphabet = [*list("abc rm-f;&|()<>{}[]$`'\"\\#=*?!~\n\t"), "$(", "${", "$((", "<<", "&&", "||", "$'"]
    for _ in range(3000):
        cmd = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        v = classify_command(cmd)
        assert v.decision in (Decision.ALLOW, Decision.ASK, Decision.DENY)
        if v.decision is Decision.ALLOW:
            assert all(s.decision is Decision.ALLOW for s in v.segments)
