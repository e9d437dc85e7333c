"""Approvals: who answers when the policy says *ask*.

An :class:`Approver` gets the action and the verdict and answers ``"once"``,
``"session"`` (always for this session) or ``"deny"``. Without a terminal and
without ``--yes``, :func:`non_interactive_approver` answers ``"deny"``, so ask
becomes deny with a clear message and exit code 5
(:class:`~llmos_shell.errors.PolicyDenied`). The interactive approver (a rich
panel with a y/a/n prompt) lives in :mod:`llmos_shell.ui.approval`.

:func:`enforce` is the whole flow for one call: decide, ask if needed, write
the audit record, raise :class:`~llmos_shell.errors.PolicyDenied` on deny.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Literal, Protocol

from ..errors import PolicyDenied
from .actions import Action, Decision

if TYPE_CHECKING:
    from .audit import AuditLog
    from .engine import PolicyEngine, Verdict

__all__ = ["NON_INTERACTIVE_MESSAGE", "Answer", "Approver", "enforce", "non_interactive_approver"]

Answer = Literal["once", "session", "deny"]
NON_INTERACTIVE_MESSAGE = "needs approval, but there is no terminal to ask (stdin is not a TTY) and --yes was not given"


class Approver(Protocol):
    """Answers an *ask*: ``"once"``, ``"session"`` or ``"deny"``."""

    def __call__(self, action: Action, verdict: Verdict) -> Answer: ...


class _NonInteractive:
    def __init__(self, yes: bool) -> None:
        self.yes = yes
        self.denial_message = NON_INTERACTIVE_MESSAGE
        self.hint = "rerun in a terminal to approve it, pass --yes to approve every ask, or add an allow rule"

    def __call__(self, action: Action, verdict: Verdict) -> Answer:
        return "once" if self.yes else "deny"


def non_interactive_approver(yes: bool) -> Approver:
    """The approver for scripts: ``yes=True`` approves each ask once; ``yes=False`` always denies."""
    return _NonInteractive(yes)


def enforce(
    engine: PolicyEngine,
    action: Action,
    approver: Approver | None,
    audit: AuditLog | None = None,
) -> Verdict:
    """Decide on ``action``, ask when needed, audit, and raise :class:`PolicyDenied` on deny.

    Returns the verdict; after an approval its ``decision`` is ``allow`` and
    ``approval`` is ``"once"`` or ``"session"``. The raised error carries the
    final verdict as ``.verdict``.
    """
    verdict = engine.decide(action)
    outcome = "allowed"
    if verdict.decision is Decision.ASK:
        answer: str
        try:
            answer = approver(action, verdict) if approver is not None else "deny"
        except (EOFError, KeyboardInterrupt):
            answer = "deny"
        except Exception:  # noqa: BLE001 - a broken prompt must not approve
            answer = "deny"
        if answer == "session":
            engine.remember_session_allow(action)
        if answer in ("once", "session"):
            verdict = replace(verdict, decision=Decision.ALLOW, approval=answer)
            outcome = f"approved ({answer})"
        else:
            outcome = "not approved"
            message = getattr(approver, "denial_message", None) if approver is not None else NON_INTERACTIVE_MESSAGE
            reason = f"{verdict.reason}; {message or 'denied by the user'}"
            verdict = replace(verdict, decision=Decision.DENY, reason=reason)
    elif verdict.decision is Decision.DENY:
        outcome = "denied"
    if audit is not None:
        audit.record(
            action,
            decision=verdict.decision.value,
            rule=verdict.rule,
            mode=verdict.mode,
            reason=verdict.reason,
            outcome=outcome,
        )
    if verdict.decision is Decision.DENY:
        hint = getattr(approver, "hint", None) if outcome == "not approved" else None
        err = PolicyDenied(f"{action.tool}: {verdict.reason}", hint=hint or f"rule: {verdict.rule}")
        err.verdict = verdict  # type: ignore[attr-defined]
        raise err
    return verdict
