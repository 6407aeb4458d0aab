"""Every signed token the project issues, made and checked here, each kind under a purpose of its own.

All are signed with the signing key (`Settings.signing_key`), each under its own label
or derived key, so a token made for one use never passes for another:

- delivery token `<id in base 36>-<10 base32>`: names one delivery (stored as its
  `verp_token`). It is carried in the envelope sender (`bounces+<token>@…`), the
  List-Unsubscribe mailto (`unsubscribe+<token>@…`), the tagged Reply-To and the
  recipient's unsubscribe and preferences links: lower-case letters and digits
  only, since some MTAs lower-case local parts on the way back. HMAC-SHA256 over
  `verp:<id>`, 50 bits.
- click token `<id>.<URL in base64url>.<16 base64url>`: a tracked link's delivery and
  URL signed together, so a click leads only where one of our messages pointed; open
  token `<id>-<16 base64url>`: a delivery's open image. HMAC-SHA256 over `click:…`
  and `open:…`, 96 bits.
- sign-up confirmation, subscribe-again (after an unsubscribe), admin session cookie and
  held upload (a media kit file the composer stored before its release could be saved):
  JSON signed by itsdangerous's `URLSafeSerializer` under a salt of its own.
- early web version token `<delivery id in base 36>-<16 base64url>`: opens one release's
  web version before its embargo lifts, for the recipient of one delivery (their email's
  "View in your browser"). HMAC-SHA256 over `web:<release slug>:<id>`, 96 bits.
- media signature: `itsdangerous.Signer`'s (salt `media`, HMAC-SHA256) over
  `<release slug>/<file name>`.
- CSRF token: HMAC-SHA256 of the browser session's id under a key derived from the
  signing key with its salt, in hex.

Readers return None (or False) for anything malformed, altered or made for another
use, and never raise.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from functools import cache
from typing import Any

from itsdangerous import BadData, Signer, URLSafeSerializer

_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_DELIVERY_SIGNATURE_CHARS = 10  # base32: 50 bits, plenty against guessing one delivery's token
_DELIVERY = re.compile(rf"([0-9a-z]{{1,13}})-([a-z2-7]{{{_DELIVERY_SIGNATURE_CHARS}}})")
_TRACKING_SIGNATURE_BYTES = 12  # 96 bits, 16 base64url characters
_CLICK = re.compile(r"([0-9]{1,19})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{16})")
_OPEN = re.compile(r"([0-9]{1,19})-([A-Za-z0-9_-]{16})")
_EARLY_WEB = re.compile(r"([0-9a-z]{1,13})-([A-Za-z0-9_-]{16})")
# The salts each use has had since its first token, kept as they are on the wire.
_SIGNUP_SALT = b"distributor.signup"
_AGAIN_SALT = b"distributor.subscribe-again"
_SESSION_SALT = b"distributor.web.session"
_MEDIA_SALT = b"media"
_CSRF_SALT = b"distributor.web.csrf"
_NOTICE_SALT = b"distributor.web.notice"
_HELD_UPLOAD_SALT = b"distributor.web.held-upload"
_SECOND_STEP_SALT = b"distributor.web.second-step"


# Delivery tokens, and the mail addresses that carry them.


def delivery_token(delivery_id: int, secret: str) -> str:
    """The token naming `delivery_id`: its id in base 36 and a truncated HMAC-SHA256."""
    if delivery_id < 0:
        raise ValueError(f"delivery id must not be negative, got {delivery_id}")
    number = _base36(delivery_id)
    return f"{number}-{_delivery_signature(number, secret)}"


def read_delivery_token(token: str, secret: str) -> int | None:
    """The delivery id a token names, in any case; None when it is malformed or not ours."""
    match = _DELIVERY.fullmatch(token.strip().lower())
    if match is None:
        return None
    number, signature = match.groups()
    if not hmac.compare_digest(signature, _delivery_signature(number, secret)):
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
    if not at or not plus or prefix != local.lower() or _DELIVERY.fullmatch(token) is None:
        return None
    return token


def _delivery_signature(number: str, secret: str) -> str:
    digest = hmac.digest(secret.encode(), b"verp:" + number.encode(), hashlib.sha256)
    return base64.b32encode(digest).decode("ascii")[:_DELIVERY_SIGNATURE_CHARS].lower()


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _DIGITS36[rest] + digits
        if not number:
            return digits


# Tracked links and open images.


def encode_url(url: str) -> str:
    """The URL as a click token carries it: base64url without padding (done once per link)."""
    return _b64encode(url.encode("utf-8"))


def click_token(delivery_id: int, encoded_url: str, secret: str) -> str:
    """The token of one link (an `encode_url` result) in one delivery's message."""
    payload = f"{delivery_id}.{encoded_url}"
    return f"{payload}.{_tracking_signature(b'click:', payload, secret)}"


def read_click_token(token: str, secret: str) -> tuple[int, str] | None:
    """(delivery id, URL) of a click token; None when it is malformed or not ours."""
    match = _CLICK.fullmatch(token)
    if match is None:
        return None
    number, encoded_url, signature = match.groups()
    expected = _tracking_signature(b"click:", f"{number}.{encoded_url}", secret)
    if not hmac.compare_digest(signature, expected):
        return None
    try:
        url = _b64decode(encoded_url).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(number), url


def open_token(delivery_id: int, secret: str) -> str:
    """The token of one delivery's open-counting image."""
    number = str(delivery_id)
    return f"{number}-{_tracking_signature(b'open:', number, secret)}"


def read_open_token(token: str, secret: str) -> int | None:
    """The delivery id of an open token; None when it is malformed or not ours."""
    match = _OPEN.fullmatch(token)
    if match is None:
        return None
    number, signature = match.groups()
    if not hmac.compare_digest(signature, _tracking_signature(b"open:", number, secret)):
        return None
    return int(number)


def _tracking_signature(label: bytes, payload: str, secret: str) -> str:
    digest = hmac.digest(secret.encode(), label + payload.encode("ascii"), hashlib.sha256)
    return _b64encode(digest[:_TRACKING_SIGNATURE_BYTES])


# The web version of an embargoed release, for one recipient.


def early_web_token(slug: str, delivery_id: int, secret: str) -> str:
    """The token that opens release `slug`'s web version early for delivery `delivery_id`."""
    number = _base36(delivery_id)
    return f"{number}-{_early_web_signature(slug, number, secret)}"


def read_early_web_token(slug: str, token: str, secret: str) -> int | None:
    """The delivery id of a token made for release `slug`; None when it is malformed or not ours."""
    match = _EARLY_WEB.fullmatch(token)
    if match is None:
        return None
    number, signature = match.groups()
    if not _equal(signature, _early_web_signature(slug, number, secret)):
        return None
    return int(number, 36)


def _early_web_signature(slug: str, number: str, secret: str) -> str:
    digest = hmac.digest(secret.encode(), f"web:{slug}:{number}".encode(), hashlib.sha256)
    return _b64encode(digest[:_TRACKING_SIGNATURE_BYTES])


# Sign-up confirmations and session cookies: signed JSON.


def signup_token(payload: Any, secret: str) -> str:
    """A sign-up confirmation token carrying `payload` (JSON-serialisable)."""
    return _signed_json(payload, _SIGNUP_SALT, secret)


def read_signup_token(token: str, secret: str) -> Any:
    """The payload of a sign-up confirmation token; None when it is malformed or not ours."""
    return _read_json(token, _SIGNUP_SALT, secret)


def subscribe_again_token(payload: Any, secret: str) -> str:
    """A token that lets the reader of one unsubscribe answer undo it, carrying `payload`."""
    return _signed_json(payload, _AGAIN_SALT, secret)


def read_subscribe_again_token(token: str, secret: str) -> Any:
    """The payload of a subscribe-again token; None when it is malformed or not ours."""
    return _read_json(token, _AGAIN_SALT, secret)


def session_cookie(payload: Any, secret: str) -> str:
    """An admin session cookie's value carrying `payload` (JSON-serialisable)."""
    return _signed_json(payload, _SESSION_SALT, secret)


def read_session_cookie(value: str, secret: str) -> Any:
    """The payload of a session cookie; None when it is malformed or not ours."""
    return _read_json(value, _SESSION_SALT, secret)


def second_step_cookie(payload: Any, secret: str) -> str:
    """The cookie of a browser past the password and not yet past the code, carrying `payload`."""
    return _signed_json(payload, _SECOND_STEP_SALT, secret)


def read_second_step_cookie(value: str, secret: str) -> Any:
    """The payload of a second-step cookie; None when it is malformed or not ours."""
    return _read_json(value, _SECOND_STEP_SALT, secret)


def held_upload_token(payload: Any, secret: str) -> str:
    """A composer form's token for a stored upload waiting for its release to be saved."""
    return _signed_json(payload, _HELD_UPLOAD_SALT, secret)


def read_held_upload_token(token: str, secret: str) -> Any:
    """The payload of a held upload token; None when it is malformed or not ours."""
    return _read_json(token, _HELD_UPLOAD_SALT, secret)


def notice_cookie(message: str, secret: str) -> str:
    """A one-time admin notice ("Send-out scheduled") carried over a redirect, signed so that
    no other site can make the admin say something."""
    return _signed_json(message, _NOTICE_SALT, secret)


def read_notice_cookie(value: str, secret: str) -> str | None:
    """The notice in a notice cookie; None when it is forged or malformed."""
    message = _read_json(value, _NOTICE_SALT, secret)
    return message if isinstance(message, str) else None


def _signed_json(payload: Any, salt: bytes, secret: str) -> str:
    return URLSafeSerializer(secret, salt=salt).dumps(payload)


def _read_json(token: str, salt: bytes, secret: str) -> Any:
    try:
        return URLSafeSerializer(secret, salt=salt).loads(token)
    except BadData:  # a bad signature, or a payload that does not decode
        return None


# Media signatures.


def media_signature(slug: str, name: str, secret: str) -> str:
    """The signature that opens the media file `name` of release `slug` before its embargo."""
    return _media_signer(secret).get_signature(_media_file(slug, name)).decode("ascii")


def media_signature_opens(slug: str, name: str, signature: str, secret: str) -> bool:
    """Whether `signature` was made by `media_signature` for this very file."""
    return _media_signer(secret).verify_signature(_media_file(slug, name), signature.encode())


def _media_signer(secret: str) -> Signer:
    return Signer(secret, salt=_MEDIA_SALT, digest_method=hashlib.sha256)


def _media_file(slug: str, name: str) -> bytes:
    # Neither a slug nor a kit name holds "/": the pair reads back one way only.
    return f"{slug}/{name}".encode()


# CSRF tokens.


def csrf_token(session_id: str, secret: str) -> str:
    """The token the admin forms of the browser session `session_id` carry."""
    return hmac.new(_csrf_key(secret), session_id.encode(), hashlib.sha256).hexdigest()


def csrf_token_valid(session_id: str, token: str, secret: str) -> bool:
    """Whether `token` is the one `csrf_token` made for this browser session."""
    return _equal(token, csrf_token(session_id, secret))


@cache
def _csrf_key(secret: str) -> bytes:
    return hmac.digest(secret.encode(), _CSRF_SALT, hashlib.sha256)


# Shared pieces.


def _equal(given: str, expected: str) -> bool:
    """Constant-time comparison of a received token with an ASCII one made here."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("ascii"))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
