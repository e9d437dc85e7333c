"""Free-text spans: which words of a request are the argument, and which are the command.

"please keep in mind I'm allergic to peanuts" matches no template of ``memory.remember``
exactly ("keep in mind that {text}" wants a "that"), yet its command words are plain:
they are words the tool's own templates use around the ``{text}`` slot. A span is
what remains when the request's leading and trailing command words are taken off:

* command words: the stemmed words of the fixed parts of the tool's templates that hold
  the parameter's slot, politeness ("please", "again") and words that introduce an argument
  ("about", "regarding", "that");
* pronouns and auxiliaries ("could you", "what had I told you") go with the command words
  they stand between, never alone: "remember I need to call mom" keeps "I need";
* literals other arguments took ("in tests/") count as command words at the edges;
* an article or possessive that ends the leading run belongs to the span
  ("store in your memory that *the meeting moved*", "recall *my* dentist");
* when no command word was taken off, nothing says where the argument is: no span.

Only the edges are trimmed: "the warranty period of the dishwasher" keeps its "of the".
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Sequence

from .lexical import stem
from .spelling import MIN_LENGTH, one_slip

EDGE_PUNCTUATION = " \t.,;:!?\"'`\u201c\u201d\u2018\u2019"  # what a span sheds at its edges

__all__ = [
    "EDGE_PUNCTUATION",
    "command_words",
    "content_span",
    "first_clause",
    "is_empty_phrase",
    "markers",
    "search_key",
    "trim_span",
    "without_asides",
]

_SLOT = re.compile(r"\{(\w+)\}")
_TOKEN = re.compile(r"\S+")
_EDGE = ".,;:!?\"'`“”\u2018\u2019()[]\u2013\u2014"
# Words that may stand at either edge of a span without belonging to it.
FILLER = frozenset("please pls kindly thanks thank now again anywhere somewhere quickly ok okay hey hi fyi btw".split())
_NOT_SLIPS = frozenset({"pleas", "pleased"})  # words of their own, one letter from "please"


def is_filler(word: str) -> bool:
    """A filler word, or a slip of "please" or "thanks" ("pleae", "plese", "thnaks")."""
    return word in FILLER or (
        word not in _NOT_SLIPS and len(word) >= 5 and (one_slip(word, "please") or one_slip(word, "thanks"))
    )


FOLDER_WORDS = frozenset({"folder", "directory", "dir"})
FOLDER_NOUN = "(?:" + "|".join(sorted(FOLDER_WORDS | {"file"})) + ")"  # "the tests folder", "the notes.txt file"
_AFTER_NOUN = re.compile(r"\s+" + FOLDER_NOUN + r"\b", re.I)
# Ending a leading run, these belong to the span: "recall my dentist", "forget the parking spot".
DETERMINERS = frozenset("the a an my your our his her their these those".split())
# Words that mark the start of a topic; when a tool's templates put one right before a slot, the
# slot's value starts after it: "drop whatever you remember about *my manager*".
MARKERS = frozenset("about regarding concerning".split())
MARKER_REACH = 5  # a marker counts among the first words of a value only
# An auxiliary right after the command words starts no argument but a question's:
# "in which file is *parse_args* used", "recall what was *my colour*".
AUXILIARIES = frozenset("is are was were be been do does did has have had".split())
# A question keeps its question word: "in my docs, *what's* the wifi password".
QUESTION_WORDS = frozenset("what what's whats who who's whos where when why how which whose".split())
# Words that introduce an argument as a command word does ("what had I told you *regarding* ...").
RELATIONS = frozenset("about regarding concerning re that of under inside within throughout".split())
# Words a request may put around its command words ("could you", "I want you to"); taken off
# only between command words, never from the argument's own edge ("remember I need to call mom").
# Nouns that point back at what was said: "forget all of that *stuff*", "forget that *fact*".
REFERENCES = frozenset("fact facts stuff thing things info".split())
FUNCTION = (
    frozenset(
        "can could would will you u i id im me want need like to so just go ahead and then also let lets us we "
        "if possible is are was were be been do does did have has had it said told mentioned all every each any "
        "some got".split()  # "have you got anything saved about ..."
    )
    | REFERENCES
)


_SAYING = frozenset("said told mentioned".split())


def _norm(token: str) -> str:
    return stem(token.strip(_EDGE).lower().replace("'", "").replace("\u2019", ""))


class CommandWords(frozenset[str]):
    """Stemmed command words, knowing which of them only ever close a request ("what was {query}
    *called* again?"): those come off a value's end, not its start ("my *call* sign")."""

    closing: frozenset[str]

    def __new__(cls, words: Iterable[str], closing: Iterable[str] = ()) -> CommandWords:
        found = super().__new__(cls, words)
        found.closing = frozenset(closing)
        return found


@functools.lru_cache(maxsize=1024)
def _command_words(examples: tuple[str, ...], name: str) -> CommandWords:
    holding = [e for e in examples if "{" + name + "}" in e]
    words: set[str] = set()
    leading: set[str] = set()
    for example in holding:
        fixed = _SLOT.sub(" ", example)
        words.update(_norm(t) for t in _TOKEN.findall(fixed))
        before = example.split("{" + name + "}")[0]
        leading.update(_norm(t) for t in _TOKEN.findall(_SLOT.sub(" ", before)))
    words.discard("")
    return CommandWords(words, closing=words - leading)


@functools.lru_cache(maxsize=1024)
def _markers(examples: tuple[str, ...], name: str) -> frozenset[str]:
    before = [e.split("{" + name + "}")[0].split()[-1:] for e in examples if "{" + name + "}" in e]
    counts: dict[str, int] = {}
    for words in before:
        if words and words[0].lower() in MARKERS:
            counts[words[0].lower()] = counts.get(words[0].lower(), 0) + 1
    return frozenset(w for w, n in counts.items() if n >= 2)


def markers(examples: Sequence[str], name: str) -> frozenset[str]:
    """Topic words ("about") that stand right before the ``{name}`` slot in two or more templates."""
    return _markers(tuple(examples), name)


def command_words(examples: Sequence[str], name: str) -> CommandWords:
    """Stemmed words of the fixed parts of the templates holding ``{name}`` (empty without any)."""
    return _command_words(tuple(examples), name)


_EMPTY = (
    QUESTION_WORDS | DETERMINERS | RELATIONS | FILLER | AUXILIARIES
    | frozenset("it this that there here i you me we us they them".split())
    | frozenset("down up out".split())  # the particle of "write down", "type up", "read out"
    | frozenset("to before earlier once ago back again already yesterday".split())  # "have I mentioned {it before}"
    | REFERENCES
)  # fmt: skip


def is_empty_phrase(value: str) -> bool:
    """Only words that carry no content ("what does", "it", "the"): no argument at all."""
    words = [t.strip(_EDGE + "-\u2013\u2014").lower().replace("\u2019", "'") for t in value.split()]
    return all(not w or w in _EMPTY for w in words)


def _find_word(text: str, value: str) -> int:
    """Where ``value`` stands in ``text`` as a whole word ("notes" not inside "footnotes"), else -1."""
    if len(value.strip(_EDGE + " ")) < 2:  # "." or "3" marks nothing
        return -1
    m = re.search(r"(?<![\w.])" + re.escape(value) + r"(?![\w])", text)
    return m.start() if m else -1


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]


def _is_used(start: int, end: int, used_spans: list[tuple[int, int]]) -> bool:
    return any(start < u_end and u_start < end for u_start, u_end in used_spans)


# Where a search looks, said in words: "across the project", "in the codebase", "in my notes folder".
_SCOPE = re.compile(
    r"\b(?:(?:somewhere|anywhere|everywhere)\s+)?(?:across|in|throughout|within|inside|through)\s+"
    r"(?:the|this|my|our|all\s+(?:the|my|our))\s+(?:(?:whole|entire)\s+)?(?:project|codebase|code\s+base|code"
    r"|repo|repository|source\s+code|sources?|workspace|files|[\w-]+\s+(?:folder|directory))\b"
    r"|\b(?:the|this|my|our)\s+(?:(?:whole|entire)\s+)?(?:codebase|code\s+base|repo|repository|source\s+code|workspace)\b",
    re.I,
)


# What a stored fact is called, after its subject: "the on-call rotation *note*", "the alarm *fact*".
_RECORD_NOUNS = frozenset("note notes fact facts entry entries reminder reminders memory memories".split())


def _bare(token: str) -> str:
    return token.strip(_EDGE).lower()


_ASIDE_VERBS = frozenset("told tell said say mentioned want wanted need asked gave would think wonder".split())
_SUBJECT_VERB = frozenset("im ive id ill were weve".split())  # I'm, I've, I'd, I'll, we're, we've


def _runs(text: str, words: frozenset[str], used: Iterable[str], question: bool = False, scoped: bool = False
          ) -> tuple[list[tuple[int, int, str]], int, int]:  # fmt: skip
    """The tokens of ``text`` and the bounds ``lo``/``hi`` of what is left between the command words.

    ``question``: a question's own last words may be command words ("... the attention paper?"):
    only filler and used literals come off its end, unless a comma sets the tail apart
    ("what is the fee, according to my documents?").
    ``scoped``: the tool takes a folder to look in, so words for one ("across the project") are
    command words too.
    """
    tokens = _tokens(text)
    used_spans = [m.span() for m in _SCOPE.finditer(text)] if scoped else []
    for value in used:
        at = _find_word(text, value) if value else -1
        if at >= 0:
            noun = _AFTER_NOUN.match(text, at + len(value))  # "the tests folder" is the folder's name
            used_spans.append((at, noun.end() if noun else at + len(value)))

    def kind(i: int) -> str:
        """'anchor': a command word; 'function': may sit between command words; '': the argument's."""
        start, end, tok = tokens[i]
        bare = tok.strip(_EDGE).lower().replace("\u2019", "'")
        norm = _norm(tok)
        if bare in _SAYING and norm in words:
            return "anchor"  # "have I *told* you where I parked": saying is what the tool asks about
        if bare.replace("'", "") in FUNCTION:
            return "function"
        if i == 0 and bare == "thank" and len(tokens) > 2 and tokens[1][2].lower() == "you":
            return ""  # "say {thank you for shopping with us}": the words to say; "thank you, ..." is a courtesy
        if _is_used(start, end, used_spans) or not norm or norm in words or is_filler(bare) or bare in RELATIONS:
            return "anchor"
        if len(bare) >= MIN_LENGTH and any(one_slip(bare, w) for w in words):  # "forgett my phone number"
            return "anchor"
        return ""

    kinds = [kind(i) for i in range(len(tokens))]
    for j in range(len(tokens) - 1) if not question else ():
        if not kinds[j]:
            break
        bare = _bare(tokens[j][2]).replace("'", "")
        said_that = (
            bare == "i"
            and (j == 0 or _bare(tokens[j - 1][2]) == "that")
            and _bare(tokens[j + 1][2]) not in _ASIDE_VERBS
        )  # "remember that *I write* in ...", not "I told you"
        contracted = bare in _SUBJECT_VERB and re.search("['\u2019]", tokens[j][2]) is not None  # "we're", not "were"
        if contracted or said_that:
            kinds[j] = ""  # "remember *I'm on the zoning board*": a statement of the speaker's starts here
            break
    closing: frozenset[str] = getattr(words, "closing", frozenset())
    # "what's my {call sign} again": "call" only ever closes a request ("what was {query} called"),
    # so it starts the words it leads; a function word or one before more command words does not
    opening = [
        ""
        if k == "anchor" and i + 1 < len(tokens) and not kinds[i + 1] and _norm(tok) in closing
        and len(_bare(tok)) > 2 and _bare(tok) not in _EMPTY and not _is_used(tok_start, tok_end, used_spans)
        else k
        for i, (k, (tok_start, tok_end, tok)) in enumerate(zip(kinds, tokens, strict=True))
    ]  # fmt: skip
    run = 0
    while run < len(tokens) and opening[run]:
        run += 1
    lo = max((i + 1 for i in range(run) if opening[i] == "anchor"), default=0)
    if 0 < lo < run and tokens[lo - 1][2].lower() in _SAYING and tokens[lo][2].lower() == "you":
        lo += 1  # "have I told *you*": whom it was said to
    while (
        lo > 0
        and _bare(tokens[lo - 1][2]) in DETERMINERS
        and not _is_used(tokens[lo - 1][0], tokens[lo - 1][1], used_spans)
    ):
        lo -= 1
    start = len(tokens)
    while start > lo and kinds[start - 1]:
        start -= 1
    if question and not (start > lo and tokens[start - 1][2].endswith(",")):
        hi = len(tokens)
        while hi > lo and (
            is_filler(_bare(tokens[hi - 1][2])) or _is_used(tokens[hi - 1][0], tokens[hi - 1][1], used_spans)
        ):
            hi -= 1
        return tokens, lo, hi
    hi = min((i for i in range(start, len(tokens)) if kinds[i] == "anchor"), default=len(tokens))
    if lo < hi < len(tokens) and _bare(tokens[hi][2]) in _RECORD_NOUNS and _bare(tokens[lo][2]) == "the":
        lo += 1  # "remove *the* on-call rotation *note*": the article went with the noun
    return tokens, lo, hi


def _cut(text: str, tokens: list[tuple[int, int, str]], lo: int, hi: int) -> str:
    if lo >= hi:
        return ""
    return text[tokens[lo][0] : tokens[hi - 1][1]].strip(_EDGE + " ")


def _keep_question_word(tokens: list[tuple[int, int, str]], lo: int, hi: int) -> int:
    """The question word before ``lo`` comes back; a question after a separator ("my manuals should
    cover this - how do I reset it?") starts there."""

    def opens(i: int) -> bool:
        word = tokens[i][2].lower().replace("\u2019", "'").strip(_EDGE)
        return word in QUESTION_WORDS or word in AUXILIARIES

    for i in range(lo + 1, hi):
        prev = tokens[i - 1][2]
        if (prev.endswith((",", ":")) or prev in ("-", "\u2013", "\u2014")) and opens(i):
            return i

    def word(i: int) -> str:
        return tokens[i][2].lower().replace("\u2019", "'").strip(_EDGE)

    back = lo
    while back > 0 and word(back - 1) in AUXILIARIES and lo - back < 2:  # "what *is* the main contribution"
        back -= 1
    if back > 0 and word(back - 1) in QUESTION_WORDS:
        return back - 1
    return lo


def _after_marker(tokens: list[tuple[int, int, str]], lo: int, hi: int, topic: frozenset[str]) -> int:
    at = next((i for i, t in enumerate(tokens[lo : lo + MARKER_REACH], lo) if _bare(t[2]) in topic),
              None)  # fmt: skip
    return at + 1 if at is not None and at + 1 < hi else lo


def _skip_auxiliaries(tokens: list[tuple[int, int, str]], lo: int, hi: int) -> int:
    if lo == 0:
        return lo
    while lo < hi - 1 and _bare(tokens[lo][2]) in AUXILIARIES:
        lo += 1
    return lo


# Asides a request may end with, said to the assistant about the argument rather than part of it:
# "forget the wifi password *I gave you*", "what was my landlord's name*, I told you last week*",
# "remove the server IP *from your memory, it changed*", "remember I take it black*, so you don't ...*".
_TOLD_YOU = (
    r"(?:(?:according\s+to|from|like|as)\s+)?(?:that\s+|which\s+|what\s+)?(?:[iI]\s+think\s+)?(?:i|I)\s+"
    r"(?:(?:told|gave|asked|sent|showed)(?:\s+(?:it|that|this))?(?:\s+to)?\s+you"
    r"|mentioned(?:\s+(?:it|that|this))?(?:\s+to\s+you)?)"
    r"(?:\s+(?:to\s+(?:remember|save|keep|store)|about|before|earlier|once|yesterday|last\s+\w+|the\s+other\s+day"
    r"|a\s+while\s+(?:back|ago)))*"
    r"|(?:that\s+)?you\s+(?:saved|stored|remembered|kept|noted)(?:\s+(?:before|earlier))?"
    r"|you\s+(?:should|might|must|may)\s+have\s+(?:it|that|this)(?:\s+(?:saved|stored|noted|somewhere))*"
    r"|(?:from|in|out\s+of)\s+(?:your|the)\s+memory(?:\s+anymore)?|anymore|from\s+(?:before|earlier|last\s+time)"
)
_SAID_AFTER = (  # only after a comma, a full stop or a dash
    r"(?:it|that|this)(?:'s|\u2019s|\s+is|\s+was|\s+has)?\s+(?:changed|wrong|a\s+mistake|outdated|old|not\s+true"
    r"|no\s+longer\s+true)|so\s+(?:that\s+)?you\b.*|because\b.*|thanks|thank\s+you|thx|cheers"
    r"|[iI](?:'m|\u2019m|\s+am)\s+(?:just\s+)?(?:checking|testing|trying|practi[cs]ing|comparing|proofreading|double-checking)\b.*"
    # a tag question: "my docs should say whether ... . *do they?*"
    r"|(?:do|does|did|is|are|was|were|can|will|would|has|have)(?:n't)?\s+(?:they|it|you|he|she|we)"
    # where the answer is, after the question: "..., *going by the transcripts I gave you*?"
    r"|(?:going\s+by|according\s+to|based\s+on|from|in|per)\s+(?:the|my|our)\s+[\w' -]{1,40}?\s+"
    r"(?:that\s+)?(?:I|i|we)\s+(?:gave|sent|uploaded|added|shared|indexed)(?:\s+(?:to\s+)?you)?"
)
# The reason, said after the argument with or without a comma: "say Chrysomelidae out loud *so I can hear it*".
_SO_I_CAN = r"[sS]o\s+(?:that\s+)?(?:[iI]|[wW]e)\s+(?:can|could|don't|won't|do\s+not|will)\b[^,;.?!]*"
# Possessive runs (``++``, ``*+``): a long run of commas or dots must not be split every way.
_ASIDE = re.compile(
    r"(?:[\s,;.?!]++(?:" + _TOLD_YOU + r"|" + _SO_I_CAN + r")"
    r"|(?:\s*+[,;.?!]|\s++[-\u2013\u2014])\s*+(?:" + _SAID_AFTER + r"))[\s.?!]*+$"
)
ASIDE_REACH = 300  # asides end a request: only its last characters are searched
_TRAILING_AUXILIARY = re.compile(r"\s+(?:is|are|was|were)[\s.?!]*$", re.I)  # "my gym locker code *is*"


def _without_asides(text: str, question: bool) -> tuple[str, bool]:
    """``text`` without the asides it ends with; ``True`` when one came off. A question also ends
    at its question mark: "does the policy allow pets? *check the docs I uploaded*"."""
    cut = False
    while (m := _ASIDE.search(text, max(0, len(text) - ASIDE_REACH))) and text[: m.start()].strip(_EDGE + " "):
        text, cut = text[: m.start()], True
    if question:
        head, mark, tail = text.partition("? ")
        if mark and tail.strip() and "?" not in tail and len(head.split()) >= 3:
            text, cut = head, True
    return text, cut


def without_asides(text: str, *, question: bool = False) -> str:
    """``text`` without the asides it ends with ("..., going by the transcripts I gave you")."""
    return _without_asides(text, question)[0].rstrip(" ,;") or text


# A clause that starts after a break with its own subject: "my car*, I sold it*", "my address*? I
# shouldn't have told you*", "the name of my accountant*... who was it?*".
_NEW_CLAUSE = re.compile(
    r"(?:,|\?|\.{1,3}|;|\s[-\u2013\u2014])\s++(?:i|i'm|i've|i'd|it|it's|that|that's|this|she|he|they|we|who|which"
    r"|there|you)\b",
    re.I,
)


# What a file says, said before the words to look for: "any entry *mentioning* humpback", "which of my
# log files *say* force 9", "a recipe somewhere *that uses* tonka bean", "anyone *who asked for* ranunculus"
_SAYS = re.compile(
    r"(?:^|\s)(?:(?:that|which|who|where)\s+)?(?:mention(?:s|ed|ing)?|contain(?:s|ed|ing)?|says?|saying|uses?"
    r"|(?:asked|called)\s+for|refers?\s+to|referring\s+to)\s+(?!about\b)(?:the\s+(?:words?|phrase|term|string|text)\s+)?",
    re.I,
)
_ASKS_BACK = re.compile(r"\s+and\s+(?:tell|show|give|let)\s+me\b", re.I)  # "@old.com *and tell me which ones*"
_DANGLING = re.compile(r"(?:\s+(?:did|do|does|is|was|are|were|have|had|i|you))+$", re.I)
# How the thing came up, said after it: "the locker code *I gave you*", "my accountant *a while back*".
_CAME_UP = re.compile(
    r"(?:\s+(?:that|which))?\s+(?:i|we)(?:'ve|\u2019ve|\s+have)?\s+(?:told|gave|sent|showed|mentioned|said|saved)"
    r"(?:\s+(?:it|them))?"
    r"(?:\s+(?:to\s+)?you)?(?:\s+about)?(?=\s*$|\s+(?:earlier|before|last|a\s+while|the\s+other))",
    re.I,
)
_WHEN_SAID = re.compile(r"(?:\s+from)?\s+(?:a\s+while\s+(?:back|ago)|earlier|before|last\s+(?:week|month|time|year)"
                        r"|the\s+other\s+day|yesterday|again)$", re.I)  # fmt: skip


# A question of what was said, inside a search key: "tuning *did I mention* I use for gigs".
_SAID_INSIDE = re.compile(r"\s+(?:did|have|had)\s+i\s+(?:say|said|mention|mentioned|tell\s+you|told\s+you)\s+", re.I)
_NAME_OF = re.compile(r"^(?:the\s+)?name\s+of\s+", re.I)  # "the name of *my accountant*": the key is the one named


def _without_said(value: str) -> str:
    """A key without the "did I say" inside it: the words said, when they name the thing ("colour did
    I say *Odile's eyes*"), or the thing before it, when the words said are a clause about it
    ("*tuning* did I mention I use for gigs", "*router* did I tell you we have in the office")."""
    m = _SAID_INSIDE.search(value)
    if not m or not value[: m.start()].strip():
        return value
    head, tail = value[: m.start()].strip(), _TRAILING_AUXILIARY.sub("", value[m.end() :]).strip()
    if not tail:
        return head
    return head if tail.lower().startswith(("i ", "we ")) else tail


def first_clause(value: str) -> str:
    """A search key without a clause said after it about it ("my car, I sold it" -> "my car";
    "the locker code, facilities changed them" -> "the locker code"), nor how it came up ("the
    locker code I gave you"), nor a "did I say" inside it ("colour did I say Odile's eyes" ->
    "Odile's eyes"), nor a leading "the name of", nor the words of a question left after it
    ("citation style *did I*")."""
    m = _NEW_CLAUSE.search(value)
    # a bare comma ends a key of two words or more; a question mark any key ("the clinic fax number? the
    # printer guy is asking")
    comma = None if m else re.search(r",\s|\?\s", value)
    cut = m or comma
    head = value[: cut.start()].strip(_EDGE + " ") if cut else value
    if cut and head and not is_empty_phrase(head) and (m or len(head.split()) >= 2 or cut.group(0)[0] == "?"):
        value = head
    if len(value) <= ASIDE_REACH:  # keys are short; a pasted page is left as it is
        value = _without_said(value)
        named = _NAME_OF.sub("", value)
        value = named if len(named.split()) >= 2 else value  # not "the name of Priya" -> "Priya"
        for said in (_WHEN_SAID, _CAME_UP, _WHEN_SAID):
            bare = said.sub("", value).strip()
            value = bare if bare and not is_empty_phrase(bare) else value
    bare = _DANGLING.sub("", value)
    return _fact_named(bare) if bare and not is_empty_phrase(bare) else value


# What a key said as a changed fact names: "*the altos* are fine now", "*the surprise party* is over".
_STATE_OF = re.compile(
    r"^(?P<thing>(?:the|my|our|his|her|their)\s+(?:[\w'-]+\s+){0,3}?[\w'-]+)\s+(?:is|are|was|were)\s+"
    r"(?:now\s+|no\s+longer\s+|not\s+)?[\w'-]+(?:\s+now)?$",
    re.I,
)
# The fact a denial denies: "I no longer teach the honors section" -> "I teach the honors section".
_DENIAL = re.compile(r"^((?:i|i'm|we)\s+)(?:no\s+longer|not)\s+(.+?)(?:\s+any\s?more)?$", re.I)


def _fact_named(key: str) -> str:
    """A key said as a change of a fact names what changed: "the altos are fine now" -> "the altos";
    "I'm not vegetarian anymore" -> "I'm vegetarian"."""
    if len(key) > ASIDE_REACH:
        return key
    m = _STATE_OF.match(key)
    if m:
        return m.group("thing")
    denied = _DENIAL.match(key)  # not "Dr. Patel not working Wednesdays": the denial is the fact itself
    return denied.group(1) + denied.group(2) if denied else key


# A word that is a code, not a word of the language: "AB-7731", "INV-20931", "TODO", "spawnCreature".
_CODE = re.compile(
    r"(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]+|[A-Z]{2,}\d*|[a-z]+[A-Z]\w*|\w+_\w+"
    r"|\d+(?:[:./-]\d+){2,}|[#@][A-Za-z]\w+"  # "the timecode 01:02:14:08", "the hashtag #GlowUpWeek"
)
_PLAIN = re.compile(r"[a-z]+")
_LONG_NUMBER = re.compile(r"\d{5,}")  # "004417" is a code; "force 9" or "in 2023" is not
SEARCH_KEY_WORDS = 5  # a key of more words is a phrase to find as it is


def search_key(value: str) -> str:
    """A search key without a clause said after it ("Bella Hoffmann*, she says we have her records*"),
    and, when it is a code among plain words, the code: "the customer reference *AB-7731*",
    "invoice number *INV-20931*", "any *TODO* comments"."""
    m = _NEW_CLAUSE.search(value) or _ASKS_BACK.search(value)
    if m and value[: m.start()].strip(_EDGE + " ") and not is_empty_phrase(value[: m.start()]):
        value = value[: m.start()].strip(_EDGE + " ")
    said = list(_SAYS.finditer(value))
    if said and value[said[-1].end() :].strip(_EDGE + " "):
        value = value[said[-1].end() :].strip(_EDGE + " ")
    words = value.split()
    if 1 < len(words) <= SEARCH_KEY_WORDS:
        codes = [w for w in words if _CODE.fullmatch(w.strip(_EDGE))]
        if len(codes) == 1 and all(w == codes[0] or _PLAIN.fullmatch(w) for w in words):
            return codes[0].strip(_EDGE)
        # a code said in parts after the plain words naming it: "the postcode *BS7 8QT*", "employee number *004417*"
        tail = list(itertools.takewhile(lambda w: _CODE.fullmatch(w) or _LONG_NUMBER.fullmatch(w), reversed(words)))
        named = words[: len(words) - len(tail)]
        if tail and named and all(_PLAIN.fullmatch(w) for w in named) and any(_CODE.fullmatch(w) or
                                                                             len(w) >= 5 for w in tail):  # fmt: skip
            return " ".join(reversed(tail))
    return value


def _span(text: str, words: frozenset[str], used: Iterable[str], question: bool, topic: frozenset[str],
          scoped: bool = False) -> tuple[str, bool]:  # fmt: skip
    """What is left of ``text`` between its command words, and whether any edge word was one."""
    text, cut = _without_asides(text, question)
    tokens, lo, hi = _runs(text, words, used, question, scoped)
    trimmed = cut or lo > 0 or hi < len(tokens)
    if question:
        lo = _keep_question_word(tokens, lo, hi)
        return _cut(text, tokens, lo, hi), trimmed
    lo = _skip_auxiliaries(tokens, _after_marker(tokens, lo, hi, topic), hi)
    span = _cut(text, tokens, lo, hi)
    if lo > 0 and _bare(tokens[lo - 1][2]) in QUESTION_WORDS:  # "remind me what *my code* is"
        span = _TRAILING_AUXILIARY.sub("", span)
    return span, trimmed


def content_span(text: str, words: frozenset[str], used: Iterable[str] = (), *, question: bool = False,
                 topic: frozenset[str] = frozenset(), scoped: bool = False) -> str | None:  # fmt: skip
    """The request minus its leading and trailing command ``words``; None when no edge word is one
    or nothing is left.

    ``question``: the argument is a question: it keeps its question word, and a question after a
    separator starts there ("my manuals cover this - how do I reset it?").
    ``topic``: the tool's topic markers (:func:`markers`); the argument starts after the first one
    among the first few words after the command words.
    ``scoped``: the tool takes a folder to look in; "across the project" is no part of the argument.
    """
    if not words:
        return None
    span, trimmed = _span(text, words, used, question, topic, scoped)
    return span if trimmed and span else None


def trim_span(value: str, words: frozenset[str], used: Iterable[str] = (), *, question: bool = False,
              topic: frozenset[str] = frozenset(), scoped: bool = False) -> str:  # fmt: skip
    """A slot's value with command words taken off its edges ("about the parking spot" -> "the
    parking spot"), as :func:`content_span` does; the value unchanged if nothing would be left."""
    if not words:
        return value
    return _span(value, words, used, question, topic, scoped)[0] or value
