"""The router: request -> :class:`RouteDecision` (a tool and its arguments, or none).

Retrieval ranks the tools by the similarity of the request to their phrases; the
short list is then re-scored with evidence that costs no model call: does one of
the tool's ``{param}`` templates match the request (and do its path slots hold
paths)? Can its required path arguments be copied from the request at all? Does
the request name a file of a kind the tool declares (``.png`` for an OCR tool)?
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ToolError
from .commands import command_in, spelled_out
from .fill import (
    GENERATED,
    PATTERN_NAMES,
    FillResult,
    after_colon,
    fill_arguments,
    name_part,
    named_paths,
    template_coverage,
)
from .head import HEAD_WEIGHT
from .keys import SOURCE_NOUNS
from .kinds import MEDIA_KINDS, TEXT_KINDS, file_kinds, kind_of, kind_pattern, same_family
from .literals import WELL_KNOWN_NAMES, Literals, basename, extract_literals, has_separator
from .questions import is_question
from .retrieval import NO_TOOL, Candidate, Embedder, ToolIndex
from .spans import FOLDER_NOUN
from .specs import ToolSpec
from .spelling import Speller

__all__ = ["DEFAULTS", "RouteDecision", "Router"]

# Defaults of [router] threshold / margin / candidates / model_choice / none_margin / head_weight (config.py holds
# the keys; a test holds the two equal).
DEFAULTS: dict[str, Any] = {
    "threshold": 0.87, "margin": 0.0, "k": 3, "model_choice": False, "none_margin": 0.02, "head_weight": HEAD_WEIGHT,
}  # fmt: skip

TEMPLATE_BONUS = 0.04  # a template of the tool matched, with every path slot holding a path
COVERAGE_BONUS = 0.05  # ... plus this times the share of the request its fixed words spell
LOOSE_BONUS = 0.02  # only its loose form did (the last words before the slot; fill.py)
REJECTED_PENALTY = 0.05  # a template matched but put words that are not a path into a path slot
MISSING_PATH_PENALTY = 0.04  # a required path argument has nothing in the request to copy
KIND_BONUS = 0.03  # the request names a file of a kind the tool declares
KIND_MISMATCH = 0.05  # ... of a kind it cannot take: a text file for OCR, an image for speech
SHAPE_PENALTY = 0.08  # a folder for a parameter that takes a file, or a file for one that takes a folder
MISSING_TEXT_PENALTY = 0.02  # a required free-text argument has nothing in the request to copy
HOW_TO_BONUS = 0.06  # "no tool" for a request asking how to do something, or what a word means
_HOW_TO = re.compile(
    r"\s*(?:(?:in|on|with|using)\s+[^,?]{1,30}?(?:,\s*|\s+(?=how\b)))?"  # "In Word, how do I ...", "in python how do I"
    r"(?:(?:can\s+you\s+)?(?:please\s+)?(?:explain|tell\s+me|show\s+me|remind\s+me|teach\s+me)\s+(?=how\b))?"
    r"(?:how\s+(?:do|can|could|would|should)\s+(?:i|you|we|one)\b|how\s+to\b"
    # code to write is an answer: "write me a python function that lists all files in a directory"
    r"|(?:write|give)\s+(?:me\s+)?(?:a|an|some)\s+(?:[\w+#-]+\s+){0,2}(?:function|script|regex|query|program|class"
    r"|snippet|one-liner|method|rule|poem|story|speech|toast|talk|haiku|limerick|joke|slogan|tagline|caption|bio)\b"
    r"|how\s+(?:i|we)\s+(?:can|could|should)\b"  # "how I can cite a website in APA 7 style?"
    r"|what\s+does\b.*\b(?:mean|stand\s+for|do)\s*\??\s*$"  # "what does the word 'ephemeral' mean?"
    r"|what\s+does\s+(?:it|\S+|[\"'\u2018\u201c][^\"'\u2019\u201d]+[\"'\u2019\u201d])\s+mean\s+(?:in|when|if|for)\b"
    # "what is a p-value, in simple terms?", "What is a 'file' exactly?": what a thing is, in general
    r"|what(?:'s|\s+is)\s+an?\s+(?:\S+\s+){0,2}?\S+?\s*(?:,[^?]*|\s+(?:exactly|actually|really))?\?$"
    # "what's the shell command to count lines in a csv?"
    r"|what(?:'s|\s+is)\s+the\s+(?:\w+\s+){0,2}(?:command|syntax|shortcut|formula|way)\s+(?:to|for)\b"
    # how a thing works, what a flag does, what causes what: "how does text to speech work?", "what is OCR?"
    r"|how\s+(?:does|do)\s+(?:[\w'-]+\s+){1,5}work\b|what(?:'s|\s+is)\s+[A-Z]{2,6}s?\b(?=\s*(?:,|\?|$))"
    r"|(?:in\s+[\w.+-]+,?\s+)?what\s+(?:flag|option|switch|setting|parameter|argument)s?\s+(?:[a-z]+s|do|is|for)\b"
    r"|what\s+(?:else\s+)?(?:usually\s+|typically\s+|normally\s+|commonly\s+)?(?:(?:could|might|would|can)\s+)?causes?\b"
    r"|what\s+are\s+(?:the\s+)?(?:[\w-]+\s+){0,2}(?:signs|symptoms|causes|benefits|risks|side\s+effects|differences"
    r"|pros|advantages|disadvantages)\s+(?:of|for|between|to)\b"
    # what the assistant can do: "can you remember things between our chats?"
    r"|(?:can|could|do|will)\s+you\s+(?:actually\s+|really\s+)?(?:remember|recall|keep|store|learn|read|see|hear)\s+(?:things|stuff|anything)\b(?!\s+(?:about|on|of|regarding|i|we|my)\b))",
    re.I,
)
_SENTENCE_START = re.compile(r"(?:^|(?<=[.?!])\s+)(?=\S)")


def _asks_how(text: str) -> bool:
    """A sentence of ``text`` asks how to do something or what a word means: "how do I ...", or
    "twelve chapters in and stuck. how do you push through ...", "what does OCR mean? the man at
    the shop mentioned it" (a question is read up to its question mark)."""
    for m in _SENTENCE_START.finditer(text):
        sentence = text[m.end() :]
        question = sentence.split("?", 1)[0] + "?" if "?" in sentence else sentence
        if _HOW_TO.match(question):
            return True
    return False


_CLAUSE_START = re.compile(r"^|[,;.?!]\s+")


def _asks_advice(text: str) -> bool:
    """``text`` asks for advice, at its start or in a clause of its own ("my boss wants me to
    remember to run the payroll, *any tips* for building a habit like that?")."""
    return any(_ADVICE.match(text, m.end()) for m in _CLAUSE_START.finditer(text))


# Asking for advice, about a path or not: "is it safe to delete files in /tmp?", "should I use YAML?",
# "what sample rate should I record podcasts at?"
_ADVICE = re.compile(
    r"\s*(?:is\s+it\s+(?:better|safe|ok|okay|possible|wise|bad|a\s+good\s+idea)\s+to\b|is\s+it\s+worth\b|(?:(?:what|which)\s+(?:[\w-]+\s+){0,3})?should\s+i\b"
    r"|do\s+you\s+think\b|any\s+(?:[\w-]+\s+)?(?:tips|tricks|ideas|advice|suggestions|recommendations)\b)",
    re.I,
)
NAMED_FILE_PENALTY = 0.03  # "no tool" for a request naming a path
PATHLESS_PENALTY = 0.10  # a tool without a path parameter for a request naming a path it does not hold
PATTERN_BONUS = 0.03  # a file-name pattern (*.log, "the PDFs") for a tool that takes one
UNUSED_PATTERN_PENALTY = 0.045  # words for a kind of file ("csv files") to a tool taking a path but no pattern
UNUSED_PAYLOAD_PENALTY = 0.03  # the words after the request's colon have no place among the tool's arguments
LOST_BONUS = 0.035  # a file the user says is lost, for the tool that finds it by name (less for any other)
# Saying a file is lost: "I can't find it", "saved it somewhere", "where did I put ...".
_LOST = re.compile(
    r"\b(?:can'?t|cannot|couldn'?t|cant)\s+(?:\w+\s+)?find\b|\bsomewhere\b|\b(?:lost|misplaced)\b"
    r"|\bwhere\s+(?:is|did\s+i\s+(?:put|save|leave))\b|\bfind\s+where\b",
    re.I,
)
UNUSED_QUOTE_PENALTY = 0.05  # ... or the words it quotes
QUOTED_BONUS = 0.02  # the request's quoted text is an argument of the tool (not a path)
COMMAND_BONUS = 0.03  # a command line the request spells out (a program and its options or files)
ASKED_BONUS = 0.02  # the request asks a question the tool takes beside its file, and not what the file says
_WHAT_IT_SAYS = re.compile(r"\bwhat(?:'s|\s+is)\s+written\b|\b(?:text|words?|says?|read)\b", re.I)  # "what does it say"
VERB_BONUS = 0.05  # a content verb's template ("which files mention {text}") in a request about files
# What a request about the text in files calls them: "which chapters ... mention Odile".
_FILES_NOUN = re.compile(
    r"\b(?:files?|documents?|docs|notes|scripts?|logs?|configs?|letters?|chapters?|transcripts?|pages?|e-?mails?"
    r"|papers?|reports?|sources?|code|projects?|spreadsheets?|sheets?|drafts?|manuscripts?|recipes?|ones)\b",
    re.I,
)
# Words that send a question to the user's own documents: "my notes", "the manual", "according to".
_NAMES_A_SOURCE = re.compile(
    r"\b(?:according\s+to|based\s+on|going\s+by|indexed|ingested)\b"
    r"|\b(?:my|our|the|these|those)\s+(?:[\w'-]+\s+){0,3}?" + SOURCE_NOUNS + r"\b",
    re.I,
)
_WH_QUESTION = re.compile(r"\s*(?:what|which|who|whose|where|when|why|how)\b", re.I)
SHORTLIST = 6
FILLED_MARGIN = 0.02  # an unsure tool missing a required argument gives way to one this close that has them all


def _shape(value: str, text: str = "") -> str:
    """What a path names: "folder" for ``docs/``, ``~/Downloads``, ``src/components`` (folders and
    no extension), an existing folder or one the request calls a folder ("my ~/projects/app
    folder"); "file" for ``notes.txt``; else ""."""
    q = "[\"'\u2018\u2019\u201c\u201d`]?"  # "the folder 'Market Inventory'"
    said = re.search(re.escape(value) + q + r"\s+(" + FOLDER_NOUN + r")\b", text, re.I) if text else None
    said = said or (re.search(r"\b(" + FOLDER_NOUN + r")\s+" + q + re.escape(value), text, re.I) if text else None)
    if said:  # "my ~/projects/app folder", "open the folder data/raw"
        return "file" if said.group(1).lower() == "file" else "folder"
    path = os.path.expanduser(value)
    try:
        if os.path.isdir(path):
            return "folder"
        if os.path.isfile(path):
            return "file"
    except (OSError, ValueError):
        return ""
    last = basename(value)
    if not value.endswith(("/", "\\")) and ((last.startswith(".") and last.strip(".")) or last in WELL_KNOWN_NAMES):
        return "file"  # ~/.vimrc, src/Makefile
    rooted = value.startswith(("~", "/", "./", "\\\\")) or re.match(r"[A-Za-z]:\\", value)  # C:\Users\ana
    if value.endswith(("/", "\\")) or ((rooted or has_separator(value)) and "." not in last.strip(".")):
        return "folder"
    return "file" if re.search(r"\.[A-Za-z][A-Za-z0-9]{0,7}$", last) else ""


def _holds_paths(f: FillResult, named: list[str]) -> bool:
    """A command or quoted argument holds the request's paths ("run wc -l notes.txt")."""
    return any(f.sources.get(n) != "span" and any(p in str(v) for p in named) and str(v) not in named
               and len(str(v).split()) > 1 for n, v in f.arguments.items())  # fmt: skip


def _missing(f: FillResult | None) -> bool:
    return f is None or bool(f.missing)


def _no_tool_evidence(req: _Request) -> float:
    """A request naming a file ("write the words good luck into card.txt") is rarely small talk; one
    asking how to do something asks for an answer ("how do I find the area of a circle?")."""
    if req.advice:  # "is it safe to delete files in /tmp?" asks for advice about a path
        return HOW_TO_BONUS
    if req.lit.paths:
        return -NAMED_FILE_PENALTY
    return HOW_TO_BONUS if req.how_to else 0.0


def _fill_evidence(spec: ToolSpec, f: FillResult, req: _Request, kind: float, of_kind: bool = False) -> float:
    """What copying the arguments showed: a template matched, a path misread, an argument missing.
    ``of_kind``: the request's words for a kind of file name one the tool declares ("the wav files
    in recordings/" for a transcriber): the folder is where those files are, not a misread file."""
    how_to = (not req.lit.paths and req.how_to) or req.advice
    score = 0.0
    wrong_shape = not of_kind and any(_wrong_shape(spec, n, v, req.text) for n, v in f.arguments.items())
    if wrong_shape:
        score -= SHAPE_PENALTY
    if any(n in spec.required for n in f.rejected):
        score -= REJECTED_PENALTY
    elif f.template is not None and kind >= 0 and not wrong_shape and not how_to:
        # a template holding a file the tool cannot take, or a folder for a file, is no evidence;
        # nor is one that "how do I search for a file by name" holds: it asks, it does not command
        score += LOOSE_BONUS if f.loose else TEMPLATE_BONUS + COVERAGE_BONUS * template_coverage(f.template, req.text)
    if f.verb and not how_to and (req.called or _FILES_NOUN.search(req.text)):
        score += VERB_BONUS - LOOSE_BONUS  # "does any config under /etc/ssh contain PermitRootLogin yes"
    if any(spec.is_path(n) or n in PATTERN_NAMES for n in f.missing):  # no file, nor a name to find
        score -= MISSING_PATH_PENALTY
    elif f.missing:  # twice for a wh-question ("what does the note in x.jpg say??" holds no text to write)
        score -= MISSING_TEXT_PENALTY * (2 if _WH_QUESTION.match(req.text) else 1)
    if how_to:  # "how do I insert an image in Word?" asks; naming nothing to act on, it surely does
        # "how do I run {a python script}": no command line in it is nothing to act on either
        weak = any(n in GENERATED and not spelled_out(str(v)) for n, v in f.arguments.items())
        # a question for the user's documents that names none is one to answer: "how do I find
        # duplicates in Excel?" (not "how do I reset it, according to the manual?")
        weak = weak or ("question" in spec.required and not _NAMES_A_SOURCE.search(req.text))
        # "how do I list all files in a folder with PowerShell?" names no folder to list
        weak = weak or (any(spec.is_path(n) for n in spec.properties) and not any(spec.is_path(n) for n in f.arguments))
        score -= HOW_TO_BONUS if f.missing or weak else HOW_TO_BONUS / 2
    return score


def _literal_evidence(spec: ToolSpec, f: FillResult, req: _Request) -> float:
    """The request's literals in the tool's arguments: a command line, a quote, a pattern, a path."""
    score = 0.0
    if any(n in GENERATED and spelled_out(str(v)) for n, v in f.arguments.items()):
        score += COMMAND_BONUS  # "convert song.wav to mp3: ffmpeg -i song.wav song.mp3" spells a command out
        if any(n in GENERATED and str(v) == req.text.strip() for n, v in f.arguments.items()):
            score += COMMAND_BONUS  # the request is a command line and nothing else: "sha256sum firmware.bin"
    if any(str(v) in req.lit.quoted for n, v in f.arguments.items() if not spec.is_path(n)):
        score += QUOTED_BONUS  # "which file has the lyrics with 'midnight train'": the quote has a place here
    if any(n in PATTERN_NAMES and "*" in str(v) for n, v in f.arguments.items()):
        score += PATTERN_BONUS  # "*.log files in /var/log - find them", "any csv files in ./results?"
    if "question" not in spec.required and f.sources.get("question") in ("literal", "span"):
        # "crash.png - is the model clipping through the wall?" is asked of the picture; "what does it say" of its text
        score += -ASKED_BONUS if _WHAT_IT_SAYS.search(str(f.arguments["question"])) else ASKED_BONUS
    takes_path = any(spec.is_path(n) for n in spec.properties)
    takes_pattern = any(n in PATTERN_NAMES and not spec.is_path(n) for n in spec.properties)
    if req.kind_pattern and takes_path and not takes_pattern:
        score -= UNUSED_PATTERN_PENALTY  # "any csv files in ./results?" asks for csv files, not the whole folder
        if req.kind_pattern.startswith("*.") and req.kind_pattern[1:].lower() in req.text.lower():
            score -= UNUSED_PATTERN_PENALTY  # ... and more so with the extension written out: "any .tex files"
    if req.lost:  # "can't find my passport scan, pretty sure it's called passport.jpg": find it, not read it
        named = [n for n, v in f.arguments.items() if str(v) in req.lit.paths]
        if any(n in PATTERN_NAMES for n in named):
            score += LOST_BONUS
        elif named:
            score -= LOST_BONUS
    if _quote_unused(f, req):
        score -= UNUSED_QUOTE_PENALTY  # "is 'CUDA out of memory' anywhere in the logs dir?" is no listing
    if _payload_unused(f, req.payload):
        score -= UNUSED_PAYLOAD_PENALTY  # "stick this in orders.txt for me: Alternator arrives Thursday" is no read
    if not takes_path and req.called and not _holds_paths(f, req.called):
        score -= PATHLESS_PENALTY  # "the file ./chords/blackbird.txt - what's in it" is not for ask/recall
    return score


def _quote_unused(f: FillResult, req: _Request) -> bool:
    """The request quotes words (not a path) that none of the tool's arguments holds."""
    quotes = [q for q in req.lit.quoted if q not in req.lit.paths and len(q.strip()) > 1]
    return any(not _held(f, q) for q in quotes)


PAYLOAD_WORDS = 3  # a colon's payload this long is something to act on: to write, say, remember, ask


def _payload_unused(f: FillResult, payload: str | None) -> bool:
    """The request's colon introduces words (``payload``) that none of the tool's arguments holds."""
    if not payload or len(payload.split()) < PAYLOAD_WORDS:
        return False
    return not _held(f, payload, overlap=True)


def _held(f: FillResult, words: str, *, overlap: bool = False) -> bool:
    """An argument holds ``words``; with ``overlap``, an argument that ``words`` holds counts too."""
    values = [str(v) for v in f.arguments.values() if str(v).strip()]
    return any(words in v or (overlap and v in words) for v in values)


def _is_command_line(text: str) -> bool:
    """``text`` is a command line and nothing else (a program, then options or paths), or ends with
    one after a colon ("... with imagemagick: mogrify -format jpg *.png"), or holds one in
    backticks: "convert the page with `convert ch45.psd ch45.png`" (not "what does `ls -la` do?")."""
    line = command_in(text)
    if line is None:
        return False
    if line == text.strip() or text.rstrip(" .!").endswith(": " + line):
        return spelled_out(line)
    return f"`{line}`" in text and not is_question(text)


def _wrong_shape(spec: ToolSpec, name: str, value: Any, text: str = "") -> bool:
    if not spec.is_path(name) or not isinstance(value, str) or "*" in value:
        return False
    wants, shape = spec.path_takes(name), _shape(value, text)
    return bool(wants and shape and wants != shape)


@dataclass(frozen=True)
class _Request:
    """What the evidence of every candidate reads of one request, worked out once."""

    text: str
    lit: Literals
    kinds: set[str]  # the kinds (extensions) of the files it names
    called: list[str]  # the paths it names, or the folders it names in words (fill.named_paths)
    how_to: bool  # "how do I ...", "what does X mean"
    advice: bool  # "is it safe to ...", "should I use ..."
    kind_pattern: str | None  # the pattern its words for a kind of file mean ("csv files" -> *.csv)
    payload: str | None  # the words after its colon ("put in it: Monday - grounding, ..."), when it has one
    lost: bool  # it says a file is lost ("I can't find it", "saved it somewhere")


@dataclass
class RouteDecision:
    tool: str | None
    arguments: dict[str, Any]
    candidates: list[Candidate]
    timings_ms: dict[str, float] = field(default_factory=dict)
    chosen_by: str = "retrieval"  # retrieval | model | explicit | chain
    sources: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    literals: dict[str, list[str]] = field(default_factory=dict)
    sure: bool = True
    template: str | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "arguments": self.arguments,
            "candidates": [c.as_dict() for c in self.candidates],
            "chosen_by": self.chosen_by,
            "sure": self.sure,
            "template": self.template,
            "argument_sources": self.sources,
            "missing": self.missing,
            "literals": self.literals,
            "note": self.note,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }


def _kept_to_plugin(after: str | None, candidates: Sequence[Candidate]) -> str | None:
    """The best tool among ``candidates`` when it belongs to the plugin of ``after`` and it led "no
    tool" before the learned prior's bonuses (which judge a chain's step alone)."""
    best = next((c for c in candidates if c.tool != NO_TOOL), None)
    none = next((c for c in candidates if c.tool == NO_TOOL), None)
    if after is None or best is None or none is None or best.tool.split(".", 1)[0] != after.split(".", 1)[0]:
        return None
    return best.tool if best.score - best.prior >= none.score - none.prior else None


class Router:
    """Routes requests against a fixed set of tools.

    ``threshold``/``margin``: when the best tool's score (similarity plus evidence)
    is at least ``threshold`` and leads the runner-up by ``margin``, retrieval
    decides alone. Otherwise, with ``model_choice`` and a kernel, the model picks
    among the top ``k`` candidates and "none" under a grammar (off by default: the
    135M model picked worse than retrieval, see docs/routing.md); without it the
    best-scored candidate stands. An unsure tool whose required arguments cannot be
    filled gives way to a close runner-up that has them all (``FILLED_MARGIN``); one
    that leads "no tool" by less than ``none_margin``, or still misses arguments,
    becomes "no tool".
    """

    def __init__(self, specs: Sequence[ToolSpec], *, kernel: Any = None, embedder: Embedder | None = None,
                 threshold: float = DEFAULTS["threshold"], margin: float = DEFAULTS["margin"],
                 k: int = DEFAULTS["k"], cache: bool = True,
                 model_choice: bool = DEFAULTS["model_choice"],
                 none_margin: float = DEFAULTS["none_margin"],
                 head_weight: float = DEFAULTS["head_weight"]) -> None:  # fmt: skip
        t0 = time.perf_counter()
        self.specs = {s.name: s for s in specs}
        self.kinds = {s.name: file_kinds(s) for s in specs}
        self.index = ToolIndex(list(specs), embedder, cache=cache, head_weight=head_weight)
        self.speller = Speller(e for s in specs for e in s.examples)
        self.kernel = kernel
        self.threshold, self.margin, self.k = threshold, margin, k
        self.model_choice = model_choice
        self.none_margin = none_margin
        self.build_ms = (time.perf_counter() - t0) * 1000

    @classmethod
    def from_settings(cls, specs: Sequence[ToolSpec], settings: Any, *, kernel: Any = None) -> Router:
        """A router with the ``[router]`` settings of llmos.toml (``config.RouterSettings``)."""
        return cls(specs, kernel=kernel, threshold=settings.threshold, margin=settings.margin,
                   none_margin=settings.none_margin, k=settings.candidates,
                   model_choice=settings.model_choice, head_weight=settings.head_weight)  # fmt: skip

    # -- scoring ---------------------------------------------------------
    def _evidence(self, c: Candidate, req: _Request) -> tuple[float, FillResult | None]:
        """``c``'s score with the evidence of the request's own words, and the tool's copy-only fill."""
        if c.tool == NO_TOOL:
            return c.score + _no_tool_evidence(req), None
        spec = self.specs[c.tool]
        f = fill_arguments(spec, req.text, None, literals=req.lit)
        kind = self._kind_evidence(spec, f, req)
        of_kind = req.kind_pattern is not None and kind_of(req.kind_pattern) in self.kinds[spec.name]
        return c.score + kind + _fill_evidence(spec, f, req, kind, of_kind) + _literal_evidence(spec, f, req), f

    def _kind_evidence(self, spec: ToolSpec, f: FillResult, req: _Request) -> float:
        """The kinds of file the request names against those the tool declares."""
        named, kinds, every = req.kinds & MEDIA_KINDS, self.kinds[spec.name], req.kinds
        if named and kinds:
            return KIND_BONUS if named & kinds else 0.0 if same_family(named, kinds) else -KIND_MISMATCH
        if (
            kinds
            and every & TEXT_KINDS
            and any(
                spec.is_path(n) and (n in spec.required or kind_of(str(f.arguments.get(n, ""))) in TEXT_KINDS)
                for n in spec.properties
            )
        ):  # a text file ("notes.md") for a tool that takes images or audio, or writes them ("save it to sign.txt")
            return -KIND_MISMATCH
        if named and not kinds and any(spec.is_path(n) for n in spec.properties):
            return -KIND_BONUS / 2
        return 0.0

    def rank(self, text: str, lit: Literals | None = None) -> tuple[list[Candidate], dict[str, FillResult | None]]:
        """Candidates re-scored with evidence, best first, and each one's copy-only fill."""
        lit = lit or extract_literals(text)
        ranked = self.index.rank(self.speller.correct(text), lit)  # "rememeber my PIN" scores as remember
        req = _Request(text, lit, kinds={k for k in map(kind_of, lit.paths) if k}, called=named_paths(text, lit),
                       how_to=_asks_how(text), advice=_asks_advice(text),
                       kind_pattern=kind_pattern(text) or name_part(text), payload=after_colon(text),
                       lost=_LOST.search(text) is not None)  # fmt: skip
        fills: dict[str, FillResult | None] = {}
        rescored = []
        short = ranked[:SHORTLIST]
        # a tool that takes what the request spells out is a candidate, however far its phrases are:
        # "sha1sum backup.tar" for one that runs commands, "all the PNGs in ./exports" for one taking a pattern
        takes = set(GENERATED) if _is_command_line(text) else set()
        takes |= set(PATTERN_NAMES) if req.kind_pattern else set()
        short += [c for c in ranked[SHORTLIST:] if c.tool != NO_TOOL and takes & set(self.specs[c.tool].required)]
        for c in short:
            score, fills[c.tool] = self._evidence(c, req)
            rescored.append(Candidate(c.tool, score, c.matched, c.similarity, c.lexical, c.prior))
        if NO_TOOL not in fills:
            none = next((c for c in ranked if c.tool == NO_TOOL), None)
            if none is not None:
                score, fills[NO_TOOL] = self._evidence(none, req)
                rescored.append(Candidate(NO_TOOL, score, none.matched, none.similarity, none.lexical, none.prior))
        rescored.sort(key=lambda c: -c.score)
        return rescored, fills

    # -- routing ---------------------------------------------------------
    def route(self, text: str, *, after: str | None = None) -> RouteDecision:
        """The decision for ``text``. ``after``: the tool the step before it in a chain called
        (shell.py); a step the learned prior alone turned from that tool's plugin to no tool keeps to
        the plugin ("add handbook/ to my documents, then ask how many vacation days we get")."""
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        lit = extract_literals(text)
        ranked, fills = self.rank(text, lit)
        timings["retrieval"] = (time.perf_counter() - t0) * 1000
        top = ranked[0]
        runner = ranked[1] if len(ranked) > 1 else Candidate(NO_TOOL, -1.0, "")
        chosen, by = top.tool, "retrieval"
        sure = top.score >= self.threshold and top.score - runner.score >= self.margin
        if not sure and self.kernel is not None and self.model_choice:
            t1 = time.perf_counter()
            picked = self._model_choice(text, ranked[: self.k])
            timings["choice"] = (time.perf_counter() - t1) * 1000
            if picked is not None:
                chosen, by = picked, "model"
        none_score = next((c.score for c in ranked if c.tool == NO_TOOL), None)
        if not sure and by == "retrieval" and chosen != NO_TOOL and _missing(fills.get(chosen)):
            # "what colour did I say Odile's eyes were?" names no picture: the next tool it fills wholly
            nxt = next((c for c in ranked[1:3] if c.tool != NO_TOOL and not _missing(fills.get(c.tool))), None)
            if nxt is not None and top.score - nxt.score <= FILLED_MARGIN \
                    and (none_score is None or nxt.score > none_score):  # fmt: skip
                chosen, top = nxt.tool, nxt
        note = ""
        if not sure and by == "retrieval" and chosen != NO_TOOL and none_score is not None \
                and top.score - none_score < self.none_margin:  # fmt: skip
            note = f"{chosen} was the closest tool, but hardly closer than answering directly"
            chosen = NO_TOOL
        kept = _kept_to_plugin(after, ranked[: max(self.k, 3)]) if chosen == NO_TOOL else None
        if kept is not None:
            chosen, by, note = kept, "chain", "kept to the plugin of the step before"
        decision = RouteDecision(
            tool=None if chosen == NO_TOOL else chosen, note=note, arguments={}, candidates=ranked[: max(self.k, 3)],
            chosen_by=by, sure=sure, literals=lit.as_dict(),
        )  # fmt: skip
        if decision.tool is not None:
            t2 = time.perf_counter()
            copied = fills.get(decision.tool)
            if copied is not None and not copied.missing:
                filled = copied
            else:
                filled = fill_arguments(self.specs[decision.tool], text, self.kernel, literals=lit)
            decision.arguments, decision.sources, decision.missing = filled.arguments, filled.sources, filled.missing
            decision.template = filled.template
            timings["arguments"] = (time.perf_counter() - t2) * 1000
            if decision.missing and (not sure or by == "chain"):
                decision.note = (f"{decision.tool} was the closest tool, but the request names no "
                                 f"{', '.join(decision.missing)}: answering without a tool")  # fmt: skip
                decision.tool, decision.arguments, decision.sources = None, {}, {}
        timings["total"] = (time.perf_counter() - t0) * 1000
        decision.timings_ms = timings
        return decision

    def _model_choice(self, text: str, short: Sequence[Candidate]) -> str | None:
        names = [c.tool for c in short]
        if NO_TOOL not in names:
            names.append(NO_TOOL)
        lines = [f"- {NO_TOOL}: answer directly, no tool needed"] + [
            f"- {n}: {self.specs[n].description}" for n in names if n != NO_TOOL
        ]
        messages = [
            {"role": "system", "content": "Pick the one tool that serves the request best.\n" + "\n".join(lines)},
            {"role": "user", "content": text},
        ]
        schema = {"type": "object", "properties": {"tool": {"enum": names}}, "required": ["tool"]}
        try:
            out = self.kernel.complete_json(messages, schema, max_tokens=24)
        except ToolError:
            return None
        tool = out.get("tool") if isinstance(out, dict) else None
        return tool if tool in names else None
