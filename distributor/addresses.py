"""Email addresses as people type them, turned into the one normalized form used as identity."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

from distributor.errors import InvalidInput

MAX_LENGTH = 320


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
    # email-validator compiles its patterns when imported, which costs a command more than
    # its work: only code that checks an address pays for it.
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(raw, check_deliverability=check_deliverability)
    except EmailNotValidError as exc:
        raise InvalidAddress(str(exc)) from None
    return Address(email=result.normalized.lower(), original=raw, display_name=display_name.strip())


def normalized_address(email: str) -> str:
    """The identity form of an address a person typed, or InvalidInput saying why it is not one."""
    try:
        return parse_address(email).email
    except InvalidAddress as exc:
        raise InvalidInput(f"{email.strip()!r} is not an email address: {exc}") from None
