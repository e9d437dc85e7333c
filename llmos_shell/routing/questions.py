"""Questions inside a request: whether it is worded as one, the question it asks about a file it
names ("ui.png - is the layout cluttered?"), and the clause that asks one ("the manual is in the
library, how do I turn on eye-AF?")."""

from __future__ import annotations

import re

from .spans import AUXILIARIES

__all__ = ["ASKS", "asked_directly", "is_question", "question_beside", "question_clause", "whole_question"]

# A request worded as a question: a question word or an auxiliary first, or a "?" last.
_OPENERS = "what|who|where|when|why|how|which|whose|is|are|was|were|do|does|did|can|could|should|would|will|has|have"
_QUESTION = re.compile(r"(?i:" + _OPENERS + r")\b.*|.*\?$", re.S)


def is_question(text: str) -> bool:
    """``text`` is worded as a question: a question word or an auxiliary first, or a "?" last."""
    return _QUESTION.match(text.strip()) is not None


# What may lead a question that follows a file: "photo.png - is it blurry?", "chart.png and tell me whether ...".
_QUESTION_LEAD = re.compile(
    r"^[\s,:;?!.\-\u2013\u2014]*(?:(?:and\s+)?(?:tell|show)\s+me\s+|and\s+"
    r"|(?:(?:mainly|mostly|especially|just)\s+)?i\s+(?:want|wanna|need|would\s+like|'d\s+like)\s+to\s+know\s+)?",
    re.I,
)  # "..., mainly I want to know *if the seams are visible*"
ASKS = re.compile(r"(?:" + _OPENERS + r"|whether|if)\b", re.I)  # what opens a question, or asks one
_TELL_ME = re.compile(
    r"^(?:(?:can|could|would|will)\s+(?:you|u)\s+)?(?:please\s+)?(?:tell|show)\s+(?:me\s+|(?=(?:what|which|who|how|whether|if)\b))",
    re.I,
)
# A question that names its file last: "what colour is the car in ./lot.jpg".
_IN_THE_FILE = re.compile(
    r"\s+(?:in|of|on|from|at)(?:\s+(?:the|this)\s+(?:image|photo|picture|file|screenshot))?\s*$", re.I
)


_TO_YOU = re.compile(r"\s+to\s+you$", re.I)  # "does my stage setup look cluttered *to you*"


def question_beside(text: str, path: str) -> str | None:
    """The question a request asks about the file ``path`` it names, without the file: the one
    after it ("ui.png - is the layout cluttered?", "chart.png and tell me whether sales went up"),
    or the one before it ("what kind of plant is this? leaf.jpg", "what colour is the car in
    lot.jpg"); None when neither side is a question of its own ("does cat.jpg look blurry?")."""
    at = text.find(path)
    if at < 0:
        return None
    before, after = text[:at], text[at + len(path) :]
    tail = after[_QUESTION_LEAD.match(after).end() :].strip()  # type: ignore[union-attr]
    # "which days are marked? just describe it", "what feelings it gives. I want to write a poem about it"
    tail = re.split(r"[?!.]\s+(?=\S)", tail)[0].rstrip("?!. ")
    # "sample_12.png, there is any crack on the surface?", "lunch.jpg. Roughly what's on the plate?" ask
    # with their question mark alone
    marked = re.match(r"\s*(?:[,;:\-\u2013\u2014]|\.\s)\s*[^?.]+\?", after) is not None
    if tail and len(tail.split()) >= 2 and (ASKS.match(tail) or marked) and tail != after.strip():
        return tail
    head = _TELL_ME.sub("", before.strip())
    asked, mark, said = head.partition("? ")
    if mark and ASKS.match(asked) and len(asked.split()) >= 3 and not ASKS.match(said):
        return asked  # "does the mould look serious? photo is mould.jpg": a statement says where the file is
    # the question goes on after the file: "what trend does the chart in q2.png *show*", "does rack.jpg show ..."
    rest = _TO_YOU.sub("", after.strip().partition("? ")[0].rstrip("?!. "))
    goes_on = bool(re.match(r"\s+[A-Za-z]", after) and not re.search(r"[.,;:!?]\s*$", before)
                   and rest and not ASKS.match(rest))  # fmt: skip
    if goes_on and head.lower() in AUXILIARIES | {"can", "could", "will", "would", "should"}:
        return f"{head} it {rest}"  # "does it show any cables unplugged"
    if not ASKS.match(head) or len(head.split()) < 2:
        return None
    # after the file, nothing, or a sentence of its own: "what's the mood of this painting? dusk.jpg, I want ..."
    apart = not after.strip(" ?!.") or re.match(r"[.,;]\s+\S", after)
    if head.rstrip().endswith(("?", ":", "-", "\u2013", "\u2014")) and apart:
        return head.rstrip(" ?:-\u2013\u2014")
    bare = _IN_THE_FILE.sub("", head)
    # "...? something digs up my roses", "..., the owner wrote 'tabby' but I'm not sure"
    rest_apart = not after.strip(" ?!.") or re.match(r"\s*[?.!,;]\s+\S", after)
    if bare != head and rest_apart and len(bare.split()) < 2:
        return None  # "what's in site.jpg" asks no more than what is in it
    if bare != head and rest_apart and bare.split()[-1].lower() not in AUXILIARIES:
        return bare  # not "what kind of plant is" of "what kind of plant is in plant.jpg"
    if (
        bare != head
        and rest_apart
        and len(bare.split()) >= 3
        and re.search(r"\s(?:image|photo|picture|screenshot)\s*$", head)
    ):
        return head.strip()  # "how many singers are in the photo"
    if goes_on and bare != head and bare.split()[-1].lower() not in AUXILIARIES:
        return f"{bare} {rest}"  # "what trend does the chart show", "is the flower a bee orchid"
    return None


def whole_question(text: str, value: str) -> str:
    """The question of ``text`` that a question slot holds the end of: "In my library, what does the
    lease say about {pets}?" asks "what does the lease say about pets", not "pets"."""
    if ASKS.match(value):  # "do my docs tell me {how often ...}" holds a whole question already
        return value
    for clause in re.split(r"[,:;]\s+|\s+[-\u2013\u2014]\s+|(?<=\?)\s+", text):
        clause = clause.strip().rstrip("?!. ")
        if value in clause and clause != value and ASKS.match(clause) and clause.endswith(value):
            return clause
    return value


def question_clause(text: str) -> str | None:
    """The last clause of ``text`` that asks a question, after a separator: "my camera's manual is in
    the library, *how do I turn on eye-AF*?"; None when no clause after the first one asks."""
    clauses = re.split(r"[,:;]\s+|\s+[-\u2013\u2014]\s+|(?<=[?.!])\s+", text.strip())
    asked = [c.strip().rstrip("?!. ") for c in clauses[1:] if ASKS.match(c.strip())]
    return asked[-1] if asked and len(asked[-1].split()) >= 3 else None


# Asking directly what "tell me if/whether ..." asks: "if there's any rust" -> "is there any rust",
# "if the seams are visible" -> "are the seams visible", "if the roofline looks even" -> "does the
# roofline look even". Only what can be inverted without knowing the language's verbs; the rest
# stays as said ("whether sales went up").
_IF = re.compile(r"^(?:if|whether)\s+(?P<rest>.+)$", re.I | re.S)
_INVERTS = frozenset("is are was were has have had can could will would should may might must".split())
_CONTRACTED = {"'s": "is", "'re": "are", "'ll": "will", "'ve": "have", "'d": "would"}
_HAVE = {"has": "does", "have": "do", "had": "did"}  # "if it has a dent": "does it have a dent"
_PRONOUN = frozenset("it he she they we you i".split())
_SINGULAR_PRONOUN = frozenset("it he she".split())
_SUBJECT_LEAD = frozenset(
    "the a an this that these those my your his her its our their any some all each every".split()
)
# What ends a subject before any verb was seen: the clause is not one the rules can invert.
_NOT_SUBJECT = frozenset("of in on at to for with from by and or but not no if when as than".split())


def _base(verb: str) -> str | None:
    """The base form of a third-person verb ("looks" -> "look", "matches" -> "match")."""
    low = verb.lower()
    if not re.fullmatch(r"[a-z]{3,}s", low) or low.endswith(("ss", "us", "is", "'s")):
        return None
    if low.endswith("ies") and len(low) > 4:
        return verb[:-3] + "y"
    if low.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return verb[:-2]
    return verb[:-1]


def asked_directly(clause: str) -> str:
    """The direct question an "if/whether" clause asks, when its subject and verb are plain:
    "if there's any visible rust" -> "is there any visible rust", "whether they'll pay for it" ->
    "will they pay for it", "if the dents look deep" -> "do the dents look deep"; otherwise the
    clause unchanged."""
    m = _IF.match(clause.strip())
    if not m:
        return clause
    words = m["rest"].split()
    first = words[0].lower().replace("\u2019", "'")
    for tail, aux in _CONTRACTED.items():  # "there's", "they'll", "it's"
        if first.endswith(tail) and first[: -len(tail)] in _PRONOUN | {"there", "that"} and len(words) > 1:
            return " ".join([aux, words[0][: -len(tail)], *words[1:]])
    if first == "there" and len(words) > 2 and words[1].lower() in _INVERTS:
        return " ".join([words[1], "there", *words[2:]])
    if first in _PRONOUN:
        subject_end = 1
    elif first in _SUBJECT_LEAD and len(words) > 2:
        subject_end = 2  # the determiner and at least one word
    else:
        return clause
    window = range(subject_end, min(len(words), subject_end + 3))
    for at in window:  # an auxiliary first: "if the car keys *are* in the photo"
        word = words[at].lower()
        if word in _NOT_SUBJECT or (not word.isalpha() and "-" not in word):
            break
        owned = at + 1 < len(words) and words[at + 1].lower() in _SUBJECT_LEAD | {"to", "no", "enough"}
        if word in _HAVE and owned:
            return " ".join([_HAVE[word], *words[:at], "have", *words[at + 1 :]])  # "has to be": "does it have to be"
        if word in _INVERTS:
            return " ".join([words[at], *words[:at], *words[at + 1 :]])
    for at in window:
        word = words[at].lower()
        if word in _NOT_SUBJECT or (not word.isalpha() and "-" not in word):
            return clause
        subject, rest = words[:at], words[at + 1 :]
        head = words[at - 1].lower()
        singular = first in _SINGULAR_PRONOUN or (first not in _PRONOUN and (not head.endswith("s") or "-" in head))
        if (base := _base(words[at])) and singular:
            return " ".join(["does", *subject, base, *rest])
        if first in _PRONOUN - _SINGULAR_PRONOUN or (at > 1 and head.endswith("s") and not head.endswith("ss")):
            if not word.endswith("s") and not word.endswith("ed") and word not in AUXILIARIES:
                return " ".join(["do", *subject, words[at], *rest])
            return clause
    return clause
