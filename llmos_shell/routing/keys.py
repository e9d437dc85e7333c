"""What a request says around a fact that is no part of it: who told a memory key and how it is
kept ("the wifi password *I gave you* for the venue", "*any memories with* my old number *in
them*"), where a document question's documents came from ("the spec *I uploaded*"), the person
"him" or "her" stands for, and the sentence a "remember that" points back at."""

from __future__ import annotations

import re

from .spans import EDGE_PUNCTUATION as _STRIP

__all__ = ["FILLER", "PERSONS", "SOURCE_NOUNS", "memory_key", "person_named", "said_before", "without_source"]

# Words a slot may hold that say nothing: "remember that {for me would you}"
FILLER = re.compile(r"(?:(?:for|me|us|would|will|could|can|you|please|thanks|ok|okay|now|again)\b[\s,]*)+", re.I)
_CONNECTIVES = re.compile(r"[\s,;-]*(?:(?:so|and|then|just|please|can|could|would|will|you)\b[\s,]*)*$", re.I)


def said_before(text: str, words: str) -> str | None:
    """The sentence before a command whose "that" points back at it: "My code is MT-88213, so just
    *remember that* for me would you" -> "My code is MT-88213"."""
    m = re.search(r"(?<!\w)" + r"\s+".join(map(re.escape, words.split())) + r"\s+(?:that|this|it)\b", text, re.I)
    if not m:
        return None
    head = _CONNECTIVES.sub("", text[: m.start()])
    sentence = re.split(r"(?<=[.!?])\s+", head)[-1].strip(_STRIP)
    return sentence if len(sentence.split()) >= 3 else None


def without_source(question: str) -> str:
    """A document question without where its documents came from: "what does the spec *I uploaded*
    say about surds", "what torque does the manual *in my library* give"."""
    return _BY_THE_SOURCE.sub("", _OF_MY_LIBRARY.sub("", question)).strip() or question


# The documents a question names, in kinds of document people keep
SOURCE_NOUNS = (
    r"(?:docs?|documents?|documentation|manuals?|notes|handbooks?|guides?|polic(?:y|ies)|files|textbooks?|bylaws"
    r"|contracts?|papers|sops?|reports?|specs?|references?|leases?|agreements?|books?|pdfs?|slides|minutes|records"
    r"|readings?|sources?|wiki|runbooks?|monographs?|codes?|regs|regulations|rules|drafts|library|knowledge\s+base)"
)
# Which documents to go by, said before or after the question: "*per the scope doc* is 10.0.5.0/24 in
# scope", "*based upon my memoir drafts,* in what year ...", "the minimum TOEFL score *per the admissions docs*"
_BY_THE_SOURCE = re.compile(
    r"^(?:(?:according\s+)?to|per|based\s+(?:on|upon)|going\s+by)\s+(?:the|my|our|those|these|this|your)\s+"
    r"(?:[\w'-]+\s+){0,3}?" + SOURCE_NOUNS + r"\b[,:]?\s+"
    # ... with its first word taken for a command word: "(per) the scope doc is ...", "(based) upon my drafts, ..."
    r"|^(?:(?:upon|on|by)\s+)?(?:the|my|our|those|these|this|your)\s+(?:[\w'-]+\s+){0,3}?"
    + SOURCE_NOUNS
    + r"(?:,\s+|\s+(?=(?:is|are|does|do|did|can|what|how|when|which|who|where|in\s+what)\b))"
    r"|\s+(?:according\s+to|per|based\s+(?:on|upon)|going\s+by)\s+(?:the|my|our|those|these|this|your)\s+"
    r"(?:[\w'-]+\s+){0,3}?" + SOURCE_NOUNS + r"\s*$",
    re.I,
)


# What a question says of where its documents came from: "what does the spec *I uploaded* say about surds"
_OF_MY_LIBRARY = re.compile(
    r"\s+(?:(?:that|which)\s+)?(?:i|we)\s+(?:uploaded|added|ingested|indexed|imported|gave\s+you)(?=\s)"
    r"|\s+in\s+(?:my|the|our)\s+(?:library|knowledge\s+base)(?=\s)|(?<=\w)\s+(?:that\s+)?(?:i|we)\s+added$",
    re.I,
)
# What a key says of itself that is no part of the fact: "the wifi password *I gave you* for the venue"
_TOLD_YOU = re.compile(
    r"\s+(?:(?:that|which)\s+)?(?:i|we)\s+(?:(?:gave|told|sent|mentioned\s+to|said\s+to|shared\s+with)\s+you"
    r"|asked\s+you\s+to\s+(?:remember|keep|save|store))"
    r"(?:\s+(?:earlier|before|once))?(?=\s|$)",
    re.I,
)
# "everything you've got stored about {my home address}", "any memories with {my old number} in them"
_ABOUT_KEY = re.compile(
    r"(?:(?:any|all|every|the)\s+)?(?:everything|anything|memor(?:y|ies)|facts?|notes?)\s+"
    r"(?:you(?:'ve|\s+have)?\s+(?:got\s+)?(?:stored|saved|kept|remembered)\s+)?"
    r"(?:about|on|of|with|mentioning|regarding)\s+(?P<key>.+?)(?:\s+in\s+(?:them|it))?",
    re.I,
)
# "I don't want you to keep {my home address} anymore"
_KEEP_KEY = re.compile(
    r"i\s+(?:don't|do\s+not|dont)\s+want\s+you\s+to\s+(?:keep|store|remember|have)\s+(?P<key>.+?)(?:\s+any\s?more)?",
    re.I,
)


def memory_key(key: str, text: str) -> str:
    """A memory key without what the request says around the fact: who told it, how it is kept;
    a person said as "him" or "her" is the one the request names ("Jonah's stopped lessons, forget
    what I told you about him")."""
    for regex in (_ABOUT_KEY, _KEEP_KEY):
        m = regex.fullmatch(key.strip())
        if m:
            key = m.group("key")
    if key.strip(_STRIP).lower() in PERSONS:
        key = person_named(text) or key
    if re.search(r"\bwith\s+you\b", text, re.I):  # "did I save the night number {with} you?"
        key = re.sub(r"\s+with$", "", key)
    key = _IN_MEMORY.sub("", key) or key  # "erase my exam date *from your memory*"
    return _TOLD_YOU.sub("", key) or key


# Where a fact is kept, said beside it: "erase *from your memory* my old address", "my exam date *from your memory*"
_IN_MEMORY = re.compile(
    r"^(?:from|in|out\s+of)\s+(?:your|the|ur)\s+memor(?:y|ies)\s+"
    r"|\s+(?:from|in|out\s+of)\s+(?:your|the|ur)\s+memor(?:y|ies)$",
    re.I,
)


PERSONS = frozenset({"him", "her", "he", "she"})


def person_named(text: str) -> str | None:
    """The one person a request names by a capitalised name, if it names exactly one."""
    names = {w for w in re.findall(r"\b([A-Z][a-z]+)(?:['\u2019]s)?\b", text) if w.lower() not in _NOT_NAMES}
    return names.pop() if len(names) == 1 else None


_NOT_NAMES = frozenset(
    "i i'm i've i'd please can could would will you hey hi ok okay so now also and but just the my our his her "
    "she he they we it this that what when where who why how do does did is was are monday tuesday wednesday "
    "thursday friday saturday sunday forget delete remove erase wipe clear drop scratch purge remember recall "
    "tell show find look search no yes thanks".split()
)
