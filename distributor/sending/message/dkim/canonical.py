"""RFC 6376's relaxed canonicalisation (section 3.4.2 and 3.4.4) of header fields and body.

Line ends are read as the SMTP client will send them (CRLF, bare LF or bare CR each
become CRLF on the wire, as `smtplib` does), so the signature covers what is received.
"""

from __future__ import annotations

import re

WHITESPACE = re.compile(rb"[ \t]+")
LINE_END_WHITESPACE = re.compile(rb"[ \t]+(?=\n|\Z)")
FIELD_START = re.compile(rb"\n(?![ \t])")  # a line that does not continue a folded field


class MessageFormatError(ValueError):
    """The message cannot be signed as it stands: a header line that is not a field."""


def split_message(data: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The header fields as (lower-case name, whole raw field) in order, and the raw body.

    Both use LF line ends; the raw field keeps its folds.
    """
    text = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if text.startswith(b"\n"):
        return [], text[1:]
    head, _, body = text.partition(b"\n\n")
    fields = []
    for field in FIELD_START.split(head.rstrip(b"\n")):
        name, colon, _ = field.partition(b":")
        if not colon or not name.strip(b" \t") or name[:1] in b" \t":
            shown = field[:60].decode("utf-8", "replace")
            raise MessageFormatError(f"a header line is not a field (no name and colon): {shown!r}")
        fields.append((name.rstrip(b" \t").lower(), field))
    return fields, body


def relaxed_field(field: bytes) -> bytes:
    """`name:value` with the name in lower case, folds undone and runs of blanks made one space.

    No line end: the caller adds CRLF, or not for the DKIM-Signature field itself.
    """
    name, _, value = field.partition(b":")
    value = WHITESPACE.sub(b" ", value.replace(b"\n", b"")).strip(b" \t")
    return name.rstrip(b" \t").lower() + b":" + value


def relaxed_body(body: bytes) -> bytes:
    """Blanks at line ends gone, other runs of blanks one space, empty lines at the end gone,
    CRLF line ends; an empty body stays empty."""
    body = WHITESPACE.sub(b" ", LINE_END_WHITESPACE.sub(b"", body)).rstrip(b"\n")
    return body.replace(b"\n", b"\r\n") + b"\r\n" if body else b""
