"""Bounce intake: received messages in, their evidence kept, the bounce policy applied.

Every door that receives bounces calls `ingest_batch` (the receiver's spool,
a batch at a time) or `ingest_message`, its batch of one (`distributor bounces
ingest`, the mailbox poller). The VERP token in the address the message came back to
names the delivery; a token whose signature does not verify is kept and
counted but changes nothing, so nobody can bounce someone else's address. A
report acts only on what proves its delivery: the verified token, for that
delivery's address, or (when a server dropped the token) the Message-ID of our
returned message, for the address it was sent to. Any other recipient it names is
kept for review and changes nothing (`distributor.bounces.review`). Mail to a delivery's
List-Unsubscribe mailto unsubscribes its contact from everything. Mail to the
reply address is a bounce or an auto-reply like any other when it reports one;
else it is a journalist's reply, handed back in `IngestResult.reply` for the
receiver to forward and record (`distributor.bounces.replies`). Each bounce tied
to a delivery is built by `distributor.bounces.judging.bounce_of`, as every other
source's is, and the batch's bounces are judged together by the bounce policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.bounces.deliveries import Sent, deliveries_named, normalized_recipient
from distributor.bounces.judging import UNATTRIBUTED, bounce_of, decide
from distributor.bounces.moved import READ_CLASSES, may_say_moved, suggest_from_message
from distributor.bounces.policy import Bounce, BouncePolicy, Decision, Judging
from distributor.bounces.replies import Reply, read_reply
from distributor.bounces.reports import ParsedReport, RecipientStatus, ReportKind, parse_report
from distributor.bounces.review import NEEDS_REVIEW, REVIEWABLE, sent_to
from distributor.config import Settings
from distributor.models import (
    BounceRecord,
    BounceReview,
    BounceSource,
    Channel,
    DeliveryEventKind,
    SuppressionReason,
    utcnow,
)
from distributor.observability import count_bounces

FORGED = "token does not verify"
REPLAYED = "a report with this Message-ID was taken in before"
_HEADER_BYTES = 64 * 1024  # enough for any header block worth reading
# What a record that changes nothing keeps: its header, enough to see who sent it. Anyone can
# send forged tokens, so a flood of them must not fill the database with their bodies.
IGNORED_KEEP_BYTES = 4096
_ADDRESSED_TO = ("to", "delivered-to", "x-original-to", "envelope-to")
_NO_RECIPIENT = RecipientStatus(None, None, None, None)
_BOUNCE_RECORDS = cast(Table, BounceRecord.__table__)
# Built once: on this busy path, building a statement costs more than running it.
_KEEP_RECORDS = insert(_BOUNCE_RECORDS).returning(
    _BOUNCE_RECORDS.c.id, sort_by_parameter_order=True
)
_KEPT_MESSAGE_IDS = (
    select(_BOUNCE_RECORDS.c.message_id)
    .where(_BOUNCE_RECORDS.c.message_id.in_(bindparam("b_message_ids", expanding=True)))
    .distinct()
)


@dataclass(frozen=True)
class IngestResult:
    kind: ReportKind
    record_ids: tuple[int, ...]  # BounceRecord rows written
    decisions: tuple[str, ...]  # what the policy did, one line each
    attributed: int  # recipients tied to a delivery
    ignored: str | None = None  # why nothing was applied, e.g. "token does not verify"
    reply: Reply | None = None  # a journalist's reply: to forward, then record (nothing kept yet)
    review: int = 0  # recipients kept for review: nothing proves which email of ours they answer


class Ingest(Protocol):
    """The shape of `ingest_message`, the one entry point of bounce intake (tests pass others)."""

    def __call__(
        self,
        session: Session,
        raw: bytes,
        *,
        source: BounceSource,
        settings: Settings,
        envelope_recipients: Sequence[str] = (),
        now: datetime | None = None,
    ) -> IngestResult: ...


@dataclass(frozen=True)
class Incoming:
    """One received message, and the addresses its envelope was for."""

    raw: bytes
    envelope_recipients: Sequence[str] = ()


class IngestBatch(Protocol):
    """The shape of `ingest_batch`, intake of many messages at once (tests pass others)."""

    def __call__(
        self,
        session: Session,
        messages: Sequence[Incoming],
        *,
        source: BounceSource,
        settings: Settings,
        now: datetime | None = None,
    ) -> list[IngestResult]: ...


@dataclass(frozen=True)
class _Received:
    """What every record of one received message shares."""

    report: ParsedReport
    raw: bytes
    source: BounceSource
    keep_bytes: int
    now: datetime

    def record(
        self, recipient: RecipientStatus, delivery: Sent | None, token: str | None
    ) -> dict[str, Any]:
        """The BounceRecord row for one recipient, its decision still to be taken."""
        address = (
            delivery.email if delivery is not None else normalized_recipient(recipient.address)
        )
        verdict = self.report.verdict(recipient)
        return {
            "received_at": self.now,
            "processed_at": self.now,
            "source": self.source,
            "classification": verdict.bounce_class,
            "reason": verdict.reason.value,
            "delivery_id": delivery.id if delivery is not None else None,
            "recipient": address,
            "status_code": (recipient.status or "")[:16] or None,
            "reply_code": recipient.reply_code,
            "diagnostic": recipient.diagnostic,
            "message_id": self.report.message_id,
            "original_message_id": self.report.original_message_id,
            "verp_token": token,
            "token_valid": None if token is None else delivery is not None,
            "raw_message": self.raw[: self.keep_bytes],
            "raw_size": len(self.raw),
            "decision": None,
            "review": None,
        }

    def ignored(self, token: str | None, why: str) -> _Plan:
        """One record of a message that must change nothing (a forged token, a replay): counted."""
        first = self.report.recipients[0] if self.report.recipients else _NO_RECIPIENT
        record = self.record(first, None, token)
        record["raw_message"] = header_only(self.raw, min(self.keep_bytes, IGNORED_KEEP_BYTES))
        if why == FORGED:
            record["token_valid"] = False
        return _Plan(self, [(record, None)], ignored=why)


@dataclass(frozen=True)
class _Addressed:
    """Where a message came back to: the VERP token of its envelope or headers, verified."""

    token: str | None
    delivery_id: int | None  # the delivery the token names, if its signature verifies
    unsubscribe: bool  # mail to a List-Unsubscribe address, not a bounce
    reply: bool = False  # mail to the reply address: a reply, unless it reports a bounce

    @classmethod
    def read(cls, incoming: Incoming, secret: str, reply_local: str = "") -> _Addressed:
        """`reply_local` is the local part of DISTRIBUTOR_REPLY_ADDRESS ("" when unset)."""
        addresses = list(incoming.envelope_recipients) or _addressed_to(incoming.raw)
        token = _token(addresses, "unsubscribe")
        unsubscribe = token is not None
        reply = False
        if token is None and reply_local:
            token = _token(addresses, reply_local)
            reply = token is not None
        if token is None:
            token = _token(addresses, "bounces")
        delivery_id = tokens.read_delivery_token(token, secret) if token is not None else None
        return cls(token, delivery_id, unsubscribe, reply)


@dataclass
class _Plan:
    """What intake does with one message: its records, each with the bounce to judge, if any."""

    received: _Received
    records: list[tuple[dict[str, Any], Bounce | None]]  # a record without a bounce is not judged
    ignored: str | None = None
    unsubscribing: Sent | None = None  # the delivery whose contact unsubscribes by mail
    replying: Reply | None = None  # a journalist's reply, passed on to whoever forwards it


def ingest_message(
    session: Session,
    raw: bytes,
    *,
    source: BounceSource,
    settings: Settings,
    envelope_recipients: Sequence[str] = (),
    now: datetime | None = None,
) -> IngestResult:
    """Keep one received message as evidence and apply the bounce policy to what it reports."""
    (result,) = ingest_batch(
        session, [Incoming(raw, envelope_recipients)], source=source, settings=settings, now=now
    )
    return result


def ingest_batch(
    session: Session,
    messages: Sequence[Incoming],
    *,
    source: BounceSource,
    settings: Settings,
    now: datetime | None = None,
) -> list[IngestResult]:
    """Take in `messages` as `ingest_message` takes in each in turn, in a few statements.

    What the batch needs is read at once (the deliveries its tokens and Message-IDs
    name, the Message-IDs kept before, the policy's histories), decisions are taken
    in order in memory (a message counts the ones before it in the batch as taken
    in), and the records and the policy's changes are written at once.
    """
    moment = now or utcnow()
    keep = settings.bounce_keep_bytes
    received = [_Received(parse_report(m.raw), m.raw, source, keep, moment) for m in messages]
    secret = settings.signing_key()
    reply_local = settings.reply_address.partition("@")[0]
    addressed = [_Addressed.read(message, secret, reply_local) for message in messages]
    named_ids = [a.delivery_id for a in addressed if a.delivery_id is not None]
    by_id, by_message_id = deliveries_named(
        session,
        named_ids,
        [m for r in received if (m := r.report.original_message_id)],
    )
    seen = _kept_message_ids(session, [m for r in received if (m := r.report.message_id)])
    plans = []
    for message, address in zip(received, addressed, strict=True):
        plan = _plan(session, message, address, by_id, by_message_id, seen, settings)
        if plan.records and message.report.message_id:
            seen.add(message.report.message_id)  # a second one in the batch is a replay
        plans.append(plan)
    _mark_for_review(session, plans)
    results = _apply(session, plans, BouncePolicy.from_settings(settings), moment)
    _suggest_moves(session, plans, results, settings)
    return results


def _plan(
    session: Session,
    received: _Received,
    addressed: _Addressed,
    by_id: dict[int, Sent],
    by_message_id: dict[str, Sent],
    seen: set[str],
    settings: Settings,
) -> _Plan:
    token = addressed.token
    delivery = by_id.get(addressed.delivery_id) if addressed.delivery_id is not None else None
    if addressed.unsubscribe:
        if delivery is None:
            return received.ignored(token, FORGED)
        return _Plan(received, [], unsubscribing=delivery)
    report = received.report
    if addressed.reply and report.kind is ReportKind.UNRECOGNIZED and not report.recipients:
        # Neither a bounce, a complaint nor an auto-reply: a person wrote back.
        if delivery is None:
            return received.ignored(
                token, FORGED if addressed.delivery_id is None else UNATTRIBUTED
            )
        reply = read_reply(
            session,
            received.raw,
            delivery_id=delivery.id,
            delivery_email=delivery.email,
            sendout_id=delivery.sendout_id,
            settings=settings,
        )
        return _Plan(received, [], replying=reply)
    if token is not None and addressed.delivery_id is None:
        return received.ignored(token, FORGED)
    if received.report.message_id in seen:
        return received.ignored(token, REPLAYED)
    report = received.report
    targets = _attribute(report, delivery, by_message_id.get(report.original_message_id or ""))
    records = []
    for recipient, target in targets:
        record = received.record(recipient, target, token if target is not None else None)
        bounce = None
        if target is not None:
            bounce = bounce_of(
                target,
                record["classification"],
                status=recipient.status,
                diagnostic=recipient.diagnostic,
                feedback_type=report.feedback_type,
            )
        records.append((record, bounce))
    return _Plan(received, records)


def _apply(
    session: Session, plans: list[_Plan], policy: BouncePolicy, now: datetime
) -> list[IngestResult]:
    """Judge every record of `plans` in order, then write the policy's changes and the records."""
    judging = Judging(session, policy, now)
    judging.read([bounce for plan in plans for _, bounce in plan.records if bounce is not None])
    decided: list[list[Decision]] = []
    for plan in plans:
        decisions = []
        if plan.unsubscribing is not None:
            decisions.append(_unsubscribe(judging, plan.unsubscribing))
        for record, bounce in plan.records:
            if plan.ignored is not None:
                decisions.append(Decision(f"ignored: {plan.ignored}"))
            else:
                why = NEEDS_REVIEW if record["review"] is not None else UNATTRIBUTED
                decisions.append(decide(judging, bounce, why_none=why))
            if record["review"] is not None:
                continue  # counts for nothing until applied: not in the batch's soft counts
            judging.kept(
                recipient=record["recipient"],
                classification=record["classification"],
                delivery_id=record["delivery_id"],
                token_valid=record["token_valid"],
                received_at=record["received_at"],
            )
        decided.append(decisions)
    judging.write()
    rows: list[dict[str, Any]] = []
    for plan, decisions in zip(plans, decided, strict=True):
        if plan.unsubscribing is None:  # else its one decision is no record's
            records = zip(plan.records, decisions, strict=True)
            rows.extend({**record, "decision": decision.text} for (record, _), decision in records)
    ids = iter(_keep(session, rows))
    count_bounces(r["classification"] for p in plans if not p.ignored for r, _ in p.records)
    session.flush()  # whatever the policy left in the session is written when intake returns
    return [
        _result(plan, tuple(next(ids) for _ in plan.records), decisions)
        for plan, decisions in zip(plans, decided, strict=True)
    ]


def _result(plan: _Plan, record_ids: tuple[int, ...], decisions: list[Decision]) -> IngestResult:
    kind = plan.received.report.kind
    texts = tuple(decision.text for decision in decisions)
    if plan.replying is not None:
        forward = f"reply: to be forwarded to {plan.replying.forward_to}"
        return IngestResult(kind, record_ids, (forward,), 1, reply=plan.replying)
    if plan.unsubscribing is not None:
        return IngestResult(kind, record_ids, texts, 1)
    if plan.ignored is not None:
        return IngestResult(kind, record_ids, texts, 0, ignored=plan.ignored)
    attributed = sum(1 for _, bounce in plan.records if bounce is not None)
    review = sum(1 for record, _ in plan.records if record["review"] is not None)
    ignored = None if attributed else NEEDS_REVIEW if review else UNATTRIBUTED
    return IngestResult(kind, record_ids, texts, attributed, ignored=ignored, review=review)


def _mark_for_review(session: Session, plans: list[_Plan]) -> None:
    """Keep for review the records that no delivery proves but whose address we sent to."""
    waiting = [
        record
        for plan in plans
        if plan.ignored is None
        for record, bounce in plan.records
        if bounce is None and record["recipient"] and record["classification"] in REVIEWABLE
    ]
    ours = sent_to(session, {record["recipient"] for record in waiting})
    for record in waiting:
        if record["recipient"] in ours:
            record["review"] = BounceReview.NEEDED


def _keep(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Write the records, with their decisions, in one INSERT; their ids, in order."""
    if not rows:
        return []
    return [int(i) for i in session.execute(_KEEP_RECORDS, rows).scalars()]


def _kept_message_ids(session: Session, message_ids: list[str]) -> set[str]:
    """Those of `message_ids` kept already (a resend, or a replay)."""
    if not message_ids:
        return set()
    kept = session.execute(_KEPT_MESSAGE_IDS, {"b_message_ids": message_ids}).scalars()
    return {str(message_id) for message_id in kept}


def _unsubscribe(judging: Judging, delivery: Sent) -> Decision:
    """Mail to a delivery's List-Unsubscribe mailto: its contact leaves every list for good."""
    decision = judging.stop_all_mail(
        delivery.email,
        SuppressionReason.UNSUBSCRIBED,
        Channel.ONE_CLICK,
        source=f"delivery {delivery.id}",
        note="unsubscribe mail to the List-Unsubscribe address",
    )
    judging.event(
        delivery.id,
        DeliveryEventKind.UNSUBSCRIBED,
        "mailto",
        {"channel": Channel.ONE_CLICK.value},
    )
    return decision


def _attribute(
    report: ParsedReport, named: Sent | None, quoted: Sent | None
) -> list[tuple[RecipientStatus, Sent | None]]:
    """Each reported recipient with the delivery it proves to answer, or None.

    `named` is the delivery of the verified token, `quoted` the one whose Message-ID
    the report quotes. A recipient at a delivery's address is that delivery's; a
    report of one recipient (or none) is the token's delivery's, about its address
    whatever the report names. Never the latest delivery to an address the report
    merely names: whoever holds one of our emails can name any address in a report.
    """
    recipients = report.recipients or (_NO_RECIPIENT,)
    if len(recipients) == 1 and named is not None:
        return [(recipients[0], named)]
    if len(recipients) == 1 and quoted is not None and recipients[0].address is None:
        return [(recipients[0], quoted)]  # the address was left out: the Message-ID says it
    found = list({d.id: d for d in (named, quoted) if d is not None}.values())
    targets: list[tuple[RecipientStatus, Sent | None]] = []
    for recipient in recipients:
        address = normalized_recipient(recipient.address)
        target = next((d for d in found if d.email == address), None)
        if target is not None:
            found.remove(target)  # a recipient named twice is judged once
        targets.append((recipient, target))
    return targets


def _addressed_to(raw: bytes) -> list[str]:
    """The addresses in the headers that say where the message was delivered."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:_HEADER_BYTES], headersonly=True)
    values = [str(value) for name in _ADDRESSED_TO for value in headers.get_all(name, [])]
    return [address for _, address in getaddresses(values) if address]


def _token(addresses: Sequence[str], local: str) -> str | None:
    return next(
        (t for a in addresses if (t := tokens.token_from_address(a, local)) is not None), None
    )


def header_only(raw: bytes, limit: int) -> bytes:
    """The header block of `raw` (up to its blank line), at most `limit` bytes of it."""
    head = raw[: limit + 4]
    ends = [
        end + len(blank) // 2 for blank in (b"\r\n\r\n", b"\n\n") if (end := head.find(blank)) >= 0
    ]
    return head[: min([*ends, limit])]


def _suggest_moves(
    session: Session, plans: list[_Plan], results: list[IngestResult], settings: Settings
) -> None:
    """An auto-reply or bounce tied to one delivery that says its journalist moved on leaves a
    suggestion for an admin; it changes nothing else."""
    for plan, result in zip(plans, results, strict=True):
        attributed = [
            (record_id, record)
            for (record, bounce), record_id in zip(plan.records, result.record_ids, strict=True)
            if bounce is not None and record["classification"] in READ_CLASSES
        ]
        if (
            plan.ignored is None
            and len(attributed) == 1
            and may_say_moved(plan.received.report.words)
        ):
            record_id, record = attributed[0]
            suggest_from_message(
                session,
                plan.received.raw,
                delivery_id=record["delivery_id"],
                old_email=record["recipient"],
                bounce_record_id=record_id,
                settings=settings,
            )
