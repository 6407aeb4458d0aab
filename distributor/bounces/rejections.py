"""Rejections at SMTP time: a 5xx to RCPT or DATA while we sent, kept as a bounce and acted on.

The relay's refusal is the earliest and surest bounce there is. It is recorded
like any received bounce, with its evidence, and a refusal that blames the
address (no such user or domain, mailbox disabled) suppresses it at once. A
policy or reputation refusal (5.7.x) never blames the address.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.bounces.classify import classify
from distributor.contacts.suppressions import suppress
from distributor.models import BounceClass, BounceRecord, BounceSource, Channel, SuppressionReason
from distributor.sending.outcomes import Outcome


@dataclass(frozen=True)
class Rejection:
    delivery_id: int
    email: str
    outcome: Outcome


def record_rejections(session: Session, rejections: Sequence[Rejection], now: datetime) -> None:
    """Keep each rejection as a bounce record and suppress the addresses it blames."""
    if not rejections:
        return
    rows = []
    for rejection in rejections:
        kind = classify(rejection.outcome.enhanced, rejection.outcome.reply)
        decision = (
            "suppressed: hard bounce at SMTP time" if kind is BounceClass.HARD else "recorded"
        )
        if kind is BounceClass.HARD:
            suppress(
                session,
                rejection.email,
                SuppressionReason.HARD_BOUNCE,
                actor=SYSTEM,
                channel=Channel.BOUNCE,
                source=f"delivery {rejection.delivery_id}",
                note=rejection.outcome.reply[:500],
            )
        rows.append(
            {
                "received_at": now,
                "processed_at": now,
                "source": BounceSource.SMTP_SESSION,
                "classification": kind,
                "delivery_id": rejection.delivery_id,
                "recipient": rejection.email,
                "status_code": rejection.outcome.enhanced or str(rejection.outcome.code or ""),
                "diagnostic": rejection.outcome.reply,
                "decision": decision,
            }
        )
    session.execute(insert(BounceRecord), rows)
