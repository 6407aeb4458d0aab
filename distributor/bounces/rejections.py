"""Rejections at SMTP time: a 5xx to RCPT or DATA while we sent, kept as a bounce and acted on.

The relay's refusal is the earliest and surest bounce there is. It is recorded
like any received bounce, with its evidence, and judged by the same bounce
policy: a refusal that blames the address (no such user or domain, mailbox
disabled) suppresses it at once; a policy or reputation refusal (5.7.x) never
blames the address.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from distributor.bounces.classify import classify
from distributor.bounces.policy import Bounce, BouncePolicy, apply_policy
from distributor.models import BounceRecord, BounceSource
from distributor.sending.outcomes import Outcome


@dataclass(frozen=True)
class Rejection:
    delivery_id: int
    email: str
    outcome: Outcome


def record_rejections(
    session: Session,
    rejections: Sequence[Rejection],
    now: datetime,
    policy: BouncePolicy,
) -> None:
    """Keep each rejection as a bounce record and let the bounce policy act on it."""
    for rejection in rejections:
        outcome = rejection.outcome
        verdict = classify(outcome.enhanced, outcome.reply, reply_code=str(outcome.code or ""))
        bounce = Bounce(
            classification=verdict.bounce_class,
            email=rejection.email,
            delivery_id=rejection.delivery_id,
            status=outcome.enhanced,
            diagnostic=outcome.reply,
        )
        session.add(  # written with its decision; the next rejection's soft count includes it
            BounceRecord(
                received_at=now,
                processed_at=now,
                source=BounceSource.SMTP_SESSION,
                classification=verdict.bounce_class,
                reason=verdict.reason.value,
                delivery_id=rejection.delivery_id,
                recipient=rejection.email,
                status_code=outcome.enhanced or str(outcome.code or ""),
                reply_code=str(outcome.code)[:3] if outcome.code else None,
                diagnostic=outcome.reply,
                decision=apply_policy(session, bounce, policy, now),
            )
        )
