"""A small, fail-closed parser for the subset of bash that ``system.run`` classifies.

Standard library only: the project is Apache-2.0 and cannot depend on GPL-licensed shell parsers.
:func:`parse` turns a command line into a tree of :class:`Node` objects. It knows
the parts of the bash grammar that decide *which commands run*:

- words with ``'...'``, ``"..."``, ``$'...'`` (ANSI-C), ``$"..."``, backslash escapes,
  line continuations and ``#`` comments;
- expansions: ``$name``, ``${...}``, ``$(...)``, backticks, ``$((...))``, ``<(...)``, ``>(...)``
  (the commands inside substitutions are parsed, recursively);
- operators ``|``, ``|&``, ``&&``, ``||``, ``;``, ``&``, newlines; redirections
  (``>``, ``>>``, ``>|``, ``<``, ``<>``, ``n>&m``, ``&>``, ``&>>``, ``<<<``, here-documents);
- subshells ``( ... )``, groups ``{ ...; }``, ``if``/``for``/``select``/``while``/``until``,
  ``(( ... ))``, ``[[ ... ]]``, function definitions, array assignments.

Anything else (``case``, ``coproc``, ``$[...]``, unbalanced quotes or brackets, an
operator with nothing after it, a here-document without its end line ...) raises
:class:`ParseError`. Callers must treat that as "cannot be checked", never as safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Node", "ParseError", "Redirect", "Word", "parse"]

MAX_NESTING = 64

_BLANK = " \t"
_META = " \t\n;&|()<>"
_CONTROL_OPS = ("||", "&&", "|&", ";;&", ";;", ";&", "|", ";", "&", "(", ")", "\n")
_REDIRECT_OPS = ("&>>", "&>", "<<<", "<<-", "<<", "<>", "<&", ">>", ">&", ">|", "<", ">")
_RESERVED_TERMINATORS = {"then", "elif", "else", "fi", "do", "done", "esac", "}"}
_ASSIGN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SPECIAL_PARAMS = "@*#?-$!0123456789"
_ANSI_SIMPLE = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
                "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}  # fmt: skip


class ParseError(Exception):
    """The command cannot be parsed with confidence: classify it as unparseable."""


@dataclass
class Word:
    """One shell word.

    ``value`` has quotes removed and escapes applied; expansions (``$x``, ``${x}``,
    ``$(...)``, backticks) are kept as written, so a ``$`` or backtick in ``value``
    means "known only at run time". ``subs`` holds the parsed bodies of the command
    and process substitutions inside the word. ``quoted``: some part was quoted or
    escaped (so it is never a reserved word). ``pattern``: unquoted glob characters
    or brace expansion (the word may expand to something else).
    """

    value: str
    raw: str
    subs: list[Node] = field(default_factory=list)
    quoted: bool = False
    pattern: bool = False
    expands: bool = False
    quoted_code: bool = False  # quoted text that looks like a substitution: '$(...)' or '`...`'

    @property
    def literal(self) -> bool:
        return not self.quoted and not self.expands


@dataclass
class Redirect:
    """A redirection: ``op`` is one of ``> >> >| < <> <& >& &> &>> <<< << <<-``."""

    op: str
    fd: str | None
    target: Word
    heredoc: str | None = None  # the body of a here-document


@dataclass
class Node:
    """A node of the tree.

    ``kind`` is one of: ``list`` (``children`` run in sequence, ``ops`` the separators),
    ``pipeline``, ``simple`` (``assigns``, ``words``, ``redirects``), ``subshell``,
    ``group``, ``if``, ``for``, ``while`` (also ``until``/``select``), ``arith``
    (``(( ... ))``), ``cond`` (``[[ ... ]]``), ``function`` (``name``, ``children[0]`` the body),
    ``subst`` (a command or process substitution; ``name`` is ``$(``, `````, ``<(`` or ``>(``).
    """

    kind: str
    children: list[Node] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    assigns: list[Word] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    ops: list[str] = field(default_factory=list)
    name: str = ""
    negated: bool = False


def parse(source: str) -> Node:
    """Parse ``source`` into a ``list`` node; raise :class:`ParseError` when unsure."""
    return _Parser(source).parse_script()


class _WordBuilder:
    def __init__(self) -> None:
        self.value: list[str] = []
        self.unquoted: list[str] = []
        self.subs: list[Node] = []
        self.quoted = False
        self.expands = False
        self.quoted_code = False

    def lit(self, text: str) -> None:
        self.value.append(text)
        self.unquoted.append(text)

    def quoted_text(self, text: str) -> None:
        if "$(" in text or "`" in text or (text in ("(", "`") and self.value and self.value[-1].endswith("$")):
            self.quoted_code = True
        self.value.append(text)
        self.unquoted.append("\x01")
        self.quoted = True

    def expansion(self, raw: str) -> None:
        self.value.append(raw)
        self.unquoted.append("\x01")
        self.expands = True


class _Parser:
    def __init__(self, source: str, nesting: int = 0) -> None:
        self.s = source
        self.n = len(source)
        self.i = 0
        self.nesting = nesting
        self.pending: list[tuple[Redirect, str, bool]] = []  # here-documents waiting for their body

    # -- helpers ---------------------------------------------------------------------
    def error(self, message: str) -> ParseError:
        near = self.s[self.i : self.i + 20]
        return ParseError(f"{message} at offset {self.i}" + (f" near {near!r}" if near else ""))

    def enter(self) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.error("nested too deeply")

    def leave(self) -> None:
        self.nesting -= 1

    def skip_blanks(self) -> None:
        s, n = self.s, self.n
        while self.i < n:
            c = s[self.i]
            if c in _BLANK:
                self.i += 1
            elif c == "\\" and s.startswith("\\\n", self.i):
                self.i += 2
            elif c == "#":
                while self.i < n and s[self.i] != "\n":
                    self.i += 1
            else:
                break

    def peek(self) -> str:
        """The next token kind after blanks: an operator, ``word``, ``redirect`` or ``eof``."""
        self.skip_blanks()
        if self.i >= self.n:
            return "eof"
        s, i = self.s, self.i
        if s.startswith(("<(", ">("), i):
            return "word"
        for op in _REDIRECT_OPS:
            if s.startswith(op, i):
                return "redirect"
        for op in _CONTROL_OPS:
            if s.startswith(op, i):
                return op
        j = i
        while j < self.n and s[j].isdigit():
            j += 1
        if j > i and j < self.n and s[j] in "<>" and not s.startswith(("<(", ">("), j):
            return "redirect"
        return "word"

    def peek_reserved(self) -> str | None:
        """The reserved word at the current position, if the next token is one."""
        if self.peek() != "word":
            return None
        m = re.match(r"[^ \t\n;&|()<>\"'\\$`]+", self.s[self.i :])
        if not m:
            return None
        text = m.group(0)
        end = self.i + len(text)
        if end < self.n and self.s[end] not in _META:
            return None
        if text in ("if", "then", "elif", "else", "fi", "for", "select", "while", "until", "do", "done", "case",
                    "esac", "function", "coproc", "{", "}", "[[", "!", "in", "time"):  # fmt: skip
            return text
        return None

    def expect_reserved(self, word: str) -> None:
        if self.peek_reserved() != word:
            raise self.error(f"expected {word!r}")
        self.i += len(word)

    def take(self, op: str) -> None:
        if self.peek() != op:
            raise self.error(f"expected {op!r}")
        self.i += len(op)
        if op == "\n":
            self.read_heredocs()

    def skip_newlines(self) -> None:
        while self.peek() == "\n":
            self.take("\n")

    # -- here-documents ------------------------------------------------------------------
    def read_heredocs(self) -> None:
        pending, self.pending = self.pending, []
        for redirect, delim, strip_tabs in pending:
            body: list[str] = []
            while True:
                if self.i >= self.n:
                    raise self.error(f"here-document delimited by {delim!r} has no end line")
                end = self.s.find("\n", self.i)
                line = self.s[self.i : end if end >= 0 else self.n]
                self.i = end + 1 if end >= 0 else self.n
                check = line.lstrip("\t") if strip_tabs else line
                if check == delim:
                    break
                body.append(line)
            redirect.heredoc = "\n".join(body)

    def check_pending(self, before: list[tuple[Redirect, str, bool]]) -> None:
        if any(item not in self.pending for item in before):
            raise self.error("here-document body starts inside a substitution")

    # -- grammar -------------------------------------------------------------------------
    def parse_script(self) -> Node:
        node = self.parse_list(frozenset())
        if self.peek() != "eof":
            raise self.error("unexpected token")
        if self.pending:
            raise self.error("here-document has no body")
        return node

    def parse_list(self, terminators: frozenset[str], closer: str | None = None) -> Node:
        self.enter()
        try:
            return self._parse_list(terminators, closer)
        finally:
            self.leave()

    def _parse_list(self, terminators: frozenset[str], closer: str | None) -> Node:
        node = Node("list")
        self.skip_newlines()
        while True:
            tok = self.peek()
            if tok == "eof" or (closer is not None and tok == closer):
                break
            if self.peek_reserved() in terminators:
                break
            node.children.append(self.parse_and_or())
            tok = self.peek()
            if tok in (";", "&"):
                self.take(tok)
                node.ops.append(tok)
                self.skip_newlines()
            elif tok == "\n":
                node.ops.append(";")
                self.skip_newlines()
            else:
                break
        return node

    def parse_body(self, terminators: frozenset[str], closer: str | None = None) -> Node:
        body = self.parse_list(terminators, closer)
        if not body.children:
            raise self.error("empty command list")
        return body

    def parse_and_or(self) -> Node:
        node = Node("list")
        node.children.append(self.parse_pipeline())
        while self.peek() in ("&&", "||"):
            op = self.peek()
            self.take(op)
            node.ops.append(op)
            self.skip_newlines()
            node.children.append(self.parse_pipeline())
        return node if len(node.children) > 1 else node.children[0]

    def parse_pipeline(self) -> Node:
        node = Node("pipeline")
        if self.peek_reserved() == "!":
            self.i += 1
            node.negated = True
        node.children.append(self.parse_command())
        while self.peek() in ("|", "|&"):
            op = self.peek()
            self.take(op)
            node.ops.append(op)
            self.skip_newlines()
            node.children.append(self.parse_command())
        return node if len(node.children) > 1 or node.negated else node.children[0]

    def parse_command(self) -> Node:
        self.enter()
        try:
            tok = self.peek()
            if tok == "(":
                if self.s.startswith("((", self.i):
                    return self.compound_redirects(self.parse_double_paren())
                else:
                    self.take("(")
                    node = Node("subshell", [self.parse_body(frozenset(), ")")])
                    self.take(")")
                return self.compound_redirects(node)
            if tok not in ("word", "redirect"):
                raise self.error("expected a command" if tok == "eof" else f"unexpected {tok!r}")
            word = self.peek_reserved()
            if word == "{":
                self.i += 1
                node = Node("group", [self.parse_body(frozenset({"}"}))])
                self.expect_reserved("}")
                return self.compound_redirects(node)
            if word == "if":
                return self.compound_redirects(self.parse_if())
            if word in ("for", "select"):
                return self.compound_redirects(self.parse_for(word))
            if word in ("while", "until"):
                self.i += len(word)
                cond = self.parse_body(frozenset({"do"}))
                self.expect_reserved("do")
                body = self.parse_body(frozenset({"done"}))
                self.expect_reserved("done")
                return self.compound_redirects(Node("while", [cond, body], name=word))
            if word == "function":
                self.i += len(word)
                return self.parse_function(None)
            if word == "[[":
                return self.compound_redirects(self.parse_cond())
            if word in ("case", "coproc"):
                raise self.error(f"'{word}' is not supported by the checker")
            if word in _RESERVED_TERMINATORS or word == "in":
                raise self.error(f"unexpected {word!r}")
            return self.parse_simple()
        finally:
            self.leave()

    def parse_double_paren(self) -> Node:
        """``(( ... ))``: arithmetic for bash, two nested subshells for sh (dash). Check both."""
        start = self.i
        self.i += 2
        node = Node("arith")
        self.scan_arith(node, "))")
        end = self.i
        self.i = start + 1
        try:
            inner = self.parse_command()  # "( ... )" then ")" : the sh reading
            self.take(")")
        except ParseError:
            self.i = end
            return node
        if self.i != end:
            raise self.error("(( ... )) is read differently by sh and bash")
        node.children.append(inner)
        return node

    def compound_redirects(self, node: Node) -> Node:
        while self.peek() == "redirect":
            node.redirects.append(self.parse_redirect())
        return node

    def parse_if(self) -> Node:
        node = Node("if")
        self.expect_reserved("if")
        while True:
            node.children.append(self.parse_body(frozenset({"then"})))
            self.expect_reserved("then")
            node.children.append(self.parse_body(frozenset({"elif", "else", "fi"})))
            word = self.peek_reserved()
            if word == "elif":
                self.i += 4
                continue
            if word == "else":
                self.i += 4
                node.children.append(self.parse_body(frozenset({"fi"})))
            self.expect_reserved("fi")
            return node

    def parse_for(self, keyword: str) -> Node:
        self.i += len(keyword)
        node = Node("for", name=keyword)
        if keyword == "for" and self.peek() == "(" and self.s.startswith("((", self.i):
            self.i += 2
            self.scan_arith(node, "))")
        else:
            if self.peek() != "word":
                raise self.error("expected a variable name")
            var = self.read_word()
            if not _NAME_RE.match(var.raw):
                raise self.error(f"bad variable name {var.raw!r}")
            self.skip_newlines()
            if self.peek_reserved() == "in":
                self.i += 2
                while self.peek() == "word":
                    node.words.append(self.read_word())
        if self.peek() in (";", "\n"):
            self.take(self.peek())
        self.skip_newlines()
        self.expect_reserved("do")
        node.children.append(self.parse_body(frozenset({"done"})))
        self.expect_reserved("done")
        return node

    def parse_function(self, name: str | None) -> Node:
        if name is None:
            if self.peek() != "word":
                raise self.error("expected a function name")
            name = self.read_word().value
            if self.peek() == "(":
                self.take("(")
                self.take(")")
        self.skip_newlines()
        if self.peek_reserved() not in ("{", "if", "for", "select", "while", "until", "[[") and self.peek() != "(":
            raise self.error("expected a function body")
        return Node("function", [self.parse_command()], name=name)

    def parse_cond(self) -> Node:
        self.i += 2
        node = Node("cond", words=[Word("[[", "[[")])
        while True:
            tok = self.peek()
            if tok == "eof":
                raise self.error("unterminated [[")
            if tok == "\n":
                self.take("\n")
                continue
            if tok == "word" or (tok == "redirect" and self.s[self.i].isdigit()):
                start = self.i
                word = self.read_word()
                node.words.append(word)
                if word.raw == "]]" and word.literal:
                    return node
                if self.i == start:
                    raise self.error("unexpected character")
                continue
            op = next((o for o in (*_REDIRECT_OPS, *_CONTROL_OPS) if self.s.startswith(o, self.i)), "")
            if not op:
                raise self.error("unexpected character in [[ ]]")
            # sh (dash) has no [[: it would run `[[ a` and then whatever follows && / || / |,
            # and treat < > as redirections. Only operator-free [[ ... ]] reads the same in both.
            raise self.error(f"{op!r} inside [[ ]] is read differently by sh and bash")

    def parse_simple(self) -> Node:
        node = Node("simple")
        while True:
            tok = self.peek()
            if tok == "redirect":
                node.redirects.append(self.parse_redirect())
            elif tok == "word":
                if any(r.op in ("&>", "&>>") for r in node.redirects):
                    # sh (dash) reads "a &>f b" as "a &" then ">f b": b would run as a command
                    raise self.error("words after &> are read differently by sh and bash")
                word = self.read_word()
                if not node.words and _ASSIGN_RE.match(word.raw):
                    if word.raw.endswith("=") and self.s.startswith("(", self.i):
                        self.read_array(word)
                    node.assigns.append(word)
                else:
                    node.words.append(word)
                    if len(node.words) == 1 and not node.assigns and not node.redirects and word.literal:
                        self.skip_blanks()
                        if self.s.startswith("(", self.i):
                            self.take("(")
                            self.take(")")
                            return self.parse_function(word.value)
            else:
                break
        if not (node.words or node.assigns or node.redirects):
            raise self.error("expected a command")
        return node

    def read_array(self, word: Word) -> None:
        self.i += 1
        while True:
            tok = self.peek()
            if tok == ")":
                self.i += 1
                break
            if tok == "\n":
                self.take("\n")
            elif tok == "word":
                element = self.read_word()
                word.subs.extend(element.subs)
                word.expands |= element.expands
                word.value += " " + element.value
            else:
                raise self.error("unexpected token in array assignment")
        word.value += ")"
        word.expands = True

    def parse_redirect(self) -> Redirect:
        self.skip_blanks()
        start = self.i
        while self.i < self.n and self.s[self.i].isdigit():
            self.i += 1
        fd = self.s[start : self.i] or None
        op = next(o for o in _REDIRECT_OPS if self.s.startswith(o, self.i))
        if fd is not None and op.startswith("&"):
            raise self.error("bad redirection")
        self.i += len(op)
        if self.peek() != "word":
            raise self.error(f"redirection {op!r} needs a target")
        target = self.read_word()
        redirect = Redirect(op, fd, target)
        if op in ("<<", "<<-"):
            if target.expands:
                raise self.error("here-document delimiter with an expansion")
            self.pending.append((redirect, target.value, op == "<<-"))
        return redirect

    # -- words -----------------------------------------------------------------------------
    def read_word(self) -> Word:
        self.skip_blanks()
        start = self.i
        b = _WordBuilder()
        s, n = self.s, self.n
        while self.i < n:
            c = s[self.i]
            if c in "<>" and s.startswith("(", self.i + 1):
                self.proc_subst(b)
                continue
            if c in _META:
                break
            if c == "\\":
                if self.i + 1 >= n:
                    b.lit("\\")
                    self.i += 1
                elif s[self.i + 1] == "\n":
                    self.i += 2
                else:
                    b.quoted_text(s[self.i + 1])
                    self.i += 2
            elif c == "'":
                end = s.find("'", self.i + 1)
                if end < 0:
                    raise self.error("unterminated single quote")
                b.quoted_text(s[self.i + 1 : end])
                self.i = end + 1
            elif c == '"':
                self.i += 1
                self.double_quoted(b)
            elif c == "$":
                if s.startswith("$'", self.i):
                    self.i += 2
                    b.quoted_text(self.ansi_c())
                elif s.startswith('$"', self.i):
                    self.i += 2
                    self.double_quoted(b)
                else:
                    self.dollar(b, in_dquote=False)
            elif c == "`":
                self.backtick(b, in_dquote=False)
            else:
                b.lit(c)
                self.i += 1
        if self.i == start:
            raise self.error("expected a word")
        unq = "".join(b.unquoted)
        pattern = bool(re.search(r"[*?]|\[.*\]", unq) or re.search(r"\{[^{}\x01]*(,|\.\.)[^{}\x01]*\}", unq))
        return Word("".join(b.value), s[start : self.i], b.subs, b.quoted, pattern, b.expands, b.quoted_code)

    def double_quoted(self, b: _WordBuilder) -> None:
        s, n = self.s, self.n
        b.quoted = True
        while True:
            if self.i >= n:
                raise self.error("unterminated double quote")
            c = s[self.i]
            if c == '"':
                self.i += 1
                b.unquoted.append("\x01")
                return
            if c == "\\" and self.i + 1 < n and s[self.i + 1] in '$`"\\\n':
                if s[self.i + 1] != "\n":
                    b.quoted_text(s[self.i + 1])
                self.i += 2
            elif c == "$":
                self.dollar(b, in_dquote=True)
            elif c == "`":
                self.backtick(b, in_dquote=True)
            else:
                b.quoted_text(c)
                self.i += 1

    def ansi_c(self) -> str:
        s, n = self.s, self.n
        out: list[str] = []
        while True:
            if self.i >= n:
                raise self.error("unterminated $'...' quote")
            c = s[self.i]
            if c == "'":
                self.i += 1
                return "".join(out)
            if c != "\\":
                out.append(c)
                self.i += 1
                continue
            if self.i + 1 >= n:
                raise self.error("unterminated $'...' quote")
            e = s[self.i + 1]
            self.i += 2
            if e == "'":  # bash: an escaped quote; sh (dash): the quote ends here. Ambiguous.
                raise self.error("\\' inside $'...' means different things to sh and bash")
            if e in _ANSI_SIMPLE:
                out.append(_ANSI_SIMPLE[e])
            elif e in "01234567":
                m = re.match(r"[0-7]{0,2}", s[self.i :])
                digits = e + (m.group(0) if m else "")
                self.i += len(digits) - 1
                out.append(chr(int(digits, 8) & 0xFF))
            elif e in "xuU":
                width = {"x": 2, "u": 4, "U": 8}[e]
                m = re.match(rf"[0-9A-Fa-f]{{1,{width}}}", s[self.i :])
                if not m:
                    out.append("\\" + e)
                    continue
                self.i += len(m.group(0))
                code = int(m.group(0), 16)
                if code > 0x10FFFF:
                    raise self.error("bad escape in $'...'")
                out.append(chr(code))
            elif e == "c" and self.i < n:
                out.append(chr(ord(s[self.i]) & 0x1F))
                self.i += 1
            else:
                out.append("\\" + e)

    def dollar(self, b: _WordBuilder, in_dquote: bool) -> None:
        s, start = self.s, self.i
        nxt = s[self.i + 1] if self.i + 1 < self.n else ""
        if s.startswith("$((", self.i):
            self.i += 3
            scratch = _WordBuilder()
            self.scan_arith(scratch, "))")
            b.subs.extend(scratch.subs)
        elif nxt == "(":
            self.i += 2
            pending = list(self.pending)
            body = self.parse_list(frozenset(), ")")
            self.take(")")
            self.check_pending(pending)
            b.subs.append(Node("subst", [body], name="$("))
        elif nxt == "[":
            raise self.error("$[...] arithmetic is not supported by the checker")
        elif nxt == "{":
            self.i += 2
            scratch = _WordBuilder()
            self.param_expansion(scratch, in_dquote)
            b.subs.extend(scratch.subs)
        elif nxt and (nxt in _SPECIAL_PARAMS or nxt.isalpha() or nxt == "_"):
            self.i += 1
            if nxt in _SPECIAL_PARAMS:
                self.i += 1
            else:
                m = re.match(r"[A-Za-z0-9_]+", s[self.i :])
                self.i += len(m.group(0)) if m else 0
        else:
            if in_dquote:
                b.quoted_text("$")
            else:
                b.lit("$")
            self.i += 1
            return
        b.expansion(s[start : self.i])

    def param_expansion(self, b: _WordBuilder, in_dquote: bool) -> None:
        """Skip ``${...}`` (``b`` is a scratch builder that collects the substitutions inside)."""
        depth = 0
        s, n = self.s, self.n
        while True:
            if self.i >= n:
                raise self.error("unterminated ${...}")
            c = s[self.i]
            if c == "}":
                self.i += 1
                if depth == 0:
                    return
                depth -= 1
            elif c == "{":
                depth += 1
                self.i += 1
            elif c == "\\":
                self.i += 2
            elif c == "'":
                if in_dquote:
                    raise self.error("single quote inside a double-quoted ${...}")
                end = s.find("'", self.i + 1)
                if end < 0:
                    raise self.error("unterminated single quote")
                self.i = end + 1
            elif c == '"':
                self.i += 1
                self.double_quoted(b)
            elif c == "$":
                if s.startswith("$'", self.i):
                    raise self.error("$'...' inside ${...} is not supported by the checker")
                self.dollar(b, in_dquote=True)
            elif c == "`":
                self.backtick(b, in_dquote=True)
            else:
                self.i += 1

    def scan_arith(self, target: _WordBuilder | Node, close: str) -> None:
        """Skip an arithmetic expression up to ``close``, parsing substitutions inside it."""
        b = target if isinstance(target, _WordBuilder) else _WordBuilder()
        depth = 0
        s, n = self.s, self.n
        while True:
            if self.i >= n:
                raise self.error("unterminated arithmetic expression")
            c = s[self.i]
            if c == "(":
                depth += 1
                self.i += 1
            elif c == ")":
                if depth == 0:
                    if not s.startswith(close, self.i):
                        raise self.error("unbalanced parentheses in arithmetic")
                    self.i += len(close)
                    break
                depth -= 1
                self.i += 1
            elif c == "$":
                self.dollar(b, in_dquote=True)
            elif c == "`":
                self.backtick(b, in_dquote=True)
            elif c in "'\"\\":
                raise self.error("quotes in arithmetic are not supported by the checker")
            else:
                self.i += 1
        if isinstance(target, Node):
            target.children.extend(b.subs)

    def backtick(self, b: _WordBuilder, in_dquote: bool) -> None:
        s, n = self.s, self.n
        start = self.i
        self.i += 1
        inner: list[str] = []
        while True:
            if self.i >= n:
                raise self.error("unterminated backquote")
            c = s[self.i]
            if c == "`":
                self.i += 1
                break
            if c == "\\" and self.i + 1 < n and (s[self.i + 1] in "$`\\" or (in_dquote and s[self.i + 1] == '"')):
                inner.append(s[self.i + 1])
                self.i += 2
            else:
                inner.append(c)
                self.i += 1
        sub = _Parser("".join(inner), self.nesting + 1)
        b.subs.append(Node("subst", [sub.parse_script()], name="`"))
        b.expansion(s[start : self.i])

    def proc_subst(self, b: _WordBuilder) -> None:
        start = self.i
        kind = self.s[self.i : self.i + 2]
        self.i += 2
        pending = list(self.pending)
        body = self.parse_list(frozenset(), ")")
        self.take(")")
        self.check_pending(pending)
        b.subs.append(Node("subst", [body], name=kind))
        b.expansion(self.s[start : self.i])
