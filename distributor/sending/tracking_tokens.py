"""Signed tokens of tracked links (`/c/<token>`) and open images (`/o/<token>.gif`).

A click token carries its delivery and its URL, signed together: the web app
redirects only to a URL one of our messages pointed to (never an open redirect),
and nothing is stored per link. An open token names only its delivery. Each kind
is signed under its own label, so neither can pass for the other, nor for a VERP
token made with the same secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

_SIGNATURE_BYTES = 12  # 96 bits, 16 base64url characters
_CLICK_LABEL = b"click:"
_OPEN_LABEL = b"open:"
_CLICK = re.compile(r"([0-9]{1,19})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{16})")
_OPEN = re.compile(r"([0-9]{1,19})-([A-Za-z0-9_-]{16})")


def encode_url(url: str) -> str:
    """The URL as a click token carries it: base64url without padding (done once per link)."""
    return base64.urlsafe_b64encode(url.encode("utf-8")).decode("ascii").rstrip("=")


def click_token(delivery_id: int, encoded_url: str, secret: str) -> str:
    """The token of one link (an `encode_url` result) in one delivery's message."""
    number = str(delivery_id)
    return f"{number}.{encoded_url}.{_signature(_CLICK_LABEL, f'{number}.{encoded_url}', secret)}"


def read_click_token(token: str, secret: str) -> tuple[int, str] | None:
    """(delivery id, URL) of a click token; None when it is malformed or its signature is wrong."""
    match = _CLICK.fullmatch(token)
    if match is None:
        return None
    number, encoded_url, signature = match.groups()
    expected = _signature(_CLICK_LABEL, f"{number}.{encoded_url}", secret)
    if not hmac.compare_digest(signature, expected):
        return None
    try:
        url = base64.urlsafe_b64decode(encoded_url + "=" * (-len(encoded_url) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(number), url


def open_token(delivery_id: int, secret: str) -> str:
    """The token of one delivery's open-counting image."""
    number = str(delivery_id)
    return f"{number}-{_signature(_OPEN_LABEL, number, secret)}"


def read_open_token(token: str, secret: str) -> int | None:
    """The delivery id of an open token; None when it is malformed or its signature is wrong."""
    match = _OPEN.fullmatch(token)
    if match is None:
        return None
    number, signature = match.groups()
    if not hmac.compare_digest(signature, _signature(_OPEN_LABEL, number, secret)):
        return None
    return int(number)


def _signature(label: bytes, payload: str, secret: str) -> str:
    digest = hmac.digest(secret.encode(), label + payload.encode("ascii"), hashlib.sha256)
    return base64.urlsafe_b64encode(digest[:_SIGNATURE_BYTES]).decode("ascii")
