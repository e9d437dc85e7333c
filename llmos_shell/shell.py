"""The shell loop of one request: read -> route -> policy -> act -> render -> remember.

:class:`Shell` is used by the REPL and by ``llmos run``; it owns the
conversation (history and the provenance of everything in it), and calls the
kernel, router, plugins and policy through their seams. Rendering is the
caller's: :meth:`Shell.turn` streams answer text to ``on_text`` and reports
tool calls to ``on_tool``.
"""

from __future__ import annotations

import concurrent.futures
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import Cancelled, ToolError
from .kernel.base import Kernel, Message
from .policy.actions import Action, Decision, Provenance
from .policy.provenance import EchoFilter, wrap_untrusted
from .tools import Tool, ToolResult

if TYPE_CHECKING:
    from .config import Settings
    from .conversation_log import ConversationLog
    from .plugins import PluginHost
    from .routing import RouteDecision, Router

__all__ = ["Shell", "ToolCall", "TurnResult", "split_steps"]

_STEP_SPLIT = re.compile(r"(?:,\s*|\s+)(?:and\s+)?then\s+|;\s+(?=\w)", re.I)


def split_steps(text: str) -> list[str]:
    """ "add docs/ to my documents, then ask what the refund policy is" -> two requests."""
    parts = [p.strip(" ,.") for p in _STEP_SPLIT.split(text) if p and p.strip(" ,.")]
    return parts or [text]


@dataclass
class ToolCall:
    tool: str
    arguments: dict[str, Any]
    decision: str = ""  # allow | ask | deny | invalid
    rule: str = ""
    ok: bool = False
    output: str = ""
    provenance: str = ""
    source: str | None = None
    seconds: float = 0.0
    data: Any = None
    chosen_by: str = ""
    as_answer: bool = False  # its output is printed as the answer (so renderers show only the header)

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if (v not in (None, "") or k in ("ok", "output"))
               and k != "as_answer"}  # fmt: skip
        out["seconds"] = round(self.seconds, 4)
        return out


@dataclass
class TurnResult:
    answer: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)
    memories: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    finish_reason: str = ""
    spoken: str | None = None  # WAV of the spoken answer (--speak)
    direct: bool = False  # the answer is the tools' output, no model answer was generated

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            **({"spoken": self.spoken} if self.spoken else {}),
            "direct": self.direct,
            "tool_calls": [c.as_dict() for c in self.tool_calls],
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "model": self.model,
            "memories": self.memories,
            "notices": self.notices,
            "finish_reason": self.finish_reason,
        }


Approver = Callable[[Action, Any], str]  # -> "once" | "session" | "deny"


class Shell:
    def __init__(
        self,
        settings: Settings,
        *,
        kernel: Kernel | None = None,
        kernel_factory: Callable[[], Kernel] | None = None,
        host: PluginHost | None = None,
        policy: Any = None,
        approver: Approver | None = None,
        log: ConversationLog | None = None,
        memory: Any = None,
        audit: Any = None,
    ) -> None:
        self.settings = settings
        self._kernel = kernel
        self._kernel_factory = kernel_factory
        self.host = host
        self.policy = policy
        self.approver = approver
        self.log = log
        self.memory = memory
        self.audit = audit
        self.history: list[Message] = []
        self.provenance: list[Provenance] = []
        self.session_id: int | None = None
        self._router: Router | None = None
        self.notices: list[str] = []
        self.load_seconds = 0.0

    # -- parts, built on first use ---------------------------------------
    @property
    def kernel(self) -> Kernel:
        if self._kernel is None:
            if self._kernel_factory is None:
                raise RuntimeError("Shell has neither a kernel nor a kernel factory")
            t0 = time.perf_counter()
            self._kernel = self._kernel_factory()
            self.load_seconds = time.perf_counter() - t0
        return self._kernel

    @property
    def tools(self) -> dict[str, Tool]:
        return self.host.tools if self.host is not None else {}

    @property
    def router(self) -> Router:
        if self._router is None:
            from .routing import Router
            from .routing.specs import spec_from_tool

            self._router = Router.from_settings(
                [spec_from_tool(t) for t in self.tools.values()], self.settings.router,
                kernel=self._kernel_if_routing_needs_it(),
            )  # fmt: skip
        return self._router

    def _kernel_if_routing_needs_it(self) -> Kernel | None:
        try:
            return self.kernel
        except Exception:  # noqa: BLE001 - routing still works by retrieval alone
            return None

    def close(self) -> None:
        """Release what the session holds: plugin processes, the model, the log."""
        if self.host is not None and hasattr(self.host, "close"):
            self.host.close()
        if self._kernel is not None:
            self._kernel.close()
        if self.log is not None:
            self.log.close()

    def clear(self) -> None:
        """Forget the conversation (history and provenance); the log keeps what was said."""
        self.history.clear()
        self.provenance.clear()
        self.session_id = None

    def resume(self, session_id: int) -> int:
        """Load an earlier conversation from the log; returns the number of messages loaded."""
        if self.log is None or not self.log.session_exists(session_id):
            from .errors import UsageError

            raise UsageError(f"no conversation {session_id} in the log", hint="list them with `llmos logs list`")
        self.clear()
        for m in self.log.messages(session_id):
            if m.role in ("user", "assistant"):
                self.history.append({"role": m.role, "content": m.content})
        self.session_id = session_id
        return len(self.history)

    # -- one request -----------------------------------------------------
    def turn(
        self,
        text: str,
        *,
        on_text: Callable[[str], None] | None = None,
        on_tool: Callable[[ToolCall], None] | None = None,
        context: list[ToolResult] | None = None,
    ) -> TurnResult:
        t_start = time.perf_counter()
        result = TurnResult(answer="")
        timings = result.timings
        tool_context: list[tuple[ToolCall, ToolResult | None]] = []
        for item in context or []:  # attachments (an image's OCR text, a transcript)
            self._note_provenance(item)
            call = ToolCall(tool="attachment", arguments={}, ok=True, output=item.content,
                            provenance=item.provenance, source=item.source)  # fmt: skip
            tool_context.append((call, item))

        explicit = self._explicit_call(text)
        if explicit is not None:
            steps: list[tuple[str, RouteDecision | None, tuple[str, dict[str, Any]] | None]] = [(text, None, explicit)]
        elif self.settings.router.enabled and self.tools:
            steps = []
            t0 = time.perf_counter()
            for step in split_steps(text)[: self.settings.shell.chain_limit]:
                before = steps[-1][1] if steps else None
                steps.append((step, self.router.route(step, after=before.tool if before else None), None))
            timings["routing"] = time.perf_counter() - t0
        else:
            steps = []

        t_tools = time.perf_counter()
        direct_expected = self._output_is_the_answer(text)
        for _step, decision, forced in steps:
            if len(result.tool_calls) >= self.settings.shell.chain_limit:
                result.notices.append(f"Chain limit of {self.settings.shell.chain_limit} exceeded")
                break
            if forced is not None:
                name, args, by = forced[0], forced[1], "explicit"
            elif decision is not None and decision.tool is not None:
                name, args, by = decision.tool, decision.arguments, decision.chosen_by
                if decision.missing:  # nothing to copy the argument from: answer without the tool
                    result.notices.append(
                        f"{name} was considered but not called: the request names no {', '.join(decision.missing)}"
                    )
                    continue
            else:
                continue
            call, tres = self.call_tool(name, args, chosen_by=by)
            call.as_answer = direct_expected and call.ok
            result.tool_calls.append(call)
            tool_context.append((call, tres))
            if on_tool:
                on_tool(call)
        if self.settings.router.native_tools and self.tools:
            self._follow_up(text, tool_context, result, on_tool)
        if steps or self.settings.router.native_tools:
            timings["tools"] = time.perf_counter() - t_tools

        ran = [c for c in result.tool_calls if c.tool != "attachment"]
        if ran and all(c.ok for c in ran) and self._output_is_the_answer(text):
            # "read notes.txt", "list files in docs": the tools' output answers the request as it is.
            result.answer = "\n\n".join(c.output for c in ran).strip()
            result.direct = True
            if on_text:
                on_text(result.answer)
            self.history.append({"role": "user", "content": text})
            self.history.append({"role": "assistant", "content": result.answer})
            self._remember(text, result)
            timings["total"] = time.perf_counter() - t_start
            result.notices.extend(self.notices)
            self.notices.clear()
            return result

        memories = self._recall(text)
        result.memories = memories
        messages = self._messages(text, tool_context, memories)
        t_gen = time.perf_counter()
        pieces: list[str] = []
        kernel = self.kernel
        try:
            budget = self.settings.model.max_tokens
            if any(call.ok for call in result.tool_calls):
                budget = min(budget, self.settings.shell.tool_answer_tokens)
            echo = EchoFilter()  # a small model may copy the untrusted-data frame: keep it out of the answer
            for piece in kernel.chat(messages, max_tokens=budget):
                shown = echo.feed(piece)
                pieces.append(shown)
                if on_text and shown:
                    on_text(shown)
            pieces.append(rest := echo.flush())
            if on_text and rest:
                on_text(rest)
        except KeyboardInterrupt:
            raise Cancelled("cancelled: the answer was interrupted (Ctrl-C); nothing was saved") from None
        timings["generation"] = time.perf_counter() - t_gen
        answer = "".join(pieces).strip()
        result.answer = answer
        stats = kernel.stats
        result.finish_reason = stats.finish_reason
        result.model = {**kernel.info(), "stats": stats.as_dict()}
        if self.load_seconds:
            timings["model_load"] = self.load_seconds
        self.history.append({"role": "user", "content": text})
        self.history.append({"role": "assistant", "content": answer})
        self._remember(text, result)
        timings["total"] = time.perf_counter() - t_start
        result.notices.extend(self.notices)
        self.notices.clear()
        return result

    _ASKS = re.compile(
        r"\?"
        r"|^\s*(?:please\s+)?(?:what|when|where|who|whom|whose|why|how|which|does|do|did|is|are|was|were|can|"
        r"could|should|would|will)\b"
        r"|\b(?:summari[sz]e|summary|explain|describe|compare|tell me|translate|analy[sz]e|answer|and then)\b",
        re.I,
    )

    def _output_is_the_answer(self, text: str) -> bool:
        """True when the request is a plain command whose tool output is the whole answer.

        ``shell.answer_after_tools = "auto"``: a request that asks something about the output
        (a question, "summarize", "explain", "tell me"...) still gets a model answer.
        """
        if self.settings.shell.answer_after_tools != "auto":
            return False
        return not self._ASKS.search(text)

    # -- tools -----------------------------------------------------------
    def _follow_up(self, text: str, tool_context: list[tuple[ToolCall, ToolResult | None]], result: TurnResult,
                   on_tool: Callable[[ToolCall], None] | None) -> None:  # fmt: skip
        """Let the model call tools itself (``router.native_tools``), up to the chain limit.

        The model answers under a grammar ``{"tool": <name or "none">, "arguments": {...}}``; its
        output is the only source of calls here. Text inside tool results is data and is never
        parsed for calls. Output that does not parse gets one retry, then the turn goes on
        without tools; nothing is guessed.
        """
        limit = self.settings.shell.chain_limit
        names = sorted(self.tools)
        schema = {
            "type": "object",
            "properties": {"tool": {"enum": [*names, "none"]}, "arguments": {"type": "object"}},
            "required": ["tool", "arguments"],
        }
        catalog = "\n".join(f"- {n}: {self.tools[n].description} {json.dumps(self.tools[n].schema())}" for n in names)
        failures = 0
        while True:
            messages = self._messages(text, tool_context, [])
            messages[0] = {
                "role": "system",
                "content": self.settings.shell.system_prompt
                + '\nYou may call one of these tools, or answer with tool "none":\n'
                + catalog,
            }
            try:
                out = self.kernel.complete_json(messages, schema, max_tokens=256)
            except ToolError as exc:
                failures += 1
                result.notices.append(f"the model's tool call could not be parsed: {exc}")
                if failures >= 2:
                    result.notices.append("no tool was run for the unparseable call")
                    return
                continue
            if not isinstance(out, dict) or out.get("tool") in (None, "none"):
                return
            if len(result.tool_calls) >= limit:
                result.notices.append(f"Chain limit of {limit} exceeded")
                return
            arguments = out.get("arguments")
            if isinstance(arguments, dict):
                call, tres = self.call_tool(str(out["tool"]), arguments, chosen_by="model")
            else:
                call, tres = ToolCall(tool=str(out["tool"]), arguments={}, decision="invalid", chosen_by="model",
                                      output="Error: arguments must be a JSON object"), None  # fmt: skip
            result.tool_calls.append(call)
            tool_context.append((call, tres))
            if on_tool:
                on_tool(call)

    def _explicit_call(self, text: str) -> tuple[str, dict[str, Any]] | None:
        """``/files.read notes.txt`` or ``/files.write path=a.txt content="hi"`` bypass the model."""
        m = re.match(r"^/([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)(?:\s+(.*))?$", text.strip(), re.S)
        if not m or m.group(1) not in self.tools:
            return None
        import shlex

        tool = self.tools[m.group(1)]
        rest = (m.group(2) or "").strip()
        args: dict[str, Any] = {}
        try:
            tokens = shlex.split(rest) if rest else []
        except ValueError:
            tokens = [rest]
        if tokens and all("=" in t for t in tokens):
            args = dict(t.split("=", 1) for t in tokens)
        elif rest:
            params = list(tool.schema().get("properties", {}))
            required = tool.schema().get("required", []) or params
            if len(required) == 1:
                args[required[0]] = rest
            else:
                args = dict(zip(required, tokens, strict=False))
        return m.group(1), args

    def call_tool(
        self, name: str, arguments: dict[str, Any], *, chosen_by: str = ""
    ) -> tuple[ToolCall, ToolResult | None]:
        """Validate, ask the policy, run with a timeout. Errors meant for the model become the call's output."""
        call = ToolCall(tool=name, arguments=dict(arguments), chosen_by=chosen_by)
        tool = self.tools.get(name)
        if tool is None:
            call.decision, call.output = "invalid", f'Error: tool "{name}" does not exist'
            return call, None
        try:
            args = tool.validate(arguments)
        except ToolError as exc:
            call.decision, call.output = "invalid", f"Error: {exc}"
            return call, None
        call.arguments = args
        action = Action(
            tool=name, arguments=args, effects=tool.effects,
            paths=tuple(str(args[p]) for p in tool.path_args if args.get(p) is not None),
            provenance=tuple(self.provenance), plugin=tool.plugin,
        )  # fmt: skip
        allowed, call.decision, call.rule, why = self._authorize(action)
        if not allowed:
            call.output = f"Cancelled: {why}"
            self._audit(action, call, "denied")
            return call, None
        t0 = time.perf_counter()
        try:
            tres = self._run(tool, args)
            call.ok = True
        except ToolError as exc:
            call.output = f"Error: {exc}"
            call.seconds = time.perf_counter() - t0
            self._audit(action, call, "error")
            return call, None
        except concurrent.futures.TimeoutError:
            call.output = f"Error: {name} did not finish within {tool.timeout or self.settings.shell.tool_timeout} s"
            call.seconds = time.perf_counter() - t0
            self._audit(action, call, "timeout")
            return call, None
        except Exception as exc:  # noqa: BLE001 - a plugin bug must not end the session
            call.output = f"Error: {name} failed: {type(exc).__name__}: {exc}"
            call.seconds = time.perf_counter() - t0
            self._audit(action, call, "error")
            return call, None
        call.seconds = time.perf_counter() - t0
        call.output, call.provenance, call.source, call.data = tres.content, tres.provenance, tres.source, tres.data
        self._note_provenance(tres)
        self._audit(action, call, "ok")
        return call, tres

    def _run(self, tool: Tool, args: dict[str, Any]) -> ToolResult:
        timeout = tool.timeout or self.settings.shell.tool_timeout
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"tool-{tool.name}")
        try:
            future = pool.submit(tool.invoke, args)
            return future.result(timeout=timeout)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _authorize(self, action: Action) -> tuple[bool, str, str, str]:
        """-> (allowed, decision, rule, reason). No policy engine: side effects are denied."""
        if self.policy is None:
            if action.side_effects:
                return False, Decision.DENY.value, "no-policy", "no policy engine: side effects are not allowed"
            return True, Decision.ALLOW.value, "no-policy", ""
        verdict = self.policy.decide(action)
        decision = verdict.decision
        if decision == Decision.ALLOW:
            return True, decision.value, verdict.rule, verdict.reason
        if decision == Decision.DENY or self.approver is None:
            return False, decision.value, verdict.rule, verdict.reason or "denied by policy"
        answer = self.approver(action, verdict)
        if answer == "session" and hasattr(self.policy, "remember_session_allow"):
            self.policy.remember_session_allow(action)
        if answer in ("once", "session"):
            return True, "ask", verdict.rule, f"approved ({answer})"
        return False, "ask", verdict.rule, f"not approved: {verdict.reason}"

    def _audit(self, action: Action, call: ToolCall, outcome: str) -> None:
        if self.audit is None:
            return
        try:
            self.audit.record(action=action, decision=call.decision, rule=call.rule, outcome=outcome,
                              mode=getattr(self.policy, "mode", ""))  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - surfaced, never silent
            self.notices.append(f"audit log not written: {exc}")

    def _note_provenance(self, tres: ToolResult) -> None:
        if tres.untrusted:
            p = Provenance(tres.provenance, tres.source or "")
            if p not in self.provenance:
                self.provenance.append(p)

    # -- prompt ----------------------------------------------------------
    def _messages(self, text: str, tool_context: list[tuple[ToolCall, ToolResult | None]],
                  memories: list[dict[str, Any]]) -> list[Message]:  # fmt: skip
        s = self.settings.shell
        system = s.system_prompt
        messages: list[Message] = [{"role": "system", "content": system}]
        keep = s.history_turns * 2
        if keep:
            messages.extend(self.history[-keep:])
        parts: list[str] = []
        if memories:
            parts.append("Things the user asked you to remember:\n" + "\n".join(f"- {m['text']}" for m in memories))
        for call, tres in tool_context:
            body = call.output[: s.max_tool_output]
            if len(call.output) > s.max_tool_output:
                body += f"\n[truncated: {len(call.output) - s.max_tool_output} more characters]"
            if tres is not None and tres.untrusted:
                body = _wrap_untrusted(body, tres)
            parts.append(f"Result of {call.tool}:\n{body}")
        content = text if not parts else "\n\n".join(parts) + f"\n\nRequest: {text}"
        messages.append({"role": "user", "content": content})
        return messages

    # -- memory ----------------------------------------------------------
    def _recall(self, text: str) -> list[dict[str, Any]]:
        m = self.settings.memory
        if self.memory is None or not m.auto_recall or m.recall_k <= 0:
            return []
        try:
            hits = self.memory.search(text, k=m.recall_k, namespace="facts")
        except Exception as exc:  # noqa: BLE001 - recall is best effort, but never silent
            self.notices.append(f"memory recall skipped: {exc}")
            return []
        out, budget = [], m.recall_budget_tokens
        for hit in hits:
            if hit.score < m.recall_min_score:
                continue
            cost = max(1, len(hit.text) // 4)
            if cost > budget:
                break
            budget -= cost
            out.append({"id": hit.id, "text": hit.text, "score": round(float(hit.score), 4)})
        return out

    def _remember(self, text: str, result: TurnResult) -> None:
        if self.log is None or not self.settings.shell.log_conversations:
            return
        try:
            if self.session_id is None:
                self.session_id = self.log.start(self.kernel.name)
            rows: list[tuple[str, str, dict[str, Any]]] = [("user", text, {})]
            for call in result.tool_calls:
                rows.append(("tool", call.output[:20_000], {"tool": call.tool, "decision": call.decision}))
            rows.append(("assistant", result.answer, {"timings": result.timings}))
            self.log.add_exchange(self.session_id, rows)
        except Exception as exc:  # noqa: BLE001 - fail closed: nothing persisted, user told
            result.notices.append(f"conversation not saved: {type(exc).__name__}: {exc}")


def _wrap_untrusted(body: str, tres: ToolResult) -> str:
    return wrap_untrusted(body, Provenance(tres.provenance, tres.source or ""))
