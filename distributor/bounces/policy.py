"""The bounce policy: what one recipient's bounce, complaint or warning does to its address.

Every bounce that reaches us, whether refused during our SMTP session or
returned later as a DSN or complaint, is judged here and nowhere else. A hard
bounce suppresses at once; soft bounces suppress once there are enough of them
spread over enough days with no success in between (counted from the bounce
records and deliveries, never from a stored counter, and including the bounce
being judged, whose record is written with the decision); a complaint stops all mail;
a block never blames the address, it warns the admins about the send-out.

Bounces are judged a batch at a time (`Judging`: a few statements per batch,
whatever its size); every source reaches it through `judging.decide`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, Update, case, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM, Actor, append_all, entry_row, record
from distributor.config import Settings
from distributor.contacts import (
    SuppressionRequest,
    remove_suppression,
    suppress_all,
    suppression_reasons,
    unsubscribe,
)
from distributor.errors import NotFound
from distributor.models import (
    AuditEntry,
    BounceClass,
    BounceRecord,
    BounceReview,
    Channel,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    Role,
    Suppression,
    SuppressionReason,
    email_hash,
    utcnow,
)

log = logging.getLogger(__name__)

# Failures: the message did not arrive, so its delivery is `bounced` and resets no soft count.
_FAILURES = frozenset({BounceClass.HARD, BounceClass.SOFT, BounceClass.BLOCK})
_NOTE_CHARS = 500
REACTIVATED = "bounces.reactivate"  # the audit action that starts an address's soft count afresh

# Statements built once: on this busy path, building one costs more than running it.
_DELIVERIES = cast(Table, Delivery.__table__)
_APPEND_EVENT = insert(cast(Table, DeliveryEvent.__table__))


@dataclass(frozen=True)
class BouncePolicy:
    """How many soft bounces, spread over how long, suppress an address."""

    soft_limit: int = 3
    soft_span: timedelta = timedelta(days=14)

    @classmethod
    def from_settings(cls, settings: Settings) -> BouncePolicy:
        return cls(settings.soft_bounce_limit, timedelta(days=settings.soft_bounce_days))


@dataclass(frozen=True)
class Bounce:
    """One recipient's bounce as the policy judges it; its BounceRecord is written with the decision."""

    classification: BounceClass
    email: str  # the address we sent to, normalized
    delivery_id: int
    status: str | None
    diagnostic: str | None
    feedback_type: str | None = None  # of a complaint
    sendout_id: int | None = None  # of the delivery, when known: a block names it


def stop_all_mail(
    session: Session,
    email: str,
    reason: SuppressionReason,
    channel: Channel,
    *,
    source: str,
    note: str,
) -> str:
    """Unsubscribe `email` from every list and suppress it; returns what was done."""
    judging = Judging(session, BouncePolicy(), utcnow())
    decision = judging.stop_all_mail(email, reason, channel, source=source, note=note)
    judging.write()
    return decision.text


@dataclass
class Decision:
    """The decision on one bounce; one that suppresses is worded once the suppression is written."""

    text: str = ""


@dataclass(frozen=True)
class _Suppressing:
    """A suppression the policy asks for, and the decision it words, whether new or not."""

    decision: Decision
    request: SuppressionRequest
    new: str  # the decision if the suppression is new
    already: tuple[str, str]  # else the words around the reason of the entry there already

    def word(self, existing: SuppressionReason | None) -> None:
        before, after = self.already
        self.decision.text = self.new if existing is None else f"{before}{existing.value}{after}"


class Judging:
    """The bounce policy over a batch of bounces: read at once, judged in order, written at once.

    `read` fetches what the policy needs of every bounce in the batch; `judge` takes
    each decision in turn, as if the bounces before it had been written (a soft
    bounce earlier in the batch counts, an address suppressed earlier in the batch
    is already suppressed); `write` writes the batch's suppressions, delivery moves,
    events and audit entries, a statement each. The caller writes the bounce
    records, and tells `kept` about each as it is judged.
    """

    def __init__(self, session: Session, policy: BouncePolicy, now: datetime) -> None:
        self._session = session
        self._policy = policy
        self._now = now
        self._histories: dict[str, SoftHistory] = {}
        self._sendouts: dict[int, int | None] = {}
        self._failed: set[int] = set()  # deliveries with a failure kept or judged in this batch
        self._suppressing: list[_Suppressing] = []
        self._bouncing: dict[int, str | None] = {}  # delivery id -> its error, first one wins
        self._events: list[tuple[dict[str, Any], int | None]] = []  # and the move it waits on
        self._audit: list[dict[str, Any]] = []

    def read(self, bounces: Sequence[Bounce]) -> None:
        """Fetch what judging `bounces` needs: soft histories, blocked send-outs."""
        self._session.flush()  # records the caller added to the session count too
        soft = {b.email for b in bounces if b.classification is BounceClass.SOFT}
        self._histories.update(soft_histories(self._session, soft - self._histories.keys()))
        unknown = {
            b.delivery_id
            for b in bounces
            if b.classification is BounceClass.BLOCK and b.sendout_id is None
        }
        if unknown:
            rows = self._session.execute(
                select(Delivery.id, Delivery.sendout_id).where(Delivery.id.in_(unknown))
            )
            self._sendouts.update(dict(rows.all()))

    def judge(self, bounce: Bounce) -> Decision:
        """Act on one bounce, its writes held until `write`; its decision."""
        kind = bounce.classification
        if kind in _FAILURES:
            self._mark_bounced(bounce)
        if kind is BounceClass.HARD:
            return self._suppress(bounce, SuppressionReason.HARD_BOUNCE, "hard bounce")
        if kind is BounceClass.SOFT:
            return self._soft(bounce)
        if kind is BounceClass.COMPLAINT:
            self._event(bounce, DeliveryEventKind.COMPLAINED)
            what = f"complaint ({bounce.feedback_type or 'abuse'})"
            return self.stop_all_mail(
                bounce.email,
                SuppressionReason.COMPLAINT,
                Channel.COMPLAINT,
                source=f"delivery {bounce.delivery_id}",
                note=what,
            )
        if kind is BounceClass.BLOCK:
            return self._block(bounce)
        if kind is BounceClass.DELAYED:
            self._event(bounce, DeliveryEventKind.DELAYED)
            return Decision("warning: delivery delayed, still on its way")
        if kind is BounceClass.AUTO_REPLY:
            return Decision("recorded: auto-reply, not a bounce")
        return Decision("recorded: not understood, kept for review")

    def kept(
        self,
        *,
        recipient: str | None,
        classification: BounceClass,
        delivery_id: int | None,
        token_valid: bool | None,
        received_at: datetime,
    ) -> None:
        """A bounce record the caller keeps in this batch: the next decisions count it."""
        if token_valid is False:
            return
        history = self._histories.get(recipient or "")
        if classification is BounceClass.SOFT and history is not None:
            history.soft.append(received_at)
        if classification in _FAILURES and delivery_id is not None:
            self._failed.add(delivery_id)

    def stop_all_mail(
        self, email: str, reason: SuppressionReason, channel: Channel, *, source: str, note: str
    ) -> Decision:
        """Unsubscribe `email` from every list at once, and suppress it with the batch."""
        left: list[str] = []
        with contextlib.suppress(NotFound):  # an erased or never-imported contact has no lists
            left = unsubscribe(
                self._session, email, None, SYSTEM, channel, reason=note
            ).unsubscribed
        lists = f"unsubscribed from {len(left)} list{'' if len(left) == 1 else 's'}"
        request = SuppressionRequest(email, reason, channel, source, note)
        return self._suppressing_with(
            request,
            f"{lists} and suppressed: {note}",
            (f"{lists}; already suppressed (", f"): {note}"),
        )

    def event(
        self,
        delivery_id: int,
        kind: DeliveryEventKind,
        detail: str | None,
        data: dict[str, Any],
        *,
        after_move: bool = False,
    ) -> None:
        """Append a delivery's event (with `after_move`, only if `write` moves it to bounced)."""
        row = {"delivery_id": delivery_id, "kind": kind, "at": self._now, "detail": detail}
        self._events.append(({**row, "data": data}, delivery_id if after_move else None))

    def write(self) -> None:
        """Write what the decisions so far hold, and word those that suppress."""
        session = self._session
        session.flush()  # the statements below check what the session holds
        self._write_suppressions()
        moved: set[int] = set()
        if self._bouncing:
            moved = set(session.scalars(_bounce_if_sent(self._bouncing)))
        events = [row for row, move in self._events if move is None or move in moved]
        if events:
            session.execute(_APPEND_EVENT, events)
        append_all(session, self._audit)
        self._bouncing.clear()
        self._events.clear()
        self._audit.clear()

    def _write_suppressions(self) -> None:
        requests = [s.request for s in self._suppressing]
        new = suppress_all(self._session, requests, actor=SYSTEM)
        taken: dict[str, SuppressionReason] = {}  # reason of each address suppressed, as known
        lost = {r.email for r in requests if email_hash(r.email) not in new}
        taken.update(suppression_reasons(self._session, lost) if lost else {})
        for suppressing in self._suppressing:
            email = suppressing.request.email
            suppressing.word(taken.get(email))
            taken.setdefault(email, suppressing.request.reason)
        self._suppressing.clear()

    def _suppress(self, bounce: Bounce, reason: SuppressionReason, why: str) -> Decision:
        detail = _detail(bounce)
        request = SuppressionRequest(
            bounce.email,
            reason,
            Channel.BOUNCE,
            f"delivery {bounce.delivery_id}",
            detail[:_NOTE_CHARS] or None,
        )
        status = f" ({bounce.status})" if bounce.status else ""
        return self._suppressing_with(
            request, f"suppressed: {why}{status}", ("already suppressed (", f"); {why}")
        )

    def _suppressing_with(
        self, request: SuppressionRequest, new: str, already: tuple[str, str]
    ) -> Decision:
        decision = Decision()
        self._suppressing.append(_Suppressing(decision, request, new, already))
        return decision

    def _soft(self, bounce: Bounce) -> Decision:
        """Suppress after `soft_limit` soft bounces spanning `soft_span` since the last success."""
        history = self._histories[bounce.email]
        first, last, count = history.since_success(self._failed, judged=self._now)
        span = last - first if first is not None and last is not None else None
        policy = self._policy
        if count >= policy.soft_limit and span is not None and span >= policy.soft_span:
            return self._suppress(
                bounce,
                SuppressionReason.SOFT_BOUNCE_LIMIT,
                f"{count} soft bounces over {span.days} days with no success between",
            )
        since = f" since {first:%Y-%m-%d}" if first is not None else ""
        return Decision(f"counted: soft bounce {count} of {policy.soft_limit}{since}")

    def _block(self, bounce: Bounce) -> Decision:
        """A refusal for policy, spam or reputation: the send-out's problem, not the address's."""
        sendout_id = bounce.sendout_id
        if sendout_id is None:
            sendout_id = self._sendouts.get(bounce.delivery_id)
        domain = bounce.email.rpartition("@")[2]
        log.warning("send-out %s was refused by %s: %s", sendout_id, domain, _detail(bounce))
        self._audit.append(
            entry_row(
                SYSTEM,
                "sendout.blocked",
                "sendout",
                sendout_id,
                delivery=bounce.delivery_id,
                email=bounce.email,
                status=bounce.status,
                diagnostic=(bounce.diagnostic or "")[:_NOTE_CHARS],
            )
        )
        return Decision(
            f"warned: send-out {sendout_id} blocked by the receiver; address not blamed"
        )

    def _mark_bounced(self, bounce: Bounce) -> None:
        """Move a delivery the relay had accepted to `bounced`, at `write`; one refused at
        SMTP time is settled. Its `bounced` event is written if it moves."""
        self._failed.add(bounce.delivery_id)  # no success any more, whatever its state
        if bounce.delivery_id in self._bouncing:  # moved by an earlier bounce of the batch
            return
        self._bouncing[bounce.delivery_id] = _detail(bounce) or None
        self._event(bounce, DeliveryEventKind.BOUNCED, after_move=True)

    def _event(self, bounce: Bounce, kind: DeliveryEventKind, *, after_move: bool = False) -> None:
        self.event(
            bounce.delivery_id,
            kind,
            _detail(bounce) or None,
            {"class": bounce.classification.value, "status": bounce.status},
            after_move=after_move,
        )


def _bounce_if_sent(errors: dict[int, str | None]) -> Update:
    """One UPDATE moving the deliveries still `sent` to `bounced`, each with its error; the moved ids.

    Conditional, so that one refused at SMTP time, or moved by someone else since, stays.
    """
    column = _DELIVERIES.c
    return (
        update(_DELIVERIES)
        .where(column.id.in_(list(errors)), column.state == DeliveryState.SENT)
        .values(state=DeliveryState.BOUNCED, last_error=case(errors, value=column.id))
        .returning(column.id)
    )


@dataclass
class SoftHistory:
    """What counts an address's soft bounces: its successes, reactivation and soft bounces."""

    successes: dict[int, datetime] = field(default_factory=dict)  # delivery id -> sent at
    reactivated: datetime | None = None
    soft: list[datetime] = field(default_factory=list)  # received at

    def since_success(
        self, failed: Collection[int] = (), judged: datetime | None = None
    ) -> tuple[datetime | None, datetime | None, int]:
        """See `soft_bounces_since_success`; `failed` deliveries are no success any more."""
        last_success = max(
            (sent for delivery, sent in self.successes.items() if delivery not in failed),
            default=None,
        )
        start = max(
            (moment for moment in (last_success, self.reactivated) if moment is not None),
            default=None,
        )
        counted = [moment for moment in self.soft if start is None or moment > start] + (
            [judged] if judged is not None and (start is None or judged > start) else []
        )
        if not counted:
            return None, None, 0
        return min(counted), max(counted), len(counted)


def soft_bounces_since_success(
    session: Session, email: str, judged: datetime | None = None
) -> tuple[datetime | None, datetime | None, int]:
    """The first and last soft bounce of `email` since its last success or reactivation, and their count.

    A success is a delivery to the address that was sent and has no failure recorded
    against it; a bounce that arrives later for it makes it no success after all.
    `judged` is when the soft bounce being judged was received: its record is not
    written yet, and it counts too.
    """
    return soft_histories(session, {email})[email].since_success(judged=judged)


def soft_histories(session: Session, emails: Collection[str]) -> dict[str, SoftHistory]:
    """The soft-bounce history of each address, read for all of them in three queries."""
    histories = {email: SoftHistory() for email in emails}
    if not histories:
        return histories
    addresses = list(histories)
    failed = exists().where(
        BounceRecord.delivery_id == Delivery.id,
        BounceRecord.classification.in_(_FAILURES),
        BounceRecord.token_valid.is_not(False),
    )
    successes = session.execute(
        select(Delivery.email, Delivery.id, Delivery.sent_at).where(
            Delivery.email.in_(addresses),
            Delivery.state == DeliveryState.SENT,
            Delivery.sent_at.is_not(None),
            ~failed,
        )
    )
    for email, delivery_id, sent_at in successes:
        if sent_at is not None:  # as the query says: for the type checker
            histories[email].successes[delivery_id] = sent_at
    by_hash = {email_hash(email): email for email in addresses}
    reactivations = session.execute(
        select(AuditEntry.entity_id, func.max(AuditEntry.at))
        .where(AuditEntry.action == REACTIVATED, AuditEntry.entity_id.in_(list(by_hash)))
        .group_by(AuditEntry.entity_id)
    )
    for digest, moment in reactivations:
        histories[by_hash[str(digest)]].reactivated = moment
    soft = session.execute(
        select(BounceRecord.recipient, BounceRecord.received_at).where(
            BounceRecord.recipient.in_(addresses),
            BounceRecord.classification == BounceClass.SOFT,
            BounceRecord.token_valid.is_not(False),
            # one kept for review counts once a person applies it
            or_(BounceRecord.review.is_(None), BounceRecord.review != BounceReview.NEEDED),
        )
    )
    for recipient, received_at in soft:
        histories[str(recipient)].soft.append(received_at)
    return histories


def reactivate(
    session: Session, email: str, actor: Actor, reason: str, now: datetime | None = None
) -> Suppression:
    """Let a bounced address receive mail again, its soft count started afresh (admins only).

    The suppression's removal is audited with the reason; the reactivation's own audit
    entry, keyed by the address's hash, is where the soft count starts again.
    """
    actor.require(Role.ADMIN, "reactivating a bounced address")
    entry = remove_suppression(session, email, actor, reason)
    reactivation = record(
        session,
        actor,
        REACTIVATED,
        "address",
        entry.email_hash,
        email=entry.email,
        reason=reason.strip(),
        was=entry.reason.value,
    )
    reactivation.at = now or utcnow()
    session.flush()
    return entry


def _detail(bounce: Bounce) -> str:
    return " ".join(part for part in (bounce.status, bounce.diagnostic) if part)
