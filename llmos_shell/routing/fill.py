"""Argument filling: copy what the request says, let the model fill only the rest.

Order, per parameter:
1. a ``{param}`` slot of the best-matching example phrase, or of its loose form (a path
   slot keeps only the path literal inside it; a free-text slot keeps quoted text whole and
   is otherwise trimmed of command words, spans.py);
2. for path parameters, a path found in the request; for patterns, a file name or an
   extension; for strings, the text after a colon or quoted text;
3. for required free text, the request minus its command words (spans.py);
4. the model, under a grammar from the schema in which string values are limited
   to literals and word spans of the request (copied, never invented) and numbers
   to the numbers in the request when there are any.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ToolError
from .commands import backticked, command_in
from .keys import FILLER, PERSONS, memory_key, person_named, said_before, without_source
from .kinds import kind_pattern
from .literals import Literals, basename, extract_literals, has_separator, inside_quotes, looks_like_path, word_spans
from .questions import ASKS, asked_directly, is_question, question_beside, question_clause, whole_question
from .spans import (
    AUXILIARIES,
    EDGE_PUNCTUATION,
    FOLDER_WORDS,
    command_words,
    content_span,
    first_clause,
    is_empty_phrase,
    markers,
    search_key,
    trim_span,
    without_asides,
)
from .specs import ToolSpec

__all__ = ["FillResult", "after_colon", "fill_arguments", "match_template", "name_part", "named_paths"]

_SLOT_SPLIT = re.compile(r"(\{\w+\})")
PATTERN_NAMES = ("pattern", "glob")  # parameters that take a file-name pattern, not a path
QUERY_NAMES = ("query",)  # search keys: short, without the clauses said after them
MAX_PATTERN_WORDS = 2  # "annual report" may name a file; "contains the string connection refused" does not
_STRIP = EDGE_PUNCTUATION
_LEAD_STRIP = " \t,;:\"'`“”\u2018\u2019"  # a leading "." belongs to a path ("./examples")
# Words that introduce a free-text value rather than belong to it ("the phrase hello world").
# What may stand before a colon that introduces the text itself ("the following: ...").
_INTRO_HEAD = re.compile(r"(?:the\s+)?(?:following|this|these|it|that|text|words?|message|sentence|line|phrase)"
                         r"(?:\s+(?:text|words?|message|sentence|line|phrase))?", re.I)  # fmt: skip
# What a slot holds when the words themselves come after a colon: "write *the listing description* to d.txt: ..."
_DESCRIBED = re.compile(r"(?:the|my|our|this|that|a|an)\s+(?:[\w'-]+\s+){0,2}[\w'-]+", re.I)
_TEXT_INTRO = re.compile(
    r"^(?:(?:the\s+)?(?:string|phrase|words?|text|sentence|line)\s+|(?:the\s+)?(?:number|figure|amount)\s+(?=[\d$\u20ac\u00a3+-])"
    r"|(?:whose\s+|with\s+(?:the\s+)?|and\s+(?:the|its)\s+)(?:content|contents|text|body)\s+(?:is\s+|are\s+|:\s*)?)(?=\S)",
    re.I,
)  # "the phrase hello world", "the number 4,318.27", "whose content is 42 apples"
_NAMED_EXTENSION = re.compile(r"\b(?:ends?|ending|extension|suffix)\s+(?:(?:in|with|of)\s+)?\.[A-Za-z0-9]", re.I)
_BARE_EXTENSION = re.compile(r"(?<![\w.*])(\.[A-Za-z][A-Za-z0-9]{0,7})\b(?!\.)")
_LEADING_ARTICLES = re.compile(
    r"^(?:(?:the|a|an|my|this|that|any|all|every|some|file|files|folder|directory|named|called)\s+)+", re.I
)
# A pronoun in a name slot ("can you find it in ~/Downloads") refers to a name said before it.
_PRONOUNS = frozenset("it them this that these those one".split())
_OBJECTS = _PRONOUNS | {"me", "us"}  # what a path slot may hold beside a named file: "a.txt, show {me} please"
_TRAILING_NOUNS = re.compile(r"\s+(?:" + "|".join(sorted(FOLDER_WORDS)) + r"|files?)$", re.I)
# Politeness a request may end with, after the last slot of a template; the last three words may
# as well end a sentence of the user's own (a colon's payload keeps them: _sentence_tail).
_SENTENCE_FILLER = r"(?:again|now|right\s+now)"
_TRAILING_FILLER = r"(?:[\s,]+(?:please|for me|thanks|thank you|" + _SENTENCE_FILLER + r"))*"


@dataclass
class FillResult:
    arguments: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)  # param -> slot | literal | span | model
    missing: list[str] = field(default_factory=list)
    template: str | None = None
    rejected: dict[str, str] = field(default_factory=dict)  # param -> slot text that is no value (not a path, no words)
    loose: bool = False  # the template matched in its loose form only
    verb: bool = False  # ... or in its verb form only: "contain {text}" (CONTENT_VERBS)

    @property
    def copied(self) -> bool:
        """Every required argument was copied from the request (no model needed)."""
        return not self.missing and all(self.sources.get(n) in ("slot", "literal", "span") for n in self.arguments)


# Between a slot and the words after it, one break of a sentence is as good as another:
# "{text}, remember that" is said "X. Remember that." and "X - remember it" as well.
_SEPARATOR = re.compile(r"\s*([,.;]|[-\u2013\u2014]+(?=\s))")
_ANY_SEPARATOR = r"\s*(?:[,.;!]|\s[-\u2013\u2014]+)"


@functools.lru_cache(maxsize=4096)
def _template_regex(example: str) -> tuple[re.Pattern[str], int] | None:
    parts = _SLOT_SPLIT.split(example.strip().rstrip("?.!"))
    if len(parts) < 2:
        return None
    body, literal_chars, seen = [], 0, set()
    for i, part in enumerate(parts):
        m = re.fullmatch(r"\{(\w+)\}", part)
        if m:
            name = m.group(1)
            if name in seen:
                return None
            seen.add(name)
            body.append(f"(?P<{name}>.+?)")
        else:
            words = part.split()
            sep = _SEPARATOR.match(part) if i > 0 else None
            if sep and len(words) > 1:  # "{text}, remember that" matches "{text}. Remember that." too
                rest = words[0][len(sep.group(1)) :]
                words = [rest, *words[1:]] if rest else words[1:]
                body.append(_ANY_SEPARATOR)
                part = " " + " ".join(words) + (" " if part[-1:].isspace() else "")
            if words:
                literal_chars += sum(len(w) for w in words)
                lead = r"\s+" if part[:1].isspace() and i > 0 else ""
                lead += r"(?<!\w)" if re.match(r"\w", words[0]) else ""
                trail = r"(?!\w)" if re.search(r"\w$", words[-1]) else ""
                trail += r"\s+" if part[-1:].isspace() else ""
                body.append(lead + r"\s+".join(re.escape(w) for w in words) + trail)
            elif part:
                body.append(r"\s+")
    # a template that ends in its own words may have a clause said after it ("scratch {q} from
    # your memory, they cancelled on me"); one that ends in a slot would take it into the slot
    after = r"(?:" + _ANY_SEPARATOR + r"\s+\S.*?)?" if parts[-1].strip() else ""
    pattern = r"^(?:.*?\b)?" + "".join(body) + _TRAILING_FILLER + after + r"[\s.?!]*$"
    return re.compile(pattern, re.I | re.S), literal_chars


LOOSE_TAIL = 2  # words of a template's opening kept by its loose form
# A template opening with where its answer comes from: its loose form keeps the opening word and
# lets the source be any ("according to my documents, {q}" matches "per my theory notes, ...").
_SOURCE_OPENING = re.compile(r"\s*(?:according\s+to|based\s+on|going\s+by|per)\s", re.I)  # not "from now on, ..."
TEMPLATE_MAX_CHARS = 500  # longer requests are not template-shaped; matching them would be slow


@functools.lru_cache(maxsize=4096)
def _loose_form(example: str) -> str | None:
    """The template with its opening cut to the last words before the first slot:
    "find files called {pattern}" -> "files called {pattern}" (matches "search for files called report")."""
    head, sep, rest = example.partition("{")
    source = _SOURCE_OPENING.match(head)
    if sep and source and head.rstrip().endswith(","):  # "according to my documents, {question}"
        return source.group(0).strip() + " {_source}, {" + rest  # ... matches "per my theory notes, {...}"
    words = head.split()
    if not sep or len(words) <= LOOSE_TAIL:
        return None
    return " ".join(words[-LOOSE_TAIL:]) + " {" + rest


# Verbs that say what a text holds: a template slotting the words after one ("which file contains
# {text}", "find the file that has {text} in it") matches that verb in any form, anywhere in a
# request, whatever names the files before it ("does any config under /etc/ssh contain ...").
CONTENT_VERBS = {
    "contain": "contain(?:s|ing|ed)?", "contains": "contain(?:s|ing|ed)?",
    "mention": "mention(?:s|ing|ed)?", "mentions": "mention(?:s|ing|ed)?",
    "reference": "referenc(?:e|es|ing|ed)", "references": "referenc(?:e|es|ing|ed)",
    "include": "includ(?:e|es|ing|ed)", "includes": "includ(?:e|es|ing|ed)",
    "has": "(?:has|have|having)", "have": "(?:has|have|having)",
    "says": "(?:says|saying)",  # not "say": "say {text}" is what to speak, "what does my lease say" a question
}  # fmt: skip
_THE = re.compile(r"^the\s+(?=\S)", re.I)  # "which files mention the Radisson layover": the words to find
_NAMED_WORDS = re.compile(r"^(?:the\s+)?(?:words?|phrase|names?|terms?|string|text)\s+(?=\S)", re.I)  # "has the name X"
# Where a verb's object ends: the request's end, a sentence's end, a dash, or a comma before a clause
# of its own ("mention Odile, Rosa and Tom" is one object; "mention Tom, I think" ends at the comma).
_OBJECT_END = (
    r"(?=[\s.?!;:]*$|[.?!;:]\s|\s[-\u2013\u2014]\s"
    r"|,\s+(?:i|i'm|it|it's|that|this|we|they|he|she|you|so|because|but|please|thanks)\b)"
)


@functools.lru_cache(maxsize=4096)
def _verb_regex(example: str) -> re.Pattern[str] | None:
    """The verb form of a template whose words before its last slot end in a content verb:
    "which files mention {text}" -> "mention(s|ing|ed)? {text}"; "... has {text} in it" -> "... in it|them";
    "add a file {path} that says {content}" -> "says {content}" (the other slots are filled from literals)."""
    head, sep, rest = example.rpartition("{")
    name, close, tail = rest.partition("}")
    words = head.split()
    if not sep or not close or not words or words[-1].lower() not in CONTENT_VERBS or "{" in tail:
        return None
    if not tail.strip():
        after = ""
    elif re.fullmatch(r"\s*in\s+it\s*", tail):
        after = r"\s+in\s+(?:it|them)"
    else:
        return None
    # a person's saying is no file's content: "I *mentioned* it to you once", "you said"
    verb = r"(?<!\bi\s)(?<!\byou\s)(?<!\w)" + CONTENT_VERBS[words[-1].lower()]
    return re.compile(verb + r"\s+(?P<" + name + r">\S.*?)" + after + _OBJECT_END, re.I | re.S)


def match_verb(examples: Sequence[str], text: str, names: Sequence[str]) -> tuple[dict[str, str], str | None]:
    """The slot of the first template whose verb form (:func:`_verb_regex`) matches ``text``, for a
    slot among ``names`` (free text: "whose name contains {pattern}" says what a name holds)."""
    request = " ".join(text.split())
    if len(request) > TEMPLATE_MAX_CHARS:
        return {}, None
    for example in examples:
        regex = _verb_regex(example)
        m = regex.search(request) if regex and set(regex.groupindex) <= set(names) else None
        if m:
            slots = {k: _strip(_NAMED_WORDS.sub("", v)) for k, v in m.groupdict().items() if v and _strip(v)}
            if all(slots.values()):
                return slots, example
    return {}, None


def match_template(
    examples: Sequence[str], text: str, *, loose: bool = False, protect: Sequence[str] = (),
    path_slots: Sequence[str] = (), paths: Sequence[str] = (),
) -> tuple[dict[str, str], str | None]:  # fmt: skip
    """Slots of the example phrase whose fixed words best match ``text``.

    ``loose``: match the templates' loose forms (:func:`_loose_form`) instead.
    ``protect``: strings (quoted text) a template's fixed words must not split:
    "save the text 'moved to 3pm' in notes.md" has no " to " for "save the text {content} to {path}".
    ``path_slots``: slots that take a path; a match holding one of ``paths`` (or a path-like word)
    in each beats any that does not: "write X into a.txt - not for you to remember" is not
    "write {content} to {path=remember}".
    """
    best: tuple[tuple[bool, int], dict[str, str], str | None] = ((False, -1), {}, None)
    request = " ".join(text.split())
    if len(request) > TEMPLATE_MAX_CHARS:  # lazy slots cost the square of the length, or its cube
        return best[1], best[2]
    masks = {}
    for i, value in enumerate(p for p in protect if " " in p):
        value = " ".join(value.split())
        if value in request:
            masks[f"\x00{i}\x00"] = value
            request = request.replace(value, f"\x00{i}\x00")
    for example in examples:
        form = _loose_form(example) if loose else example
        compiled = _template_regex(form) if form else None
        if compiled is None:
            continue
        regex, weight = compiled
        m = regex.match(request)
        if m:
            slots = {k: _strip(_unmask(v, masks)) for k, v in m.groupdict().items() if v and _strip(v)}
            held = all(looks_like_path(v) or any(p in v for p in paths) for k, v in slots.items() if k in path_slots)
            if slots and (held, weight) > best[0]:
                best = ((held, weight), slots, example)
    return best[1], best[2]


def template_coverage(template: str, text: str) -> float:
    """How much of ``text`` a matched template's fixed words spell: "what did I say {query} was"
    spells more of "what did i say the pediatrician's name was" than "say {text}" does."""
    compiled = _template_regex(template)
    letters = sum(len(w) for w in text.split())
    return min(1.0, compiled[1] / letters) if compiled and letters else 0.0


def _unmask(value: str, masks: dict[str, str]) -> str:
    for mask, original in masks.items():
        value = value.replace(mask, original)
    return value


def _strip(value: str) -> str:
    return value.rstrip(_STRIP).lstrip(_LEAD_STRIP)


# A quote that ends a statement is the value of what it states, and the statement is the text.
_STATED = re.compile(r"\w\W*\s(?:is|are|was|were)(?:\s+(?:now|still|called|named))?\s*[\"'\u2018\u201c]?$", re.I)


def _free_text(value: str, lit: Literals) -> tuple[str, bool]:
    """A free-text slot: the quoted text inside it, else the words after "the phrase" and the like,
    or after a short head and a colon ("the following: the build is done"). ``True``: the user's
    exact words, quoted or introduced by a colon, to be kept whole."""
    inside = [q for q in lit.quoted if q in value]
    if len(inside) > 1 and not value.startswith(inside[0][:1]):  # "I leave 'senpai' untranslated, never 'senior'"
        return value, False
    for quoted in lit.quoted:
        if quoted in value:
            if _STATED.search(value[: value.find(quoted)]):  # "the book's working title is now 'The Salt Hours'"
                return value, True
            return quoted, True
    head, sep, tail = value.partition(": ")
    if sep and tail.strip() and (_INTRO_HEAD.fullmatch(head.strip()) or
                                 (len(head.split()) >= 2 and len(tail.split()) >= 2)):  # fmt: skip
        # "announce {over the speakers: class starts at nine}"; "TODO: fix it" stays whole
        return tail, True
    return _TEXT_INTRO.sub("", value), False


_SENTENCE_TAIL = re.compile(r"(?:[\s,]+" + _SENTENCE_FILLER + r")+(?=[\s.?!]*$)", re.I)  # "... and started again."


def _sentence_tail(payload: str, text: str) -> str:
    """A colon's payload is the user's exact words: it keeps an "again" or "now" that ends it
    ("speak this: ... Odile lost count, and started again."), where a command's is filler."""
    at = text.rfind(payload)
    m = _SENTENCE_TAIL.match(text, at + len(payload)) if at >= 0 else None
    return payload + m.group(0) if m else payload


def _closing_quote(value: str, text: str, lit: Literals) -> str:
    """``value`` with the closing quote mark that stripping took off the quoted text it ends with
    (a statement or question around the quote; the bare quote stays bare)."""
    at = text.find(value)
    after = text[at + len(value) : at + len(value) + 1] if at >= 0 else ""
    closes = after and after in "'\"\u2019\u201d" and any(value.endswith(q) and value != q for q in lit.quoted)
    return value + after if closes else value


AFTER_COLON_HEAD = 16  # "my eyes are tired, read this out to me: ..." still introduces what follows


def after_colon(text: str) -> str | None:
    """The words after a request's first ": " (the payload of "say this: ..."); None when that colon
    is inside data ("containing {"name": "BetterUI"}")."""
    head, sep, tail = text.partition(": ")
    tail = _strip(tail)
    inside = (head.count("{") > head.count("}") or head.count("[") > head.count("]") or head.count('"') % 2 == 1
              or inside_quotes(text, len(head)))  # fmt: skip
    # the sentence holding the colon introduces what follows, after any said before it ("I've wrapped up
    # the session. Please put the following into notes.md: ...", "..., can you write a file at x and put in it: ...")
    last = re.split(r"[.!?]\s+|,\s+(?=(?:(?:can|could|would|will)\s+(?:you|u)|please)\b)", head, flags=re.I)[-1]
    return tail if sep and last.strip() and tail and len(last.split()) <= AFTER_COLON_HEAD and not inside else None


def _after_dash(text: str) -> str | None:
    """The words after a request's first " -- " or " — ", as :func:`after_colon` reads a colon's."""
    m = re.search(r"\s(?:--|\u2014|\u2013)\s+", text)
    return after_colon(text[: m.start()] + ": " + text[m.end() :]) if m else None


_NOT_FOLDER_NAMES = frozenset(
    "the a an this that my your our its their which what whose current same parent new any some every each one "
    "whole entire root home working project source where called named with to for in of on at and or is files file "
    "it them there here everything inside into under within from across through by".split()
)


def _existing_words(text: str, used: set[str]) -> list[str]:
    """Words of the request naming a file or folder that exists here ("list tests"), or that the
    request calls a folder ("in the config directory")."""
    found = []
    said = [v.split() for v in used if " " in v]  # "speak this: your *data* will be kept": words of another argument
    for word in re.findall(r"(?<![*\w.~/+-])[\w.~/+-]+(?![\w.~/+-]*\*)", text):  # not a part of a glob
        word = word.rstrip(".")
        inside = any(word in words for words in said)
        if len(word) > 1 and word not in used and word not in found and not inside and looks_like_path(word):
            found.append(word)
    return found + [w for w in _called_folders(text, used) if w not in found]


def _called_folders(text: str, used: set[str]) -> list[str]:
    """Names the request calls a folder: "the config directory", "the folder Manuals"."""
    found: list[str] = []
    words = text.split()
    for before, word in itertools.pairwise(words):  # "the config directory", "the folder Manuals"
        after = word.strip(_STRIP)  # after the noun, a name must look like one: "the folder Manuals", not "listing"
        # "the folder Manuals", "folder salon_2024", "the folder rehab_plans"
        named_after = after[:1].isupper() or looks_like_path(after) or re.search(r"[\d_]", after) is not None
        for noun, name in ((word, before.strip(_STRIP)), *(((before, after),) if named_after else ())):
            if (noun.strip(_STRIP).lower() in FOLDER_WORDS and re.fullmatch(r"[\w.~+-]*[^\W_][\w.~+-]*", name)
                    and name.lower() not in _NOT_FOLDER_NAMES and name.lower() not in FOLDER_WORDS
                    and name not in used and name not in found):  # fmt: skip
                found.append(name)
    return found


# Where to look, said as a name: "the folder called Recipes", "under projects", "... in Teaching".
_PLACE = (
    re.compile(r"\b(?:folder|directory|dir)\s+(?:called|named)\s+([\w.~+-]+)", re.I),
    re.compile(r"\b(?:under|inside|within)\s+(?:(?:the|my|our)\s+)?([\w.~+-]+)"),
    re.compile(r"\bin\s+(?:(?:the|my|our)\s+)?([A-Z][\w.+-]*)(?:\s+(?:folder|directory))?[\s?.!]*$"),
    re.compile(r"\b(?:in|from|across)\s+(?:(?:the|my|our)\s+)?([A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)+)(?![\w./\\-])"),
)


def _named_places(text: str, used: set[str]) -> list[str]:
    """Folder names a request says in words, for a parameter that takes a folder."""
    found: list[str] = []
    for regex in _PLACE:
        for m in regex.finditer(text):
            name = m.group(1).rstrip(".")
            if (name and name not in used and name not in found and name.lower() not in _NOT_FOLDER_NAMES
                    and name.lower() not in FOLDER_WORDS and not is_empty_phrase(name)
                    and not re.fullmatch(r"[\d.,]+", name)):  # fmt: skip  # not "under 5 MB"
                found.append(name)
    return found


def named_paths(text: str, lit: Literals) -> list[str]:
    """The files and folders a request names: its path literals, else the names it calls a folder
    ("the folder Manuals"). A word that only happens to name a folder here ("my docs") is not one."""
    return list(lit.paths) or _called_folders(text, set())


# "when did I say my fiscal year ends?": when, where or how is what the key asks about.
_ASKED_WHEN = re.compile(
    r"\s*(when|where|how|what\s+time)\s+(?:did|do|have|had)\s+(?:i|we)\s+"
    r"(?:say|said|tell\s+you|told\s+you|mention|mentioned)\s+(?:that\s+)?(.+?)[\s?.!]*$",
    re.I,
)


_WHICH = re.compile(r"(?:(?:in|on|at|for|from|with)\s+)?(which|whose|what)\s+(?=\w)", re.I)
_CLAUSE_OF_MINE = re.compile(r"(?:^|\s)(?:i|we)(?:\s+\w|['\u2019](?:m|ve|d|ll|re)\b)", re.I)  # "needle size *I like*"


def _which_kept(whole: str, key: str) -> str:
    """A key that trimming took a leading "which" off keeps it when a noun follows: "remind me which
    *server is the prod db*" recalls which server it is, not a server; so does a "what" before a
    clause of the speaker's ("do you remember what *needle size I like*"). A preposition before it
    goes ("in which *language pairs I work in*" -> "which language pairs I work in")."""
    m = _WHICH.match(whole)
    words = key.split()
    if not m or not words or not whole[m.end() :].startswith(key) or words[0].lower() in _NO_NOUN:
        return key
    if m.group(1).lower() == "what" and not _CLAUSE_OF_MINE.search(key):
        return key  # "what *my code* is" asks for the code
    return f"{m.group(1)} {key}"


_NO_NOUN = AUXILIARIES | _PRONOUNS | {"i", "you", "we"}  # "which *is* ...", "which *I* ..." ask of no noun


def _opens_with_pronoun(value: str) -> bool:
    """The value starts with a pronoun ("that", "it wrong"): it points at something said elsewhere."""
    words = value.split()
    return bool(words) and words[0].lower().strip(_STRIP) in _PRONOUNS


def _asked_when(text: str, key: str) -> str:
    """A key asked with "when/where/how did I say ..." keeps its question word, unless the words said
    end at a verb "to be" ("what time did I say our standup is" asks for *our standup*)."""
    m = _ASKED_WHEN.match(text)
    if not m or AUXILIARIES & {m.group(2).split()[-1].lower()} or len(m.group(2)) > 120:
        return key
    asked = "when" if m.group(1).lower().startswith("what") else m.group(1).lower()
    return f"{asked} {m.group(2)}"


_JOINED_NAME = re.compile(r"[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)+")  # cad_projects, lab-reports-2024


def _folder_name(spec: ToolSpec, name: str, value: str) -> bool:
    """A slot for a folder holds one name joined by "_" or "-", as folders are named: "find *.step in
    *cad_projects*" (a plain word, "in general", names none)."""
    return spec.path_takes(name) != "file" and _JOINED_NAME.fullmatch(value) is not None


def _free_text_param(spec: ToolSpec, name: str, schema: dict[str, Any]) -> bool:
    """A string the user words freely (text, query, question): not a path, pattern, command or choice."""
    return (_type(schema) == "string" and "enum" not in schema and not spec.is_path(name)
            and name not in PATTERN_NAMES and name not in GENERATED)  # fmt: skip


def _scoped(spec: ToolSpec, name: str) -> bool:
    """Besides ``name``, the tool takes a folder to look in (files.search's ``directory``)."""
    return any(n != name and spec.is_path(n) and spec.path_takes(n) != "file" for n in spec.properties)


def _type(schema: dict[str, Any]) -> str:
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "string")
    if t is None and "anyOf" in schema:
        return _type(next((s for s in schema["anyOf"] if s.get("type") != "null"), {}))
    return str(t or "string")


def _coerce(value: str, schema: dict[str, Any]) -> Any:
    t = _type(schema)
    try:
        if t == "integer":
            return int(float(value))
        if t == "number":
            return float(value)
    except ValueError:
        return value
    if t == "boolean":
        return value.lower() in {"true", "yes", "on", "1"}
    return value


def _patterns(text: str, lit: Literals) -> list[str]:
    """File-name patterns in ``text``: globs and file names, bare extensions ("all .md files" ->
    ``*.md``), then words for a kind of file ("the PDFs" -> ``*.pdf``)."""
    pool = [p for p in (*lit.globs, *lit.paths) if p in text and not has_separator(p) and not p.endswith("/")]
    # "they end in .mid", "any .gpx tracks": an extension, not a dotfile
    pool = [f"*{p}" if p.startswith(".") and (_NAMED_EXTENSION.search(text) or _kind_said(p).search(text)) else p
            for p in pool]  # fmt: skip
    pool += [f"*{ext}" for ext in _BARE_EXTENSION.findall(text)]
    kind = kind_pattern(text)
    if (named := name_part(text)) and not any("*" in p for p in lit.globs):
        # "a file with IMG_4 at the start of its name" -> IMG_4*; with a kind, "any jpgs with
        # 'retouched' in the name" -> *retouched*.jpg
        pool.insert(0, named + kind[1:] if kind else named)
    if not pool and kind:
        pool.append(kind)
    return list(dict.fromkeys(pool))


def _kind_said(extension: str) -> re.Pattern[str]:
    """``extension`` said as a kind of file: "any .gpx tracks", "all .dwg drawings"."""
    return re.compile(r"\b(?:any|all|every|each|the|my|those|these)\s+" + re.escape(extension) + r"\s+[a-z]+s\b", re.I)


def _name_word(group: str) -> str:
    """A word of a file name, quoted or not, captured as ``group``."""
    return r"[\"'\u2018\u201c]?(?P<" + group + r">[\w.-]+)[\"'\u2019\u201d]?"


_OF_THE_NAME = r"\s+(?:the|its|their)\s+(?:file\s*)?names?\b"
# Part of a file name said in words: "with 'retouched' in the name", "with IMG_4 at the start of its name",
# "whose names start with draft_".
_NAME_PART = re.compile(
    r"\b(?:with|ha(?:ve|s|ving)|contain(?:s|ing)?)\s+" + _name_word("inside") + r"\s+in" + _OF_THE_NAME
    + r"|\bwith\s+" + _name_word("start") + r"\s+at\s+the\s+(?:start|beginning|front)\s+of" + _OF_THE_NAME
    + r"|\b(?:names?|called)\s+(?:start|starting|starts|begin|beginning|begins)\s+with\s+" + _name_word("begins")
    + r"|\bnames?\s+(?:has|have|contains?|includes?)\s+" + _name_word("within"),  # "whose name has 'roster' in it"
    re.I,
)  # fmt: skip


def name_part(text: str) -> str | None:
    """The pattern a request gives by part of a file name: "with 'invoice' in the name" -> ``*invoice*``."""
    part = _NAME_PART.search(text)
    if part is None:
        return None
    word = next(g for g in part.groups() if g)
    starts = part.group("inside") is None and part.group("within") is None
    ends = _AND_ENDS.match(text, part.end())  # "starting with FA_ and ending in .xml": FA_*.xml
    return (f"{word}*{ends[1] if ends else ''}") if starts else f"*{word}*"


_SAID_ALOUD = re.compile(r"\b(?:out\s+loud|aloud|in\s+(?:a\s+|your\s+)?voice)\b", re.I)
# "out loud" (or "out lowd") ending the words to say, with what it is for: "... out loud so my student can hear it"
_ALOUD_TAIL = re.compile(
    r"\s+(?:out\s+lo[uw]{1,2}d|aloud|(?:in|with)\s+(?:a\s+|your\s+)?voice)\b(?:\s+(?:so|for|because|please|to)\b.*)?[.!?]*$",
    re.I | re.S,
)
_AND_ENDS = re.compile(r"\s*,?\s*and\s+(?:that\s+)?(?:end|ends|ending)\s+(?:in|with)\s+(\.?\w+)", re.I)


def _path_in(value: str, lit: Literals) -> str | None:
    """The path ``value`` names; where it is a bare file name the request also gives with its
    folders ("cat README.md? it's at ~/code/analytics/README.md"), the fuller path."""
    for p in (*lit.paths, *lit.globs):
        if p in value:
            fuller = [] if has_separator(p) else [q for q in lit.paths if q != p and basename(q) == p]
            return fuller[0] if len(fuller) == 1 else p
    return None


def fill_arguments(spec: ToolSpec, text: str, kernel: Any = None, *, literals: Literals | None = None) -> FillResult:
    """Fill ``spec``'s arguments from ``text``. ``kernel`` (optional) fills what copying cannot."""
    lit = literals or extract_literals(text)
    props = spec.properties
    required = spec.required
    path_slots = [n for n in props if spec.is_path(n)]
    slots, template = match_template(spec.examples, text, protect=lit.quoted, path_slots=path_slots, paths=lit.paths)
    loose = False
    if template is None:
        slots, template = match_template(spec.examples, text, loose=True, protect=lit.quoted, path_slots=path_slots,
                                         paths=lit.paths)  # fmt: skip
        loose = template is not None
    verb = False
    if template is None:
        slots, template = match_verb(spec.examples, text, [n for n, v in props.items() if _free_text_param(spec, n, v)])
        verb = loose = template is not None
    result = FillResult(arguments={}, template=template, loose=loose, verb=verb)
    used: set[str] = set()
    untrimmed: list[str] = []  # free-text slots to trim once the other arguments are known

    for name, schema in props.items():
        if name in slots:
            value = slots[name]
            if name in PATTERN_NAMES and not spec.is_path(name):
                # "all the PDFs" -> *.pdf; a slot without one yields to the request's ("any files
                # ending in .bak in /etc" slots "files ending")
                found = _patterns(value, lit) or _patterns(text, lit)
                first = value.split()[0]
                if not found and _JOINED_NAME.fullmatch(first) and "_" in first:
                    found = [first]  # "files named *authorized_keys* anywhere under /home"
                if not found and any(p in value for p in lit.paths):
                    continue  # a path with folders in it ("/var/log/myapp") is where to look, not what for
                value = found[0] if found else _TRAILING_NOUNS.sub("", _LEADING_ARTICLES.sub("", value))
                if not found and (len(value.split()) > MAX_PATTERN_WORDS or _TEXT_INTRO.match(value)):
                    result.rejected[name] = value  # "contains the string connection refused" names no file
                    continue
            elif spec.is_path(name):
                value = _path_in(value, lit) or _TRAILING_NOUNS.sub("", _LEADING_ARTICLES.sub("", value))
            if spec.is_path(name) and not (
                value in lit.paths or looks_like_path(value) or _folder_name(spec, name, value)
            ):
                result.rejected[name] = value
                continue
            if name in PATTERN_NAMES and value.lower() in _PRONOUNS:
                continue
            if name in GENERATED:
                quoted = next((q for q in lit.quoted if q in value), None)
                line = command_in(value)
                if quoted and line and quoted in line and not line.strip("\"'`").startswith(quoted):
                    quoted = None  # the quote is an argument of the command: zip -r a.zip "412 Maple Ave"
                    full = command_in(text)  # with its closing quote mark, which the slot lost
                    line = full if full and full.startswith(line) else line
                value = quoted or line or value
                whole = None if quoted else command_in(text)
                if whole and whole.endswith(" " + value):  # "start the server with npm {run dev}"
                    value = whole
                if value.split()[0].lower() in _NOT_COMMANDS:  # "what's the command {to check disk space}"
                    continue
                if _opens_with_pronoun(value):  # "pip install x - run *that*"
                    if not (value := command_in(text) or ""):
                        continue
            elif _free_text_param(spec, name, schema):
                quotes = [q for q in lit.quoted if q not in used]
                if _opens_with_pronoun(value) and len(quotes) == 1 and quotes[0] not in value:
                    value = quotes[0]  # "this word: 'phenomenon', I always say {it wrong}": the word is the quote
                if name == "question" and ASKS.match(value):
                    # a question keeps the quote it asks about: "what's the definition of an 'active subscriber'"
                    exact = False
                else:
                    value, exact = _free_text(value, lit)
                    payload = after_colon(text) if exact and value not in lit.quoted else None
                    if payload and payload.startswith(value) and payload != value:
                        value = payload  # "... that says: Dear tenant, the rent rises {in} line with ..." goes on
                    elif _INTRO_HEAD.fullmatch(value) and (payload := _after_dash(text)):
                        value, exact = payload, True  # "put the following into q.md -- 1. What caused ...?"
                    elif (not exact and _DESCRIBED.fullmatch(value) and (payload := after_colon(text))
                          and text.find(value) < text.find(payload)):  # fmt: skip
                        value, exact = payload, True  # "write the listing description to d.txt: Charming 3 bed, ..."
                    value = _closing_quote(value, text, lit)  # "... title is now 'The Salt Hours'"
                    exact = exact or f": {{{name}}}" in (template or "")  # "say this: {text}": the words to say
                    if exact and value not in lit.quoted:
                        value = _sentence_tail(value, text)  # "speak this: ... and started again."
                if not exact and name == "question":  # "... about {the budget, going by the notes I gave you}"
                    value = whole_question(text, without_asides(value, question=True))
                if not exact:  # quoted text or a colon's payload is the user's exact words; the rest is trimmed below
                    untrimmed.append(name)
            result.arguments[name] = _coerce(value, schema)
            result.sources[name] = "slot"
            used.add(value)
    # Required arguments first, and name patterns before folders: "where is config.yaml?" names a file.
    order = sorted(props, key=lambda n: (n not in required, n not in PATTERN_NAMES))
    for name in order:
        schema = props[name]
        if name in result.arguments:
            continue
        if name in PATTERN_NAMES and not spec.is_path(name):
            pool = [p for p in _patterns(text, lit) if p not in used]
            if pool:
                result.arguments[name] = pool[0]
                result.sources[name] = "literal"
                used.add(pool[0])
        elif spec.is_path(name):
            pool = [p for p in (*lit.paths, *lit.globs) if p not in used and f"*{p}" not in used]  # not ".kml" of *.kml
            if not pool:
                pool = _existing_words(text, used)
            if not pool and spec.path_takes(name) != "file":
                pool = _named_places(text, used)
            if pool and (name in required or len(pool) == 1):
                result.arguments[name] = pool[0]
                result.sources[name] = "literal"
                used.add(pool[0])
                held = result.rejected.get(name, "").lower().split()
                if held and held[0] in _OBJECTS:  # "show me what's in {it}", "open {it and show me}" + ./a.txt
                    del result.rejected[name]
        elif (
            name in GENERATED
            and name in required
            and (command := backticked(text) or command_in(text, with_arguments=True))
        ):
            result.arguments[name] = command
            result.sources[name] = "literal"
        elif (_type(schema) == "string" and "enum" not in schema and name in required
              and (after := after_colon(text)) and after not in used):  # fmt: skip
            # "read aloud: the oven is ready", "search my notes: when is the deadline"
            result.arguments[name] = after
            result.sources[name] = "literal"
            used.add(after)
        elif (_type(schema) == "string" and "enum" not in schema and lit.quoted and name in required
              and not (name == "question" and is_question(text))):  # fmt: skip
            # a question's quote is part of it: "which is the English term for 'Beipackzettel'?"
            pool = [q for q in lit.quoted if q not in used]
            if len(pool) == 1:  # two quotes are parts of a sentence: "I leave 'senpai' untranslated, never 'senior'"
                result.arguments[name] = pool[0]
                result.sources[name] = "literal"
                used.add(pool[0])

    # Free text is what is left around the command words ("please keep in mind {I'm allergic}"),
    # and around the other arguments ("FIXME {inside the tests folder}" once tests is the folder).
    for name in untrimmed:
        others = [str(v) for n, v in result.arguments.items() if n != name]
        value = str(result.arguments[name])
        value = first_clause(value) if name in QUERY_NAMES else value  # "my old address please, I moved"
        whole = value
        value = trim_span(value, command_words(spec.examples, name), others,
                          question=name == "question", topic=markers(spec.examples, name),
                          scoped=_scoped(spec, name))  # fmt: skip
        value = _which_kept(whole, value) if name in QUERY_NAMES else value
        value = _asked_when(text, first_clause(value)) if name in QUERY_NAMES else value
        value = _closing_quote(value, text, lit)  # "I spell it 'colour', never 'color'"
        value = (
            search_key(_THE.sub("", _NAMED_WORDS.sub("", value)))
            if _scoped(spec, name) and value not in lit.quoted
            else value
        )
        if is_empty_phrase(value):  # "what does the file x.txt contain" has no {content} for a write
            del result.arguments[name], result.sources[name]
            result.rejected[name] = value
        else:
            result.arguments[name] = value
    for name in required:
        if name not in result.arguments and _free_text_param(spec, name, props[name]):
            used_values = [str(v) for v in result.arguments.values()]
            span = content_span(text, command_words(spec.examples, name), used_values, question=name == "question",
                                topic=markers(spec.examples, name), scoped=_scoped(spec, name))  # fmt: skip
            span = _TEXT_INTRO.sub("", span) if span else span
            if not span and name == "question":  # "the manual is in the library, how do I turn on eye-AF?"
                span = question_clause(text)
            span = _asked_when(text, first_clause(span)) if span and name in QUERY_NAMES else span
            span = search_key(_THE.sub("", span)) if span and _scoped(spec, name) else span
            span = _closing_quote(span, text, lit) if span and name == "question" else span
            said = result.rejected.get(name, "").lower().strip(_STRIP)
            pointed = [q for q in lit.quoted if q not in used_values and span and q in span]
            if said in _PRONOUNS and len(pointed) == 1:
                span = pointed[0]  # "how 'Bach's Goldberg Variations' is pronounced - say *it*"
            held = [str(v) for n, v in result.arguments.items() if spec.is_path(n)]
            if span and any(p in span for p in held):
                span = None  # "I saved it as brief.txt - what's written in it?" holds no text to write to it
            if span and not is_empty_phrase(span):
                result.arguments[name] = span
                result.sources[name] = "span"
                result.rejected.pop(name, None)  # the slot held nothing, the request around it does

    for name in QUERY_NAMES:  # "Tasha left, forget everything about {her}": the one name said
        said = result.rejected.get(name, "").strip(_STRIP).lower()
        if name in required and name not in result.arguments and said in PERSONS and (who := person_named(text)):
            result.arguments[name] = who
            result.sources[name] = "slot"
            del result.rejected[name]
    for name in QUERY_NAMES:  # "what do you know about {me}?": the facts about the user (not "everything")
        said = result.rejected.get(name, "").strip(_STRIP).lower()
        if name in required and name not in result.arguments and said in {"me", "myself"} \
                and not re.search(r"\b(?:everything|all)\b", text, re.I):  # fmt: skip
            result.arguments[name] = "me"
            result.sources[name] = "slot"
            del result.rejected[name]

    # An optional question the templates do not cover is the request itself ("how many people
    # are in party.jpg?" asks more than "describe {path}").
    for name in props:
        if name != "question" or name in result.arguments or name in required:
            continue
        paths = [str(v) for n, v in result.arguments.items() if spec.is_path(n)]
        asked = question_beside(text, paths[0]) if paths else None
        if asked is None and (template is None or loose) and is_question(text):
            asked = text.strip().rstrip("?!. ")
            for path in paths:  # "is the photo studio.jpg bright enough": "is the photo bright enough"
                named = re.search(
                    r"\b(?:photo|image|picture|pic|screenshot|scan|shot|file)\s+" + re.escape(path), asked, re.I
                )
                asked = asked.replace(" " + path, "") if named else asked
        if asked:
            result.arguments[name] = asked
            result.sources[name] = "literal"

    _tidy(spec, text, lit, result)
    missing = [n for n in required if n not in result.arguments]
    if missing and kernel is not None:
        filled = _model_fill(spec, text, missing, lit, kernel)
        for name, value in filled.items():
            if spec.is_path(name) and not (isinstance(value, str) and looks_like_path(value)):
                result.rejected[name] = str(value)
                continue
            result.arguments[name] = value
            result.sources[name] = "model"
    result.missing = [n for n in required if n not in result.arguments]
    return result


def _tidy(spec: ToolSpec, text: str, lit: Literals, result: FillResult) -> None:
    """Last passes over the filled arguments: what a value said around itself that is no part of it
    (the file it goes in, "out loud so ..."), a name's start and ending as one pattern, and an
    "if" question asked directly."""
    said = _content_said(text) if any(n in spec.properties for n in CONTENT_NAMES) else None
    for name in CONTENT_NAMES:  # "a file notes.txt saying {Pick up milk. Call Dad: about the car.}"
        value = result.arguments.get(name)
        if said is None or said == value or value in lit.quoted:
            continue
        if value is None and name in spec.required and not looks_like_path(said):
            result.arguments[name], result.sources[name] = said, "span"  # "put it at t7.txt and it should just say ..."
        elif isinstance(value, str) and (value in said or said in value):
            result.arguments[name] = said
    held = [str(v) for n, v in result.arguments.items() if spec.is_path(n)]
    for name, value in list(result.arguments.items()):  # "put restock: gel, dressings {in restock.txt}"
        if spec.is_path(name) or name == "question" or not isinstance(value, str) or value in lit.quoted:
            continue
        for path in held:
            cut = re.sub(
                r"\s+(?:in|into|to|inside|onto)\s+(?:the\s+file\s+)?" + re.escape(path) + r"[.!?]*$", "", value
            )
            cut = cut.rstrip(" ,;:-\u2013\u2014") if cut != value else value  # "... the pad -- into a.txt"
            if cut != value and cut:
                result.arguments[name] = cut
    if any(_SAID_ALOUD.search(e) for e in spec.examples):  # a tool that speaks: "say X *out loud so my student hears*"
        for name, value in list(result.arguments.items()):
            if isinstance(value, str) and value not in lit.quoted and not spec.is_path(name):
                cut = _ALOUD_TAIL.sub("", value)
                # "pronounce the word {heteroskedasticity}, I never get it right": the word alone
                word = re.match(r"[\w'-]+", cut)
                named = word and re.search(r"\bthe\s+word\s+" + re.escape(word[0]) + r"\b", text, re.I)
                if re.search(re.escape(cut) + r"\s+(?:a\s+|your\s+)?voice\b", text, re.I):
                    cut = re.sub(r"\s+(?:in|with)$", "", cut)  # "say thank you come again {in} voice"
                result.arguments[name] = word[0] if named and word else cut if cut.strip() else value
    for name in PATTERN_NAMES:  # "starting with FA_ and ending in .xml": FA_*.xml, not *.xml alone
        given, part = result.arguments.get(name), name_part(text)
        if isinstance(given, str) and re.fullmatch(r"\.[A-Za-z][A-Za-z0-9]{0,7}", given) \
                and (_NAMED_EXTENSION.search(text) or kind_pattern(text) == f"*{given.lower()}"):  # fmt: skip
            result.arguments[name] = given = f"*{given}"  # "files ending in {.srt}", "every {.gpx} track file"
        if isinstance(given, str) and "*" in given and part and part != given \
                and (part.endswith(given.lstrip("*")) or part.startswith(given.rstrip("*"))):  # fmt: skip
            result.arguments[name] = part
    if result.template and (m := re.fullmatch(r"(.*\S)\s+(?:that|this|it)\s+\{(\w+)\}", result.template)):
        said = result.arguments.get(m.group(2))  # "My code is MT-88213, so just remember that {for me would you}"
        filler = isinstance(said, str) and FILLER.fullmatch(said.strip(_STRIP)) is not None
        if filler and (before := said_before(text, m.group(1))):
            result.arguments[m.group(2)] = before
    asked = result.arguments.get("question")
    if isinstance(asked, str) and asked not in lit.quoted and held:  # a question asked of a file
        for path in held:  # "what colours dominate {cover_thumb.jpg}" asks of the picture, not its name
            asked = re.sub(r"(?<![\s,](?:in|of|on|at))\s+" + re.escape(path) + r"$", "", asked) or asked
        # "what the floor surface is{, I need to match the footsteps to it}": the reason is no part of it
        result.arguments["question"] = asked = _REASON_AFTER.split(asked, maxsplit=1)[0] or asked
    if isinstance(asked, str) and asked not in lit.quoted:
        asked = without_source(asked)  # "what does the spec *I uploaded* say about surds"
        result.arguments["question"] = asked_directly(asked)  # "tell me if there's rust": "is there rust"
    for name in QUERY_NAMES:
        key = result.arguments.get(name)
        if isinstance(key, str) and key not in lit.quoted:
            result.arguments[name] = memory_key(key, text)


# What a command slot holds when it describes a command: "the command {to check disk space}", "how to run
# {a Stata do-file from the command line}"
_NOT_COMMANDS = frozenset({"to", "for", "a", "an"})


# Why the user asks, said after a question about a file: "what the floor surface is*, I need to match ...*"
_REASON_AFTER = re.compile(r",\s+(?=(?:i|we)(?:'m|'ve|\s+(?:need|want|have|am|was|think|guess|hope))\b)", re.I)
# Text written out whole (not a key to look up): what a verb of saying introduces runs to the end of
# the request, sentences, colons and all: "a file menu.txt *that reads* Soup: tomato. Main: fish."
CONTENT_NAMES = ("content",)
_SAYING = re.compile(
    r"\b(?:(?:that|which)\s+(?:says|reads)|saying|reading|containing|with\s+the\s+(?:text|words|line)"
    r"|put\s+in\s+it|write\s+(?:in\s+it|inside)|(?:should|will|must)\s+(?:just\s+|only\s+)?say)"
    r"(?:\s+just)?(?:\s+(?:the|a|this)\s+(?:[\w-]+\s+)?(?:text|words?|line|phrase|sentence))?"  # "just the header line"
    r"\s*:?\s+(?P<rest>\S.*)$",
    re.I | re.S,
)


def _content_said(text: str) -> str | None:
    """What a verb of saying introduces, to the end of the request; None when no verb does, or when
    the verb is a part of a colon's payload ("... to log.txt: an email *containing* one address")."""
    said = _SAYING.search(text)
    colon = text.find(": ") if after_colon(text) else -1
    return _strip(said["rest"]) if said and not 0 <= colon < said.start() else None


# Parameters whose value the model composes rather than copies (still validated, still policed).
GENERATED = frozenset({"command"})


def _choice_schema(name: str, schema: dict[str, Any], spec: ToolSpec, text: str, lit: Literals) -> dict[str, Any]:
    t = _type(schema)
    if "enum" in schema:
        return {"enum": schema["enum"]}
    if t == "string" and name in GENERATED and not (lit.quoted or lit.urls):
        # a shell command is rarely in the words of a request ("how much disk space is free"):
        # the model writes it, under a length limit, and the policy layer asks before it runs
        return {"type": "string", "minLength": 1, "maxLength": 200}
    if t == "string":
        choices: list[str] = []
        for value in (*lit.paths, *lit.globs, *lit.urls, *lit.quoted) if spec.is_path(name) else (
            *lit.quoted, *lit.urls, *lit.paths
        ):  # fmt: skip
            if value not in choices:
                choices.append(value)
        if not spec.is_path(name) or not choices:
            choices.extend(s for s in word_spans(text) if s not in choices)
        # llama.cpp's schema-to-grammar converter cannot write an enum string holding a quote or a backslash
        choices = [c for c in choices if '"' not in c and "\\" not in c] or [""]
        return {"type": "string", "enum": choices[:200]}
    if t in ("integer", "number") and lit.numbers:
        values = [_coerce(n, schema) for n in lit.numbers]
        return {"enum": values}
    out = {k: v for k, v in schema.items() if k not in ("title", "default", "description")}
    return out or {"type": "string", "maxLength": 200}


def _model_fill(spec: ToolSpec, text: str, names: list[str], lit: Literals, kernel: Any) -> dict[str, Any]:
    props = spec.properties
    schema = {
        "type": "object",
        "properties": {n: _choice_schema(n, props[n], spec, text, lit) for n in names},
        "required": names,
    }
    described = "; ".join(f"{n}: {props[n].get('description', _type(props[n]))}" for n in names)
    messages = [
        {"role": "system", "content": "Fill in the arguments of a function call. Copy the values from the request."},
        {
            "role": "user",
            "content": f"Function {spec.name}: {spec.description}\nArguments: {described}\nRequest: {text}",
        },
    ]
    try:
        out = kernel.complete_json(messages, schema, max_tokens=128)
    except ToolError:
        return {}
    if not isinstance(out, dict):
        return {}
    return {k: v for k, v in out.items() if k in names and v != ""}
