"""Journalists' replies that reach the reply address: who wrote, about what, and for whom.

Mail to `replies+<token>@…` (DISTRIBUTOR_REPLY_ADDRESS tagged with a delivery's
token) that is neither a bounce, a complaint nor an auto-reply is a person
answering a release. Intake reads it into a `Reply`: the press contact it goes
to, and what the delivery's history keeps of it (its subject and sender, never
its body). The receiver forwards it and only then records it (`record_reply`),
so a reply the relay cannot take yet stays in the spool; beyond the hour's
forwards per delivery and per sender (`may_forward`) it is recorded only.
Inbound mail never sends: whoever runs intake hands `pass_on` a `Forwarder`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import default
from email.utils import getaddresses, parseaddr
from typing import Protocol

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from distributor.addresses import InvalidAddress, parse_address
from distributor.bounces.authorship import Authorship, TxtLookup, check_authorship, lookup_txt
from distributor.config import Settings
from distributor.models import DeliveryEvent, DeliveryEventKind, ReleaseContact, SendOut, utcnow

_HEADER_BYTES = 64 * 1024
_TEXT_CHARS = 200  # of a subject or a name: what a history line and a header need
# What a header cannot carry (see `sending.message.mime`): replaced, so that it never reaches ours.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]+")
_SPACES = re.compile(r"\s+")
_REPLY_KINDS = (DeliveryEventKind.REPLIED, DeliveryEventKind.REPLIED_UNVERIFIED)
_FORWARD_WINDOW = timedelta(hours=1)  # DISTRIBUTOR_REPLY_FORWARDS_PER_* count this far back


@dataclass(frozen=True)
class Reply:
    """A journalist's reply to one delivery, ready to forward and then to record."""

    delivery_id: int
    forward_to: str  # the release's press contact, or the fallback address
    subject: str  # one line, cleaned: safe for a header
    author: tuple[str, str]  # (name, address) of who wrote, cleaned; the address is valid
    raw: bytes = field(repr=False)


class Forwarder(Protocol):
    """Hands a reply's forward to the relay; raises ForwardDeferred (try again later) or
    ForwardRefused (for good). `authorship` says whether its sender was verified."""

    def __call__(self, reply: Reply, settings: Settings, authorship: Authorship) -> None: ...


def pass_on(
    reply: Reply,
    engine: Engine,
    settings: Settings,
    forward: Forwarder,
    *,
    dns: TxtLookup = lookup_txt,
) -> bool:
    """Forward `reply` if it is within the hour's limits, then record it on its delivery's
    history; whether it was forwarded. A sender no DKIM signature or SPF pass vouches for
    (`dns` looks up DKIM keys) is named as unverified in the forward and in the record.

    Raises ForwardDeferred or ForwardRefused before anything is recorded: whoever
    holds the reply keeps it. A crash between the two forwards it twice rather than never.
    """
    authorship = check_authorship(
        reply.raw, reply.author[1], dns=dns, authserv_id=settings.reply_authserv_id
    )
    with Session(engine) as session:
        forwarding = may_forward(session, reply, settings, utcnow())
    if forwarding:
        forward(reply, settings, authorship)
    with Session(engine) as session:
        record_reply(session, reply, utcnow(), verified=authorship.verified, forwarded=forwarding)
        session.commit()
    return forwarding


def read_reply(
    session: Session,
    raw: bytes,
    *,
    delivery_id: int,
    delivery_email: str,
    sendout_id: int | None,
    settings: Settings,
) -> Reply:
    """The reply `raw` to a delivery; whatever its headers hold, never raises for them."""
    headers = _headers(raw)
    name, address = _author(_text(headers, "from"))
    try:
        address = parse_address(address).email
    except InvalidAddress:  # a From we cannot answer: the address we sent to can be
        address = delivery_email
    return Reply(
        delivery_id=delivery_id,
        forward_to=press_contact(session, sendout_id) or fallback_recipient(settings),
        subject=clean_text(_text(headers, "subject")),
        author=(clean_text(name), address),
        raw=raw,
    )


def press_contact(session: Session, sendout_id: int | None) -> str | None:
    """The first media contact with an email of the release a send-out sent."""
    if sendout_id is None:
        return None
    return session.scalar(
        select(ReleaseContact.email)
        .join(SendOut, SendOut.release_id == ReleaseContact.release_id)
        .where(SendOut.id == sendout_id, ReleaseContact.email.is_not(None))
        .where(ReleaseContact.email != "")
        .order_by(ReleaseContact.position, ReleaseContact.id)
        .limit(1)
    )


def fallback_recipient(settings: Settings) -> str:
    """Where replies go when the release names no press contact: REPLY_FORWARD_TO, else From."""
    return settings.reply_forward_to or parseaddr(settings.from_address)[1]


def record_reply(
    session: Session, reply: Reply, now: datetime, *, verified: bool = True, forwarded: bool = True
) -> None:
    """Put the reply on its delivery's history: its subject and sender, not its body.

    A reply whose sender was not verified is a REPLIED_UNVERIFIED event, which no
    follow-up or segment counts as a reaction.
    """
    kind = DeliveryEventKind.REPLIED if verified else DeliveryEventKind.REPLIED_UNVERIFIED
    session.add(
        DeliveryEvent(
            delivery_id=reply.delivery_id,
            kind=kind,
            at=now,
            detail=reply.subject or None,
            data={"from": reply.author[1], "forwarded": forwarded},
        )
    )


def may_forward(session: Session, reply: Reply, settings: Settings, now: datetime) -> bool:
    """Whether `reply` is within the hour's forwards to its delivery and from its sender.

    Counted from the recorded replies, so every intake process sees the same count; two
    processes deciding at the same moment may each forward one more.
    """
    forwarded = (
        DeliveryEvent.kind.in_(_REPLY_KINDS),
        DeliveryEvent.at > now - _FORWARD_WINDOW,
        DeliveryEvent.data["forwarded"].as_boolean().is_(True),
    )
    to_delivery = session.scalar(
        select(func.count())
        .select_from(DeliveryEvent)
        .where(*forwarded, DeliveryEvent.delivery_id == reply.delivery_id)
    )
    if (to_delivery or 0) >= settings.reply_forwards_per_delivery:
        return False
    from_sender = session.scalar(
        select(func.count())
        .select_from(DeliveryEvent)
        .where(*forwarded, DeliveryEvent.data["from"].as_string() == reply.author[1])
    )
    return (from_sender or 0) < settings.reply_forwards_per_sender


def clean_text(text: str) -> str:
    """`text` as one line a header can carry: controls and line breaks become spaces."""
    return _SPACES.sub(" ", _UNSAFE.sub(" ", text)).strip()[:_TEXT_CHARS].strip()


def _headers(raw: bytes) -> Message:
    return BytesHeaderParser(policy=default).parsebytes(raw[:_HEADER_BYTES], headersonly=True)


def _text(headers: Message, name: str) -> str:
    """A header's decoded text, or "" when it is missing or too broken to read."""
    try:
        return str(headers.get(name, ""))
    except Exception:  # the email package raises on some malformed headers
        return ""


def _author(value: str) -> tuple[str, str]:
    found = [(name, address) for name, address in getaddresses([value]) if address]
    return found[0] if found else ("", "")
