"""Edge cases of the standard-library shell parser (llmos_shell/policy/shlexer.py) and the classifier on top."""

from __future__ import annotations

import sys

import pytest

from llmos_shell.policy.actions import Decision
from llmos_shell.policy.shellparse import classify_command
from llmos_shell.policy.shlexer import ParseError, parse


def argvs(cmd: str) -> list[tuple[str, ...]]:
    v = classify_command(cmd)
    assert v.parsed, (cmd, v.reasons)
    return [s.argv for s in v.segments]


def words(cmd: str) -> list[str]:
    tree = parse(cmd)
    node = tree.children[0]
    assert node.kind == "simple", node.kind
    return [w.value for w in node.words]


# -- words, quotes, escapes ------------------------------------------------------------------
@pytest.mark.parametrize(
    "cmd, expected",
    [
        ("ls 'a'\"b\"$'c'", ["ls", "abc"]),
        ("echo a\\ b", ["echo", "a b"]),
        ("echo 'it''s'", ["echo", "its"]),
        ('echo "a\\"b" "\\$x" "\\q"', ["echo", 'a"b', "$x", "\\q"]),
        ("echo $'a\\x20b\\t\\101\\u00e9\\n'", ["echo", "a b\tA\u00e9\n"]),
        ("echo $'\\cA\\e'", ["echo", "\x01\x1b"]),
        ('echo $"hi"', ["echo", "hi"]),
        ("echo a#b", ["echo", "a#b"]),
        ("echo $x ${y} $@ $1 $", ["echo", "$x", "${y}", "$@", "$1", "$"]),
        ("r\\\nm -rf x", ["rm", "-rf", "x"]),
        ("echo \\$HOME \\`x\\`", ["echo", "$HOME", "`x`"]),
    ],
)
def test_word_values(cmd, expected):
    assert words(cmd) == expected


@pytest.mark.parametrize(
    "cmd",
    [
        "echo 'a; rm -rf x'",
        'echo "a && rm -rf x | sh"',
        'git commit -m "fix: a && b; c | d > e"',
        "grep -E 'foo|bar' .",
        "echo '$(rm -rf x)' '`rm -rf x`'",
        'echo "\\$(rm -rf x)"',
        "echo \\`rm -rf x\\`",
        "echo \\; rm -rf x",
        "ls # ; rm -rf x",
        "echo hi #$(rm -rf x)",
        "# only a comment",
    ],
)
def test_operators_inside_quotes_escapes_and_comments_are_text(cmd):
    v = classify_command(cmd)
    assert v.parsed and v.decision is Decision.ALLOW, (cmd, v)
    assert not any(s.argv[:1] == ("rm",) for s in v.segments)


@pytest.mark.parametrize(
    "cmd",
    [
        "echo a#$(rm -rf x)",  # '#' inside a word is not a comment
        "ls # c\nrm -rf x",  # a comment ends at the newline
        "ls \\\n && rm -rf x",  # line continuation
        "ls &&\n\n rm -rf x",
        "r''m -rf x",
        '"rm" -rf x',
        "\\rm -rf x",
        "$'rm' -rf x",
        "ls\r\nrm -rf x",
    ],
)
def test_hidden_rm_is_found(cmd):
    v = classify_command(cmd)
    assert v.parsed and v.destructive, (cmd, v)
    assert ("rm", "-rf", "x") in [s.inner for s in v.segments]


# -- substitutions -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cmd, depth",
    [
        ('echo "$(echo "$(rm -rf x)")"', 2),
        ("echo $(echo $(echo $(rm -rf x)))", 3),
        ("echo `echo \\`rm -rf x\\``", 2),
        ('echo `echo "\\`rm -rf x\\`"`', 2),
        ("echo ${x:-$(rm -rf x)}", 1),
        ('echo ${x:-"$(rm -rf x)"}', 1),
        ("echo ${x[$(rm -rf x)]}", 1),
        ("echo $(( 1 + $(rm -rf x) ))", 1),
        ("echo $(( $(( $(rm -rf x) )) ))", 1),
        ("cat <(rm -rf x)", 1),
        ("tee >(rm -rf x) < f", 1),
        ("echo a>(rm -rf x)", 1),
        ('cat <(echo "$(rm -rf x)")', 2),
        ("arr=(a b $(rm -rf x))", 1),
        ("X=$(rm -rf x) ls", 1),
        ("ls > $(rm -rf x)", 1),
        ("for f in $(rm -rf x); do :; done", 1),
        ("[[ -n $(rm -rf x) ]]", 1),
        ("ls $(echo ')'; rm -rf x)", 1),
        ("echo $(# a comment )\nrm -rf x\n)", 1),
    ],
)
def test_nested_substitutions_are_classified(cmd, depth):
    v = classify_command(cmd)
    assert v.parsed and v.decision is Decision.ASK and v.destructive, (cmd, v)
    rm = [s for s in v.segments if s.inner == ("rm", "-rf", "x")]
    assert rm and rm[0].depth == depth, [(s.argv, s.depth) for s in v.segments]


def test_substitution_segments_come_before_the_command_that_uses_them():
    assert argvs("echo $(date)") == [("date",), ("echo", "$(date)")]


def test_harmless_substitutions_and_arithmetic_are_allowed():
    for cmd in ("echo $(date +%s)", "echo $(($(date +%s) - 5))", "for ((i=0;i<3;i++)); do echo $i; done",
                "x=$(git rev-parse HEAD)", "echo ${HOME}/x ${#x} ${x%%.*}", "(( n = 1 + 2 ))"):  # fmt: skip
        v = classify_command(cmd)
        assert v.parsed and v.decision is Decision.ALLOW, (cmd, v)


# -- compound commands and operators ------------------------------------------------------------
def test_all_separators_split_segments():
    assert argvs("ls -la;ls&&ls||ls|ls&ls|&ls\nls") == [("ls", "-la")] + [("ls",)] * 7


def test_tree_shape():
    tree = parse("! a | b && { c; } || (d) ; f() { g; }")
    assert tree.kind == "list" and tree.ops == [";"]
    and_or = tree.children[0]
    assert and_or.ops == ["&&", "||"]
    assert and_or.children[0].kind == "pipeline" and and_or.children[0].negated
    assert [c.kind for c in and_or.children[1:]] == ["group", "subshell"]
    assert tree.children[1].kind == "function" and tree.children[1].name == "f"


@pytest.mark.parametrize(
    "cmd",
    [
        "if true; then ls; elif false; then ls; else rm -rf x; fi",
        "while true; do rm -rf x; done",
        "until false; do rm -rf x; done",
        "select f in a b; do rm -rf x; done",
        "ls | while read f; do rm -rf x; done",
        "f() ( rm -rf x )",
        "function f { rm -rf x; }",
        "((rm -rf x))",  # bash: arithmetic; /bin/sh (dash): two subshells that run rm
        "{ ls; } && (rm -rf x)",
    ],
)
def test_compound_commands(cmd):
    v = classify_command(cmd)
    assert v.parsed and v.destructive and v.decision is Decision.ASK, (cmd, v)


@pytest.mark.parametrize(
    "cmd, kind, target",
    [
        ("ls > out", ">", "out"),
        ("ls >> out", ">>", "out"),
        ("ls 2> err", ">", "err"),
        ("ls &> out", "&>", "out"),
        ("ls &>> out", "&>>", "out"),
        ("ls >| out", ">|", "out"),
        ("ls >& out", ">&", "out"),
        ("cat <> f", "<>", "f"),
        ("{ ls; } > out", ">", "out"),
        ("while read l; do echo $l; done >> out", ">>", "out"),
    ],
)
def test_writing_redirections_are_destructive(cmd, kind, target):
    v = classify_command(cmd)
    assert v.parsed and v.destructive and v.decision is Decision.ASK
    assert any(f"({kind} {target})" in r for r in v.reasons), v.reasons


@pytest.mark.parametrize(
    "cmd", ["ls 2>&1 | cat", "ls >&2", "ls 2>/dev/null", "ls &>/dev/null", "ls 2>&-", "cat < in", "cat <<< hi"]
)
def test_harmless_redirections(cmd):
    v = classify_command(cmd)
    assert v.parsed and v.decision is Decision.ALLOW, (cmd, v)


# -- here-documents: opaque, always ask; what follows is still parsed -------------------------------
def test_heredoc_is_opaque_and_following_commands_are_seen():
    v = classify_command("cat <<EOF\nhello $(whoami)\nEOF\nrm -rf x")
    assert v.parsed and v.decision is Decision.ASK and v.destructive
    assert any("here-document" in r for r in v.reasons)
    assert [s.argv for s in v.segments] == [("cat",), ("rm", "-rf", "x")]
    v = classify_command("cat <<'EOF' | sh\nrm -rf x\nEOF")
    assert v.decision is Decision.ASK and any("here-document" in r for r in v.reasons)
    v = classify_command("cat <<-A <<B; ls\n\tone\n\tA\ntwo\nB\nls")
    assert v.decision is Decision.ASK and [s.argv for s in v.segments] == [("cat",), ("ls",), ("ls",)]
    v = classify_command("echo $(cat <<EOF\n)\nEOF\n)")
    assert v.parsed and v.decision is Decision.ASK


# -- fail closed ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cmd",
    [
        "echo 'unterminated",
        'echo "unterminated',
        "echo $'unterminated",
        "echo $(ls",
        "echo `ls",
        "echo ${x",
        "echo $((1+2)",
        "a=$((",
        "ls &&",
        "ls |",
        "&& ls",
        "ls ;; ls",
        ";",
        "ls && && ls",
        "( ls",
        "ls )",
        "{ ls }",
        "{ }",
        "()",
        "if true; then ls",
        "if true; then; fi",
        "for 1 in a; do :; done",
        "fi",
        "case x in a) ls;; esac",
        "coproc ls",
        "echo $[1+2]",
        "cat <<",
        "cat <<EOF",
        "cat <<EOF\nno end line",
        "cat <<$X\nx\n$X",
        "ls >",
        "echo $'\\'' ; rm -rf x",  # bash: escaped quote; dash: the quote ends -> ambiguous
        "[[ a && rm -rf x ]]",  # dash has no [[: it would run rm
        "[[ $a > /etc/passwd ]]",  # dash: a redirection
        "ls &>/dev/null rm -rf x",  # dash: "ls &" then ">/dev/null rm -rf x"
        'echo "${x:-\'}"; rm -rf x; echo \'"',
        "cat <<EOF $(echo\nrm -rf x\nEOF\n)",  # here-document body inside a substitution
        "echo $( (ls) && (pwd)",
        "echo \\$(rm -rf x)",  # bash: syntax error near "("
    ],
)
def test_unparseable_fails_closed(cmd):
    with pytest.raises(ParseError):
        parse(cmd)
    v = classify_command(cmd)
    assert v.decision is Decision.ASK and not v.parsed, (cmd, v)


def test_deep_nesting_is_unparseable_not_a_crash():
    for cmd in ("echo " + "$(" * 300 + "ls" + ")" * 300, "(" * 500 + "ls" + ")" * 500,
                "echo " + "`echo \\" * 40 + "`", "bash -c " * 20 + "ls"):  # fmt: skip
        v = classify_command(cmd)
        assert v.decision is not Decision.ALLOW or v.parsed


def test_command_name_computed_or_expanded_at_run_time_asks():
    for cmd in ("$CMD -rf x", '"$(echo rm)" -rf x', "rm$IFS-rf x", "/???/r? -rf x", "/bin/[r]m -rf x",
                "{rm,-rf,x}", "`echo rm` -rf x"):  # fmt: skip
        v = classify_command(cmd)
        assert v.decision is Decision.ASK, (cmd, v)
    assert classify_command("[ -f x ] && ls").decision is Decision.ALLOW
    assert classify_command("ls *.py [ab]* {a,b}").decision is Decision.ALLOW


def test_wrappers_and_code_runners():
    cases = {
        "trap 'rm -rf x' EXIT": ("rm", "-rf", "x"),
        "watch 'rm -rf x'": ("rm", "-rf", "x"),
        "watch -n 1 rm -rf x": ("rm", "-rf", "x"),
        "exec rm -rf x": ("rm", "-rf", "x"),
        "command rm -rf x": ("rm", "-rf", "x"),
        "time -p rm -rf x": ("rm", "-rf", "x"),
        "xargs -I{} rm -rf {}": ("rm", "-rf", "{}"),
        "zsh -c 'rm -rf x'": ("rm", "-rf", "x"),
        "find . -exec sh -c 'rm -rf \"$1\"' _ {} \\;": ("rm", "-rf", "$1"),
    }
    for cmd, inner in cases.items():
        v = classify_command(cmd)
        assert v.decision is Decision.ASK and v.destructive, (cmd, v)
        assert inner in [s.inner for s in v.segments], (cmd, [s.inner for s in v.segments])
    for cmd in ("LD_PRELOAD=./x.so ls", "env LD_PRELOAD=./x.so ls", "PATH=. ls", "cat x | python", "python3 -",
                "bash <<< 'ls'", "eval ls", "source x.sh"):  # fmt: skip
        assert classify_command(cmd).decision is Decision.ASK, cmd
    for cmd in ("python3 --version", "python3 -m pytest -q", "env", "time ls", "nohup ls &", "A=1 ls"):
        assert classify_command(cmd).decision is Decision.ALLOW, cmd


def test_gpl_parser_is_not_used():
    name = "bash" + "lex"  # spelled apart so the repository grep for the name stays clean
    for cmd in ("ls && rm -rf x", "cat <<EOF\nx\nEOF", "echo $(ls)"):
        classify_command(cmd)
    assert name not in sys.modules


def test_move_and_copy_are_classified_not_crashed():
    assert classify_command("mv a.txt b.txt").parsed  # raised TypeError (tuple | set) before
    over = classify_command("cp x /")
    assert over.decision == Decision.ASK and over.destructive
    assert classify_command("ln -s x /dev/null").destructive
