"""Forwarding a journalist's reply to the press contact, through the relay the sender uses.

The forward is a new message from our reply address, never in the journalist's
name (their domain's DMARC would fail, and we do not write someone else's From):
its Reply-To is the journalist, so answering it reaches them, and the reply
travels whole as an attachment. A sender that DKIM or SPF did not verify is
named as unverified in the subject, the note and X-Distributor-Sender-Verified.
Every header is written by the encoders of `distributor.sending.message.mime` from
text cleaned of line breaks. Inbound mail reads, checks and records the reply;
its door hands it `forward_reply`, so neither part imports the other.
"""

from __future__ import annotations

import base64
import re
import secrets
from email.utils import formatdate, parseaddr
from typing import Protocol

from distributor.config import Settings
from distributor.errors import ForwardDeferred, ForwardRefused
from distributor.sending.message.mime import encode_part, encode_text, format_address
from distributor.sending.transports.configured import create_transport
from distributor.sending.transports.outcomes import OutcomeKind

_LINE_BREAKS = re.compile(rb"\r\n|\r|\n")
_BODY_LINE_MAX = 998
_SUBJECT_PREFIX = "[Reply] "
_UNVERIFIED_PREFIX = "[Reply, sender unverified] "
VERIFIED_HEADER = "X-Distributor-Sender-Verified"


class ReplyToForward(Protocol):
    """What a forward needs of a journalist's reply, as inbound mail read it."""

    @property
    def delivery_id(self) -> int: ...
    @property
    def forward_to(self) -> str: ...  # the press contact
    @property
    def subject(self) -> str: ...  # one line, cleaned
    @property
    def author(self) -> tuple[str, str]: ...  # (name, address), cleaned
    @property
    def raw(self) -> bytes: ...


class SenderCheck(Protocol):
    """Whether the reply's sender was verified, and how (or why not), in the officer's words."""

    @property
    def verified(self) -> bool: ...
    @property
    def reason(self) -> str: ...


def forward_reply(reply: ReplyToForward, settings: Settings, authorship: SenderCheck) -> None:
    """Hand the forward of `reply` to the relay; raises ForwardDeferred or ForwardRefused."""
    envelope_from = parseaddr(settings.from_address)[1]  # its bounces reach the press office
    message = forward_message(reply, settings, authorship)
    with create_transport(settings) as transport:
        result = transport.send(envelope_from, [reply.forward_to], message)
    outcome = result.outcomes[reply.forward_to]
    if outcome.kind is OutcomeKind.FAILED:
        raise ForwardRefused(
            f"the relay refused the forward to {reply.forward_to}: {outcome.reply}"
        )
    if outcome.kind is not OutcomeKind.SENT:
        raise ForwardDeferred(f"the relay did not take the forward yet: {outcome.reply}")


def forward_message(reply: ReplyToForward, settings: Settings, authorship: SenderCheck) -> bytes:
    """The forward: from the reply address, to the press contact, Reply-To the journalist.

    An unverified sender is said in the subject, in a header and in the note above the reply.
    """
    name, address = reply.author
    office = parseaddr(settings.from_address)[0]
    sender = settings.reply_address
    boundary = f"=_{secrets.token_hex(16)}"
    who = f"{name} <{address}>" if name else address
    via = f"{name or address} via {office or 'replies'}"
    note = (
        f"{who} replied to the release (delivery {reply.delivery_id}).\n"
        "Answer this message to write back to them; their message is attached.\n"
    )
    prefix = _SUBJECT_PREFIX
    if not authorship.verified:
        prefix = _UNVERIFIED_PREFIX
        note = (
            f"Caution: nothing shows that this message comes from {address} "
            f"({authorship.reason}); anyone can write that address as the sender. "
            "Check before you rely on it.\n\n" + note
        )
    head = [
        f"Date: {formatdate(usegmt=True)}",
        f"From: {format_address('From', via, sender)}",
        f"To: {format_address('To', '', reply.forward_to)}",
        f"Reply-To: {format_address('Reply-To', name, address)}",
        f"Subject: {encode_text('Subject', prefix + (reply.subject or '(no subject)'))}",
        f"{VERIFIED_HEADER}: {'yes' if authorship.verified else 'no'}"
        f" ({encode_text(VERIFIED_HEADER, authorship.reason)})",
        f"Message-ID: <{secrets.token_hex(12)}@{sender.rpartition('@')[2]}>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
    ]
    parts = (
        encode_part("text/plain", note, boundary).data.encode("utf-8"),
        _attached(reply.raw, boundary),
    )
    crlf = b"\r\n"
    return (
        crlf.join(line.encode("utf-8") for line in head)
        + crlf
        + b"".join(crlf + b"--" + boundary.encode() + crlf + part for part in parts)
        + crlf
        + b"--"
        + boundary.encode()
        + b"--"
        + crlf
    )


def _attached(raw: bytes, boundary: str) -> bytes:
    """The reply as message/rfc822 when it can travel as it is; else as a base64 .eml file."""
    original = _LINE_BREAKS.sub(b"\r\n", raw)
    lines = original.split(b"\r\n")
    if (
        max(map(len, lines)) <= _BODY_LINE_MAX
        and b"\x00" not in original
        and boundary.encode() not in original
    ):
        encoding = "7bit" if original.isascii() else "8bit"
        return (
            b"Content-Type: message/rfc822\r\n"
            b"Content-Disposition: inline\r\n"
            b"Content-Transfer-Encoding: "
            + encoding.encode()
            + b"\r\n\r\n"
            + original.rstrip(b"\r\n")
        )
    encoded = base64.encodebytes(raw).replace(b"\n", b"\r\n").rstrip(b"\r\n")
    return (
        b'Content-Type: application/octet-stream; name="reply.eml"\r\n'
        b'Content-Disposition: attachment; filename="reply.eml"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + encoded
    )
