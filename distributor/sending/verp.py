"""VERP tokens: a signed name of a delivery, carried in the envelope sender and the unsubscribe mailto.

A bounce or an unsubscribe mail comes back to `bounces+<token>@<bounce domain>`
(or `unsubscribe+<token>@…`; a reply to `replies+<token>@…`, the configured reply
address tagged the same way); the token says which delivery it answers, and its
signature that we made it, so nobody can bounce or unsubscribe someone else's
delivery by guessing. Tokens use only lower-case letters and digits because some
MTAs lower-case local parts on the way back.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

_SIGNATURE_CHARS = 10  # base32: 50 bits, plenty against guessing one delivery's token
_TOKEN = re.compile(rf"([0-9a-z]{{1,13}})-([a-z2-7]{{{_SIGNATURE_CHARS}}})")
_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def make_token(delivery_id: int, secret: str) -> str:
    """The token naming `delivery_id`: its id in base 36 and a truncated HMAC-SHA256."""
    if delivery_id < 0:
        raise ValueError(f"delivery id must not be negative, got {delivery_id}")
    number = _base36(delivery_id)
    return f"{number}-{_signature(number, secret)}"


def read_token(token: str, secret: str) -> int | None:
    """The delivery id a token names, or None when it is malformed or its signature is wrong."""
    match = _TOKEN.fullmatch(token.strip().lower())
    if match is None:
        return None
    number, signature = match.groups()
    if not hmac.compare_digest(signature, _signature(number, secret)):
        return None
    return int(number, 36)


def return_path(token: str, domain: str) -> str:
    """The envelope sender (MAIL FROM) of a delivery: bounces come back to it."""
    return tagged_address(f"bounces@{domain}", token)


def unsubscribe_address(token: str, domain: str) -> str:
    """The address of a delivery's List-Unsubscribe mailto."""
    return tagged_address(f"unsubscribe@{domain}", token)


def tagged_address(address: str, token: str) -> str:
    """`address` carrying a delivery's token: `replies+<token>@domain` for `replies@domain`."""
    local, _, domain = address.rpartition("@")
    return f"{local}+{token}@{domain}"


def token_from_address(address: str, local: str = "bounces") -> str | None:
    """The token of `<local>+<token>@domain`, in any case and with or without angle brackets."""
    mailbox, at, _ = address.strip().strip("<>").rpartition("@")
    prefix, plus, token = mailbox.lower().partition("+")
    if not at or not plus or prefix != local.lower() or _TOKEN.fullmatch(token) is None:
        return None
    return token


def _signature(number: str, secret: str) -> str:
    # The "verp:" label keeps these MACs apart from anything else signed with the same secret.
    digest = hmac.new(secret.encode(), b"verp:" + number.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:_SIGNATURE_CHARS].lower()


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _DIGITS36[rest] + digits
        if not number:
            return digits
