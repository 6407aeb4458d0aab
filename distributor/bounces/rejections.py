"""Rejections at SMTP time: a 5xx to RCPT or DATA while we sent, kept as a bounce and acted on.

The relay's refusal is the earliest and surest bounce there is. It is recorded
like any received bounce, with its evidence, and reaches the bounce policy the
way every source does, through `distributor.bounces.judging` (`judge`, then
`decide`): a refusal that blames the address (no such user or domain, mailbox
disabled) suppresses it at once; a policy or reputation refusal (5.7.x) never
blames the address.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from distributor.bounces.classify import classify
from distributor.bounces.deliveries import Sent
from distributor.bounces.judging import judge
from distributor.bounces.policy import BouncePolicy
from distributor.models import BounceRecord, BounceSource


class SmtpRejection(Protocol):
    """A relay's permanent refusal of one delivery's recipient, as the sender saw it."""

    @property
    def delivery_id(self) -> int: ...
    @property
    def email(self) -> str: ...
    @property
    def code(self) -> int: ...
    @property
    def enhanced(self) -> str | None: ...
    @property
    def reply(self) -> str: ...


@dataclass(frozen=True)
class RejectionRecorder:
    """What the send pipeline is handed to keep its rejections: `record_rejections` under
    the bounce policy of the settings it was made from."""

    policy: BouncePolicy

    def __call__(
        self, session: Session, rejections: Sequence[SmtpRejection], now: datetime
    ) -> None:
        record_rejections(session, rejections, now, self.policy)


def record_rejections(
    session: Session,
    rejections: Sequence[SmtpRejection],
    now: datetime,
    policy: BouncePolicy,
) -> None:
    """Keep each rejection as a bounce record and let the bounce policy act on it."""
    for rejection in rejections:
        verdict = classify(rejection.enhanced, rejection.reply, reply_code=str(rejection.code))
        decision = judge(
            session,
            Sent(rejection.delivery_id, rejection.email),
            verdict.bounce_class,
            policy,
            now,
            status=rejection.enhanced,
            diagnostic=rejection.reply,
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
                status_code=rejection.enhanced or str(rejection.code),
                reply_code=str(rejection.code)[:3],
                diagnostic=rejection.reply,
                decision=decision,
            )
        )
