"""What became of a message for each recipient, and the one table that decides it.

A transport reports per recipient whether the relay took the message (`sent`), may take
it later (`deferred`, retried with backoff) or never will (`failed`, a hard bounce); and
whether the destination as a whole asked us to slow down (`throttle`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy.orm import Session


class OutcomeKind(StrEnum):
    SENT = "sent"
    DEFERRED = "deferred"
    FAILED = "failed"
    SKIPPED = "skipped"  # not handed over: suppressed or left the audience before it was due


class Phase(StrEnum):
    """The SMTP step a reply answered; a 5xx means a permanent failure only at RCPT or DATA."""

    CONNECT = "connect"
    MAIL = "mail"
    RCPT = "rcpt"
    DATA = "data"


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    code: int | None
    enhanced: str | None
    reply: str


@dataclass(frozen=True)
class Rejection:
    """A recipient the relay refused for good (a 5xx to RCPT or DATA) while we sent."""

    delivery_id: int
    email: str
    code: int
    enhanced: str | None
    reply: str


class RejectionRecorder(Protocol):
    """Keeps a batch's rejections as bounces and acts on them, in the batch's transaction.

    Inbound mail implements it; the door hands it to the pipeline, which never judges
    a bounce itself.
    """

    def __call__(
        self, session: Session, rejections: Sequence[Rejection], now: datetime
    ) -> None: ...


@dataclass(frozen=True)
class SendResult:
    """Outcomes keyed by envelope recipient, in the order they were given."""

    outcomes: dict[str, Outcome]
    throttle: bool = False

    @classmethod
    def uniform(cls, recipients: list[str], outcome: Outcome, *, throttle: bool) -> SendResult:
        return cls(dict.fromkeys(recipients, outcome), throttle=throttle)


@dataclass(frozen=True)
class _Rule:
    codes: range
    kind: OutcomeKind
    throttle: bool = False
    phases: frozenset[Phase] = field(default_factory=lambda: frozenset(Phase))


# First match wins. A 5xx before RCPT (greeting, MAIL FROM) says nothing about the
# recipient, so it is not a reason to suppress them: it is deferred, and fails by age.
_RULES = (
    _Rule(range(421, 422), OutcomeKind.DEFERRED, throttle=True),
    _Rule(range(200, 300), OutcomeKind.SENT),
    _Rule(range(400, 500), OutcomeKind.DEFERRED),
    _Rule(range(500, 600), OutcomeKind.FAILED, phases=frozenset({Phase.RCPT, Phase.DATA})),
    _Rule(range(500, 600), OutcomeKind.DEFERRED),
)

_ENHANCED = re.compile(r"^([245]\.\d{1,3}\.\d{1,3})\b")


def classify_reply(code: int, text: str, phase: Phase) -> tuple[Outcome, bool]:
    """The outcome of an SMTP reply at `phase`, and whether it throttles the destination."""
    enhanced = _ENHANCED.match(text)
    for rule in _RULES:
        if code in rule.codes and phase in rule.phases:
            outcome = Outcome(rule.kind, code, enhanced.group(1) if enhanced else None, text)
            return outcome, rule.throttle
    # Anything else (1xx, 3xx where a final reply was due, garbage) is a protocol
    # error of the relay: try again later rather than lose the recipient.
    return Outcome(OutcomeKind.DEFERRED, code, None, text), False


def connection_problem(reason: str) -> Outcome:
    """A timeout, a dropped connection or an unreachable relay: no reply to classify."""
    return Outcome(OutcomeKind.DEFERRED, None, None, reason)
