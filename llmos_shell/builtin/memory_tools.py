"""The ``memory`` plugin: ``memory.remember``, ``memory.recall``, ``memory.forget``.

Built in, but registered through the ``llmos`` entry point like any plugin.
Text passes the redactor before it is stored (secrets and personal data become
typed placeholders); recalled text is untrusted context (provenance ``memory``).
"""

from __future__ import annotations

from typing import Any

from ..errors import LlmosError, ToolError
from ..hookspecs import hookimpl
from ..tools import ToolResult

FORGET_MIN_SCORE = 0.85


def _store() -> Any:
    from ..memory_access import get_store

    try:
        return get_store()
    except LlmosError as exc:
        raise ToolError(f"memory is not available: {exc}") from None


def _store_error(exc: Exception) -> ToolError:
    return ToolError(f"memory: {exc}")


def remember(text: str) -> ToolResult:
    """Remember a fact or note for later conversations.

    Args:
        text: what to remember, in the user's words
    """
    if not text.strip():
        raise ToolError("nothing to remember: the text is empty")
    store = _store()
    try:
        mid = store.add(text.strip(), namespace="facts", provenance="user")
    except Exception as exc:  # noqa: BLE001 - store errors carry a user-facing message
        raise _store_error(exc) from None
    stored = store.get(mid)
    shown = stored.text if stored is not None else text
    return ToolResult(content=f"Remembered (#{mid}): {shown}", data={"id": mid, "text": shown})


def recall(query: str) -> ToolResult:
    """Recall remembered facts related to a question or topic.

    Args:
        query: what to look for
    """
    try:
        hits = _store().search(query, k=5, namespace="facts")
    except Exception as exc:  # noqa: BLE001
        raise _store_error(exc) from None
    if not hits:
        return ToolResult(content="Nothing remembered yet.", provenance="memory", data=[])
    rows = [{"id": h.id, "score": round(float(h.score), 3), "text": h.text} for h in hits]
    body = "\n".join(f"#{r['id']} ({r['score']:.2f}) {r['text']}" for r in rows)
    return ToolResult(content=body, provenance="memory", source="memory", data=rows)


def forget(query: str) -> ToolResult:
    """Forget remembered facts: by id (#12) or everything closely matching a description.

    Args:
        query: an id like "#12", or what the facts to forget are about
    """
    store = _store()
    q = query.strip().lstrip("#")
    try:
        if q.isdigit():
            ids = [int(q)] if store.forget(int(q)) else []
        else:
            hits = [h for h in store.search(query, k=20, namespace="facts") if h.score >= FORGET_MIN_SCORE]
            ids = [h.id for h in hits if store.forget(h.id)]
    except Exception as exc:  # noqa: BLE001
        raise _store_error(exc) from None
    if not ids:
        return ToolResult(content=f"Nothing matching {query!r} was remembered.", data={"forgotten": []})
    return ToolResult(content=f"Forgot {len(ids)} memories: {', '.join(f'#{i}' for i in ids)}",
                      data={"forgotten": ids})  # fmt: skip


@hookimpl
def register_tools(register: Any) -> None:
    register(
        remember,
        examples=[
            "remember that {text}", "please remember {text}", "don't forget that {text}",
            "make a note that {text}", "keep in mind that {text}", "note for later: {text}",
            "save this to memory: {text}", "store the fact that {text}",
            "memorize that {text}",
            "{text}, remember that", "{text} - remember it", "{text}, you should remember that",
            "remember for next time: {text}", "add to your memory that {text}", "note that {text}",
            "commit this to memory: {text}", "don't forget: {text}",
            "remember this: {text}", "save the fact that {text}", "store this in your memory: {text}",
            "for future reference, {text}", "keep a note that {text}", "learn this about me: {text}",
            "write down in your memory that {text}", "from now on remember that {text}",
            "you should know that {text}", "just so you know, {text}",
            "note for me: {text}", "save this for later: {text}",
            "{text} - keep that in mind", "{text}. make sure you don't lose that",
            "remember this correctly: {text}", "{text}, hang on to that", "{text}, hang onto that",
            "fyi, {text}",
            "{text} - store that",
        ],
        effects=["write"],
    )  # fmt: skip
    register(
        recall,
        examples=[
            "what do you remember about {query}", "do you remember {query}", "recall {query}",
            "what did I tell you about {query}", "look up my notes about {query}",
            "search my memories for {query}", "what's my {query} again?",
            "do you remember {query}?", "look in your memory for {query}", "is {query} in your memories?",
            "remind me {query}", "what did I say {query} was", "check your memory for {query}",
            "any memories about {query}?", "what have I told you about {query}",
            "what do you know about {query}", "did I ever tell you about {query}", "have I mentioned {query}",
            "anything saved on {query}?", "tell me what you remember of {query}",
            "search your notes about me for {query}", "what was {query} again?", "fetch the memory about {query}",
            "{query}? I told you a while ago",
            "who did I say {query} is", "what did I say about {query}", "when did I tell you {query} was",
            "which {query} did I tell you I prefer", "I told you about {query} before, what was it?",
            "what did I save about {query}", "what {query} did I mention", "what did I tell you {query} was",
            "which {query} did I say I use", "what was {query}? I told you before",
            "what was {query} called again?", "what's the {query} I gave you?",
        ],
        effects=["read"],
    )  # fmt: skip
    register(
        forget,
        examples=[
            "forget {query}", "forget everything about {query}", "delete the memory about {query}",
            "remove {query} from your memory", "erase what you know about {query}", "forget memory {query}",
            "stop remembering {query}",
            "unlearn {query}",
            "delete what I told you about {query}", "forget that {query}", "purge {query} from memory",
            "you can forget {query} now", "delete memory {query}",
            "wipe {query} from your memory", "drop the memory about {query}", "clear {query} from memory",
            "get rid of what you remember about {query}", "discard the note about {query}",
            "no need to remember {query} anymore", "throw away the memory of {query}",
            "delete everything you remember about {query}", "forget the fact that {query}",
            "you no longer need to know {query}", "un-remember {query}", "scratch {query} from your memory",
            "remove {query} from memory",
        ],
        effects=["write"],
    )  # fmt: skip
