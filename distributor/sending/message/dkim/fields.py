"""Which header fields a signature covers, and the bytes of them that are hashed.

The signed fields include List-Unsubscribe and List-Unsubscribe-Post, as Gmail and
Yahoo require for one-click unsubscribe: a relay cannot swap the link without
breaking the signature. `h=` names only fields the message has, once per instance.

The fields a reader sees or acts on (`OVERSIGNED`) are named once more than they
occur, as dkimpy's sign does for its frozen headers: the extra name stands for an
instance that is not there, so a copy added in transit (a second From, Subject or
unsubscribe link, which some clients show instead of ours) breaks the signature.
Fields a relay may legitimately add beside ours (Feedback-ID, which some sending
services add, and the MIME fields) are not over-signed.
"""

from __future__ import annotations

from collections.abc import Sequence

from distributor.sending.message.dkim.canonical import relaxed_field

SIGNED_HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Feedback-ID",
    "MIME-Version",
    "Content-Type",
    "Reply-To",
)
OVERSIGNED = frozenset(
    {
        b"from",
        b"to",
        b"subject",
        b"date",
        b"reply-to",
        b"list-unsubscribe",
        b"list-unsubscribe-post",
    }
)
_SIGNED = tuple(name.lower().encode("ascii") for name in SIGNED_HEADERS)


def signed_fields(fields: Sequence[tuple[bytes, bytes]]) -> tuple[str, bytes]:
    """The `h=` list and the canonical fields it names, each with CRLF, in its order.

    A name listed n times stands for its last n instances from the bottom up (RFC 6376
    5.4.2), which is the order the fields are hashed in here.
    """
    found: dict[bytes, list[bytes]] = {}
    for name, field in fields:
        if name in _SIGNED:
            found.setdefault(name, []).append(field)
    names: list[bytes] = []
    hashed: list[bytes] = []
    for name in _SIGNED:
        instances = found.get(name)
        if instances is None:
            continue
        names += [name] * (len(instances) + (name in OVERSIGNED))
        hashed += [relaxed_field(field) + b"\r\n" for field in reversed(instances)]
    return b":".join(names).decode("ascii"), b"".join(hashed)
