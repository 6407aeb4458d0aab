"""The one table that turns SMTP replies into sent, deferred or failed."""

from __future__ import annotations

import pytest

from distributor.sending.transports.outcomes import OutcomeKind, Phase, classify_reply


@pytest.mark.parametrize(
    ("code", "phase", "kind", "throttle"),
    [
        (250, Phase.DATA, OutcomeKind.SENT, False),
        (251, Phase.RCPT, OutcomeKind.SENT, False),
        (451, Phase.RCPT, OutcomeKind.DEFERRED, False),
        (452, Phase.DATA, OutcomeKind.DEFERRED, False),
        (421, Phase.MAIL, OutcomeKind.DEFERRED, True),
        (421, Phase.RCPT, OutcomeKind.DEFERRED, True),
        (421, Phase.DATA, OutcomeKind.DEFERRED, True),
        (550, Phase.RCPT, OutcomeKind.FAILED, False),
        (554, Phase.DATA, OutcomeKind.FAILED, False),
        (550, Phase.MAIL, OutcomeKind.DEFERRED, False),
        (354, Phase.DATA, OutcomeKind.DEFERRED, False),
    ],
)
def test_each_reply_code_and_phase_has_one_outcome(
    code: int, phase: Phase, kind: OutcomeKind, throttle: bool
) -> None:
    outcome, slow_down = classify_reply(code, "text", phase)

    assert (outcome.kind, outcome.code, slow_down) == (kind, code, throttle)


def test_the_enhanced_status_code_is_read_from_the_reply() -> None:
    outcome, _ = classify_reply(550, "5.1.1 <gone@x.example>: no such user", Phase.RCPT)

    assert outcome.enhanced == "5.1.1"
    assert outcome.reply == "5.1.1 <gone@x.example>: no such user"


def test_a_reply_without_an_enhanced_status_code_has_none() -> None:
    outcome, _ = classify_reply(550, "no such user", Phase.RCPT)

    assert outcome.enhanced is None
