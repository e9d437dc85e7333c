"""Questions inside a request: whether it is worded as one, the question it asks about a file it
names ("ui.png - is the layout cluttered?"), and the clause that asks one ("the manual is in the
library, how do I turn on eye-AF?")."""

from __future__ import annotations

import re

from .spans import AUXILIARIES

__all__ = ["ASKS", "is_question", "question_beside", "question_clause", "whole_question"]

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
    r"\s+(?:in|of|on|from)(?:\s+(?:the|this)\s+(?:image|photo|picture|file|screenshot))?\s*$", re.I
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
    tail = tail.partition("? ")[0].rstrip("?!. ")  # "which days are marked? just describe it"
    # "sample_12.png, there is any crack on the surface?" asks with its question mark alone
    marked = re.match(r"\s*[,;:\-\u2013\u2014]\s*[^?]+\?", after) is not None
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
