"""Email addresses as people type them, turned into the one normalized form used as identity."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr
from functools import lru_cache

from distributor.errors import InvalidInput

MAX_LENGTH = 320
# The common address: an ASCII dot-atom before the @, host name labels after it. Its
# local part is valid as written, so only its domain needs email-validator's judgement.
_ATOM = r"[a-zA-Z0-9_!#$%&'*+\-/=?^`{|}~]+"
_PLAIN = re.compile(rf"({_ATOM}(?:\.{_ATOM})*)@([a-zA-Z0-9.-]+)")
_PLAIN_MAX = 64, 254  # RFC 5321's longest local part and address


class InvalidAddress(ValueError):
    """The text is not a usable email address; the message says why."""


@dataclass(frozen=True)
class Address:
    email: str  # normalized: the identity used for dedupe and suppression
    original: str  # the address as it was written, without a display name
    display_name: str  # "Jane Doe" from `"Jane Doe" <jane@paper.example>`, or ""


def parse_address(text: str, *, check_deliverability: bool = False) -> Address:
    """Parse `text` (a bare address, `Name <addr>`, or `mailto:addr`) and normalize it.

    The normalized form has its domain in Unicode NFC as email-validator gives it,
    and the whole address lower-cased: mailbox providers treat local parts
    case-insensitively, and two rows differing only in case are one journalist.
    """
    raw = text.strip()
    if not raw:
        raise InvalidAddress("the address is empty")
    if any(c in raw for c in "\r\n\x00"):
        raise InvalidAddress("the address contains a line break or NUL byte")
    if len(raw) > 2 * MAX_LENGTH:
        raise InvalidAddress(f"the address is {len(raw)} characters long")
    display_name = ""
    if "<" in raw or '"' in raw:
        display_name, raw = parseaddr(raw)
        if not raw:
            raise InvalidAddress(f"cannot find an address in {text.strip()!r}")
    if raw.lower().startswith("mailto:"):
        raw = raw[len("mailto:") :]
    email = None if check_deliverability else _plain(raw)
    if email is None:
        # email-validator compiles its patterns when imported, which costs a command more
        # than its work: only code that checks an address pays for it.
        from email_validator import EmailNotValidError, validate_email

        try:
            email = validate_email(raw, check_deliverability=check_deliverability).normalized
        except EmailNotValidError as exc:
            raise InvalidAddress(str(exc)) from None
    return Address(email=email.lower(), original=raw, display_name=display_name.strip())


def _plain(raw: str) -> str | None:
    """The normalized form of a plain address, its domain checked once per domain; None otherwise.

    email-validator spends most of its time on the domain, and a contact file names
    a few hundred domains over thousands of rows. Anything else (quoted or
    internationalized local parts, too long, a domain it rejects) goes through
    email-validator whole, so its answer and its error messages stay the only ones.
    """
    match = _PLAIN.fullmatch(raw)
    if match is None or len(match[1]) > _PLAIN_MAX[0] or len(raw) > _PLAIN_MAX[1]:
        return None
    domain = _valid_domain(match[2])
    return None if domain is None else f"{match[1]}@{domain}"


@lru_cache(maxsize=4096)
def _valid_domain(domain: str) -> str | None:
    """The domain as email-validator normalizes it, or None when it rejects it."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(f"a@{domain}", check_deliverability=False).domain
    except EmailNotValidError:
        return None


def normalized_address(email: str) -> str:
    """The identity form of an address a person typed, or InvalidInput saying why it is not one."""
    try:
        return parse_address(email).email
    except InvalidAddress as exc:
        raise InvalidInput(f"{email.strip()!r} is not an email address: {exc}") from None
