"""Bounce intake: one received message in, its evidence kept, the bounce policy applied.

Every door that receives bounces (the receiver, `distributor bounces ingest`)
calls `ingest_message`. The VERP token in the address the message came back to
names the delivery; a token whose signature does not verify is kept and
counted but changes nothing, so nobody can bounce someone else's address. When
a server dropped the token, the recipients the report names and the Message-ID
of our returned message point to the delivery instead. Mail to a delivery's
List-Unsubscribe mailto unsubscribes its contact from everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses
from typing import Any, NamedTuple, Protocol, cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from distributor.bounces.policy import Bounce, BouncePolicy, apply_policy, stop_all_mail
from distributor.bounces.reports import ParsedReport, RecipientStatus, ReportKind, parse_report
from distributor.config import Settings
from distributor.contacts.addresses import InvalidAddress, parse_address
from distributor.models import (
    BounceClass,
    BounceRecord,
    BounceSource,
    Channel,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    SuppressionReason,
)
from distributor.models.base import utcnow
from distributor.sending import verp

FORGED = "token does not verify"
REPLAYED = "a report with this Message-ID was taken in before"
UNATTRIBUTED = "no delivery of ours found"
_HEADER_BYTES = 64 * 1024  # enough for any header block worth reading
_ADDRESSED_TO = ("to", "delivered-to", "x-original-to", "envelope-to")
_NO_RECIPIENT = RecipientStatus(None, None, None, None)
_BOUNCE_RECORDS = cast(Table, BounceRecord.__table__)
# Built once: on this busy path, building a statement costs more than running it.
_KEEP_RECORD = insert(_BOUNCE_RECORDS).returning(_BOUNCE_RECORDS.c.id)
_DELIVERIES = cast(Table, Delivery.__table__)
_SENT_BY_ID = select(_DELIVERIES.c.id, _DELIVERIES.c.email).where(
    _DELIVERIES.c.id == bindparam("b_id")
)


@dataclass(frozen=True)
class IngestResult:
    kind: ReportKind
    record_ids: tuple[int, ...]  # BounceRecord rows written
    decisions: tuple[str, ...]  # what the policy did, one line each
    attributed: int  # recipients tied to a delivery
    ignored: str | None = None  # why nothing was applied, e.g. "token does not verify"


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


class Sent(NamedTuple):
    """A delivery as intake needs it: which one, and the address it went to."""

    id: int
    email: str


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
        return {
            "received_at": self.now,
            "processed_at": self.now,
            "source": self.source,
            "classification": self.report.verdict(recipient),
            "delivery_id": delivery.id if delivery is not None else None,
            "recipient": address,
            "status_code": (recipient.status or "")[:16] or None,
            "diagnostic": recipient.diagnostic,
            "message_id": self.report.message_id,
            "original_message_id": self.report.original_message_id,
            "verp_token": token,
            "token_valid": None if token is None else delivery is not None,
            "raw_message": self.raw[: self.keep_bytes],
            "raw_size": len(self.raw),
            "decision": None,
        }


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
    received = _Received(
        parse_report(raw), raw, source, settings.bounce_keep_bytes, now or utcnow()
    )
    addresses = list(envelope_recipients) or _addressed_to(raw)
    secret = settings.signing_key()
    unsubscribe_token = _token(addresses, "unsubscribe")
    if unsubscribe_token is not None:
        return _unsubscribe(session, received, unsubscribe_token, secret)
    token = _token(addresses, "bounces")
    delivery = None
    if token is not None:
        delivery_id = verp.read_token(token, secret)
        if delivery_id is None:
            return _ignored(session, received, token, FORGED)
        delivery = delivery_by_id(session, delivery_id)
    if _seen_before(session, received.report.message_id):
        return _ignored(session, received, token, REPLAYED)
    targets = _attribute(session, received.report, delivery)
    return _apply(session, received, targets, token, BouncePolicy.from_settings(settings))


def _apply(
    session: Session,
    received: _Received,
    targets: list[tuple[RecipientStatus, Sent | None]],
    token: str | None,
    policy: BouncePolicy,
) -> IngestResult:
    record_ids, decisions = [], []
    for recipient, delivery in targets:
        record = received.record(recipient, delivery, token if delivery is not None else None)
        record["decision"] = judge(
            session,
            delivery,
            record["classification"],
            policy,
            received.now,
            status=recipient.status,
            diagnostic=recipient.diagnostic,
            feedback_type=received.report.feedback_type,
        )
        record_ids.append(_keep(session, record))  # the next one's soft count includes it
        decisions.append(record["decision"])
    session.flush()  # whatever the policy left in the session is written when intake returns
    attributed = sum(1 for _, delivery in targets if delivery is not None)
    return IngestResult(
        kind=received.report.kind,
        record_ids=tuple(record_ids),
        decisions=tuple(decisions),
        attributed=attributed,
        ignored=None if attributed else UNATTRIBUTED,
    )


def _keep(session: Session, record: dict[str, Any]) -> int:
    """Write one record, with its decision, in one INSERT; its id."""
    return int(session.execute(_KEEP_RECORD, record).scalar_one())


def _seen_before(session: Session, message_id: str | None) -> bool:
    """Whether a report with this Message-ID was kept already (a resend, or a replay)."""
    if not message_id:
        return False
    earlier = select(_BOUNCE_RECORDS.c.id).where(_BOUNCE_RECORDS.c.message_id == message_id)
    return session.execute(earlier.limit(1)).first() is not None


def _ignored(session: Session, received: _Received, token: str | None, why: str) -> IngestResult:
    """One record of a message that must change nothing (a forged token, a replay): counted."""
    first = received.report.recipients[0] if received.report.recipients else _NO_RECIPIENT
    record = received.record(first, None, token)
    if why == FORGED:
        record["token_valid"] = False
    record["decision"] = decision = f"ignored: {why}"
    return IngestResult(
        received.report.kind, (_keep(session, record),), (decision,), 0, ignored=why
    )


def _unsubscribe(session: Session, received: _Received, token: str, secret: str) -> IngestResult:
    """Mail to a delivery's List-Unsubscribe mailto: its contact leaves every list for good."""
    delivery_id = verp.read_token(token, secret)
    delivery = delivery_by_id(session, delivery_id) if delivery_id is not None else None
    if delivery is None:
        return _ignored(session, received, token, FORGED)
    decision = stop_all_mail(
        session,
        delivery.email,
        SuppressionReason.UNSUBSCRIBED,
        Channel.ONE_CLICK,
        source=f"delivery {delivery.id}",
        note="unsubscribe mail to the List-Unsubscribe address",
    )
    session.add(
        DeliveryEvent(
            delivery_id=delivery.id,
            kind=DeliveryEventKind.UNSUBSCRIBED,
            at=received.now,
            detail="mailto",
            data={"channel": Channel.ONE_CLICK.value},
        )
    )
    session.flush()
    return IngestResult(received.report.kind, (), (decision,), 1)


def _attribute(
    session: Session, report: ParsedReport, delivery: Sent | None
) -> list[tuple[RecipientStatus, Sent | None]]:
    """Each reported recipient with the delivery it answers, if one is found.

    The delivery named by the token, or else by our Message-ID, goes to the recipient
    with its address (or to the only one); other recipients get the latest delivery sent
    to their address.
    """
    recipients = report.recipients or (_NO_RECIPIENT,)
    known = delivery or delivery_by_message_id(session, report.original_message_id)
    mine = None
    if known is not None and len(recipients) == 1:
        mine = recipients[0]
    elif known is not None:
        mine = next((r for r in recipients if normalized_recipient(r.address) == known.email), None)
    return [
        (recipient, known if recipient is mine else latest_delivery_to(session, recipient.address))
        for recipient in recipients
    ]


def judge(
    session: Session,
    delivery: Sent | None,
    classification: BounceClass,
    policy: BouncePolicy,
    now: datetime,
    *,
    status: str | None,
    diagnostic: str | None,
    feedback_type: str | None = None,
) -> str:
    """The decision on one bounce, taken before its record is kept: the policy's, or why there is none."""
    if delivery is None:
        return f"recorded: {UNATTRIBUTED}"
    bounce = Bounce(
        classification=classification,
        email=delivery.email,
        delivery_id=delivery.id,
        status=status,
        diagnostic=diagnostic,
        feedback_type=feedback_type,
    )
    return apply_policy(session, bounce, policy, now)


def delivery_by_id(session: Session, delivery_id: int) -> Sent | None:
    """The delivery a VERP token names, if it is still there."""
    row = session.execute(_SENT_BY_ID, {"b_id": delivery_id}).first()
    return Sent(*row) if row is not None else None


def delivery_by_message_id(session: Session, message_id: str | None) -> Sent | None:
    """The delivery whose message carried this Message-ID (with its angle brackets)."""
    if not message_id:
        return None
    row = session.execute(
        select(Delivery.id, Delivery.email).where(Delivery.message_id == message_id)
    ).first()
    return Sent(*row) if row is not None else None


def latest_delivery_to(session: Session, address: str | None) -> Sent | None:
    """The delivery most recently sent to this address: where a bounce naming only it belongs."""
    email = normalized_recipient(address)
    if email is None:
        return None
    row = session.execute(
        select(Delivery.id, Delivery.email)
        .where(Delivery.email == email, Delivery.sent_at.is_not(None))
        .order_by(Delivery.sent_at.desc(), Delivery.id.desc())
        .limit(1)
    ).first()
    return Sent(*row) if row is not None else None


def _addressed_to(raw: bytes) -> list[str]:
    """The addresses in the headers that say where the message was delivered."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:_HEADER_BYTES], headersonly=True)
    values = [str(value) for name in _ADDRESSED_TO for value in headers.get_all(name, [])]
    return [address for _, address in getaddresses(values) if address]


def _token(addresses: Sequence[str], local: str) -> str | None:
    return next(
        (t for a in addresses if (t := verp.token_from_address(a, local)) is not None), None
    )


def normalized_recipient(address: str | None) -> str | None:
    """The address as deliveries and records keep it; a malformed one lower-cased as it is."""
    if not address:
        return None
    try:
        return parse_address(address).email
    except InvalidAddress:
        return address.strip().lower()[:320]
