"""The policy engine: one decision (allow / ask / deny) per action, never an exception.

Order of evaluation (all votes are collected; deny beats ask beats allow):

1. *Floors* that no rule, mode or session approval can lift:
   the workspace boundary and the mandatory deny list (deny); writes to
   protected paths (ask); ``read-only`` mode for tools with side effects
   (deny); shell commands the classifier flags (destructive, network, opaque,
   unparseable: ask); tools with side effects requested after untrusted
   content entered the conversation (ask, "requested after reading untrusted
   content from notes.txt").
2. *Rules*: the user's ``allow``/``ask``/``deny`` rules, then the project's
   (only when the folder is trusted), then plugin votes (a plugin can make a
   call stricter; its ``allow`` is not enough on its own).
3. *Defaults* when no rule matched: ``yolo`` allows; ``auto`` and
   ``read-only`` allow read-only tools; everything else asks.
4. *Session approvals* ("always for this session") turn the asks of steps 2-3
   into allow for the same tool and command/paths, never a floor.

Any exception inside the engine yields deny with rule ``policy-error`` (fail closed).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .actions import Action, Decision, Vote
from .boundary import BoundaryError, Workspace
from .config import MODES, PolicyConfig, Rule, mode_rank
from .globs import compile_glob, expand_glob
from .sandbox import NO_SANDBOX_MESSAGE, sandbox_available
from .shellparse import CommandVerdict, classify_command

__all__ = ["FLOOR_RULES", "PolicyEngine", "Verdict"]

ALL_EFFECTS = frozenset({"read", "write", "execute", "network"})
#: Rule names (prefixes) of votes that a session approval cannot lift.
FLOOR_RULES = ("boundary", "deny-path", "protected", "mode:read-only", "shell:", "provenance", "policy-error")


@dataclass(frozen=True)
class Verdict:
    """The engine's answer for one action.

    ``rule`` names what decided (``user:deny:files.write(path=.env)``,
    ``boundary``, ``protected``, ``provenance``, ``shell:destructive``,
    ``default:ask`` ...); ``reason`` says why in words; ``votes`` lists every
    opinion collected; ``untrusted_sources`` names the untrusted context
    (``notes.txt``) the call was made after. ``approval`` is set by
    :func:`~llmos_shell.policy.approval.enforce` when a user approved an ask.
    """

    decision: Decision
    rule: str
    reason: str
    votes: list[Vote] = field(default_factory=list)
    untrusted_sources: list[str] = field(default_factory=list)
    mode: str = ""
    command: CommandVerdict | None = None
    approval: str | None = None

    @property
    def floor(self) -> bool:
        """True when the decision comes from a floor (not liftable by a session approval)."""
        return self.rule.startswith(FLOOR_RULES)

    def explain(self) -> str:
        """Several lines for ``llmos policy explain``."""
        lines = [f"decision: {self.decision.value}", f"rule:     {self.rule}", f"reason:   {self.reason}"]
        lines.append(f"mode:     {self.mode}")
        if self.untrusted_sources:
            lines.append(f"untrusted context: {', '.join(self.untrusted_sources)}")
        if self.command is not None and self.command.segments:
            lines.append("segments:")
            for s in self.command.segments:
                why = "; ".join(s.reasons) or "nothing flagged"
                lines.append(f"  {'  ' * s.depth}{' '.join(s.argv)}  -> {s.decision.value} ({why})")
        if self.votes:
            lines.append("votes:")
            for v in self.votes:
                lines.append(f"  {v.decision.value:5} {v.rule}: {v.reason}")
        return "\n".join(lines)


class PolicyEngine:
    """Decides allow / ask / deny for every :class:`Action`.

    Args:
        user: the user's policy (trusted).
        project: the project's policy, used only when ``project_trusted``.
        project_trusted: whether the folder was trusted with ``llmos trust``.
        mode_override: a mode given on the command line (the only way to get ``yolo``).
        workspace: the workspace boundary; protected and denied globs from both
            configs are added to it.
        plugin_votes: called with each action; returns the plugins' votes
            (the shell passes a wrapper around the ``policy_vote`` hook).
    """

    def __init__(
        self,
        user: PolicyConfig,
        project: PolicyConfig | None,
        *,
        project_trusted: bool,
        mode_override: str | None = None,
        workspace: Workspace,
        plugin_votes: Callable[[Action], list[Vote]] | None = None,
    ) -> None:
        self.user = user
        self.project = project if project_trusted else None
        self.project_ignored = project is not None and not project_trusted
        configs = [c for c in (user, self.project) if c is not None]
        if mode_override is not None:
            if mode_override not in MODES:
                raise ValueError(f"unknown mode {mode_override!r}; use one of {', '.join(MODES)}")
            mode = mode_override
        else:
            mode = min((c.mode for c in configs), key=mode_rank)  # a project can only tighten
        self._mode = mode
        self.mode_source = "command line" if mode_override is not None else "config"
        self.workspace = workspace.with_extra(
            protected=[g for c in configs for g in c.protected],
            deny_paths=[g for c in configs for g in c.deny_paths],
        )
        self.workspace.max_read_bytes = min([workspace.max_read_bytes] + [c.max_read_bytes for c in configs])
        self._rules: list[tuple[str, str, Rule]] = []
        for source, cfg in (("user", user), ("project", self.project)):
            if cfg is None:
                continue
            for kind in ("deny", "ask", "allow"):
                self._rules.extend((kind, source, r) for r in cfg.rules(kind))
        self._plugin_votes = plugin_votes
        self._session: set[tuple[Any, ...]] = set()

    # -- mode --------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return self._mode

    def set_mode(self, mode: str) -> None:
        """Change the mode from an explicit user command (``/mode``) only.

        Never call this on behalf of model or tool output. ``yolo`` cannot be
        set here: it is accepted only on the command line.
        """
        if mode == "yolo":
            raise ValueError("yolo mode can only be chosen on the command line (llmos --mode yolo)")
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use one of default, read-only, auto")
        self._mode = mode
        self.mode_source = "/mode"

    # -- session approvals -------------------------------------------------------------
    @staticmethod
    def _session_key(action: Action) -> tuple[Any, ...]:
        cmd = action.command
        if cmd is not None:
            return (action.tool, "command", cmd.strip())
        if action.paths:
            return (action.tool, "paths", tuple(sorted(action.paths)))
        return (action.tool,)

    def remember_session_allow(self, action: Action) -> None:
        """ "Always for this session": later asks from rules/defaults for the same tool
        and the same command (or paths) become allow. Floors still ask."""
        self._session.add(self._session_key(action))

    # -- deciding ----------------------------------------------------------------------
    def decide(self, action: Action) -> Verdict:
        """Decide on ``action``. Never raises: an internal error is a deny with rule ``policy-error``."""
        try:
            return self._decide(action)
        except Exception as exc:  # noqa: BLE001 - fail closed
            return Verdict(
                Decision.DENY,
                "policy-error",
                f"the policy check failed ({type(exc).__name__}: {exc}); denied to be safe",
                [],
                [],
                self._mode,
            )

    def _decide(self, action: Action) -> Verdict:
        ws = self.workspace
        effects = action.effects or ALL_EFFECTS
        side = bool(effects - {"read"})
        writes = bool(effects & {"write"}) or not action.effects
        floor: list[Vote] = []
        soft: list[Vote] = []
        untrusted = [p.source or p.kind for p in action.untrusted_context]
        untrusted = list(dict.fromkeys(untrusted))

        # 1. paths: boundary, deny list, protected
        resolved: dict[str, str] = {}
        for p in action.paths:
            try:
                resolved[p] = str(ws.resolve(p, for_write=writes))
            except BoundaryError as exc:
                floor.append(Vote(Decision.DENY, str(exc), "deny-path" if exc.kind == "denied" else "boundary"))
                continue
            if writes:
                try:
                    st = os.lstat(resolved[p])
                except OSError:
                    st = None
                if st is not None and st.st_nlink > 1 and not os.path.isdir(resolved[p]):
                    floor.append(
                        Vote(Decision.DENY, f"file has {st.st_nlink} hard links (one may lie outside): {p}", "boundary")
                    )
                hit = ws.protected_match(p)
                if hit:
                    floor.append(Vote(Decision.ASK, f"writes a protected path ({hit}): {p}", "protected"))

        # 2. shell commands
        cv: CommandVerdict | None = None
        cmd = action.command
        if cmd is not None:
            cv = classify_command(cmd)
            if cv.decision is not Decision.ALLOW:
                kind = (
                    "unparseable" if not cv.parsed else
                    "destructive" if cv.destructive else
                    "network" if cv.network else "review"
                )  # fmt: skip
                reason = "; ".join(cv.reasons)
                if cv.network and not sandbox_available():
                    reason += f" ({NO_SANDBOX_MESSAGE})"
                floor.append(Vote(cv.decision, reason, f"shell:{kind}"))
            for seg in cv.segments:
                for word in seg.argv[1:]:
                    if word.startswith("-") or "$" in word or len(word) > 1024:
                        continue
                    try:
                        hit = ws.protected_match(word.split("=", 1)[-1])
                    except BoundaryError:
                        continue
                    if hit:
                        floor.append(Vote(Decision.ASK, f"command names a protected path ({hit}): {word}", "protected"))
                        break

        # 3. mode floor
        if self._mode == "read-only" and side:
            floor.append(
                Vote(
                    Decision.DENY,
                    f"read-only mode: {action.tool} can {'/'.join(sorted(effects - {'read'}))}",
                    "mode:read-only",
                )
            )

        # 4. rules and plugin votes
        matched_rule = False
        for kind, source, rule in self._rules:
            if rule.matches_tool(action.tool) and self._rule_matches(rule, kind, action, resolved, cv):
                matched_rule = True
                soft.append(Vote(Decision(kind), f"{source} rule: {kind} {rule.text}", f"{source}:{kind}:{rule.text}"))
        if self._plugin_votes is not None:
            try:
                for v in self._plugin_votes(action) or []:
                    if not isinstance(v, Vote):
                        soft.append(Vote(Decision.DENY, f"a plugin returned {type(v).__name__}, not a Vote", "plugin"))
                    elif v.decision is not Decision.ALLOW:
                        soft.append(replace(v, rule=v.rule or "plugin"))
            except Exception as exc:  # noqa: BLE001 - a failing voter counts as deny
                soft.append(Vote(Decision.DENY, f"a plugin vote failed ({type(exc).__name__}: {exc})", "plugin"))

        # 5. defaults
        if not matched_rule:
            if self._mode == "yolo":
                soft.append(Vote(Decision.ALLOW, "yolo mode (set on the command line)", "default:yolo"))
            elif not side and self._mode in ("auto", "read-only"):
                soft.append(Vote(Decision.ALLOW, f"read-only tool in {self._mode} mode", f"default:{self._mode}"))
            else:
                what = "/".join(sorted(effects)) if action.effects else "unknown effects"
                soft.append(Vote(Decision.ASK, f"no rule allows {action.tool} ({what})", "default:ask"))

        # 6. provenance floor
        if untrusted and side:
            floor.append(
                Vote(
                    Decision.ASK,
                    f"requested after reading untrusted content from {', '.join(untrusted)}",
                    "provenance",
                )
            )

        # 7. session approvals lift soft asks
        if self._session and self._session_key(action) in self._session:
            soft = [
                Vote(Decision.ALLOW, f"allowed for this session (was: {v.reason})", "session")
                if v.decision is Decision.ASK
                else v
                for v in soft
            ]

        votes = floor + soft
        decision = Decision.strictest([v.decision for v in votes])
        deciding = [v for v in votes if v.decision is decision]
        if decision is Decision.ALLOW:
            # prefer a rule over a default as the explanation
            deciding.sort(key=lambda v: v.rule.startswith("default"))
        reason = "; ".join(dict.fromkeys(v.reason for v in deciding))
        return Verdict(decision, deciding[0].rule, reason, votes, untrusted, self._mode, cv)

    # -- rule matching -----------------------------------------------------------------
    def _path_glob(self, glob: str, real: str) -> bool:
        glob = expand_glob(glob)
        if glob.startswith("/"):
            return compile_glob(glob).match(real) is not None
        rel = self.workspace._relative(real)
        return rel is not None and compile_glob(glob).match(rel) is not None

    def _rule_matches(
        self, rule: Rule, kind: str, action: Action, resolved: dict[str, str], cv: CommandVerdict | None
    ) -> bool:
        strict = kind == "allow"  # allow: every part must match; ask/deny: any part
        if rule.unconditional:
            return True
        if rule.args:
            for name, glob in rule.args:
                if name not in action.arguments:
                    return False
                value = action.arguments[name]
                values = value if isinstance(value, (list, tuple)) else [value]
                if not values:
                    return False
                hits = [self._value_matches(glob, v, action, resolved) for v in values]
                if not (all(hits) if strict else any(hits)):
                    return False
            return True
        command = action.command
        if command is not None and rule.command is not None:
            pattern = rule.command
            if cv is None or not cv.parsed or not cv.segments:
                if strict:
                    return False
                return pattern.matches(command.split())
            if strict:
                return all(pattern.matches(s.argv) for s in cv.segments)
            return any(pattern.matches(s.argv) or pattern.matches(s.inner) for s in cv.segments)
        if rule.path_glob is not None:
            if not action.paths:
                return False
            hits = [p in resolved and self._path_glob(rule.path_glob, resolved[p]) for p in action.paths]
            if not strict:
                hits += [fnmatch.fnmatchcase(p, rule.path_glob) for p in action.paths]
            return all(hits[: len(action.paths)]) if strict else any(hits)
        return False

    def _value_matches(self, glob: str, value: Any, action: Action, resolved: dict[str, str]) -> bool:
        if isinstance(value, str) and value in action.paths:
            if value in resolved:
                return self._path_glob(glob, resolved[value])
            return fnmatch.fnmatchcase(os.path.normpath(value), glob)
        return fnmatch.fnmatchcase(str(value), glob)
