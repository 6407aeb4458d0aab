"""RFC 6376's relaxed canonicalisation (sections 3.4.2 and 3.4.4) of header fields and body.

The message is first given CRLF line ends throughout (`with_crlf`): verifiers disagree on
bare CRs and LFs, and the email package writes bare LFs. The
work is done with `bytes` methods and one regular expression with a literal start, a
few passes in C over the message: an expression that must be tried at every position
(`[ \t]+`) costs more than the RSA signature on a whole body.
"""

from __future__ import annotations

import re

LINE_ENDS = re.compile(rb"\r\n|\r|\n")
FIELD_START = re.compile(rb"\r\n(?![ \t])")  # a line that does not continue a folded field
SPACES = re.compile(rb"  +")  # a literal start: the search skips ahead in C, unlike `[ \t]+`


class MessageFormatError(ValueError):
    """The message cannot be signed as it stands: a header line that is not a field."""


def with_crlf(data: bytes) -> bytes:
    """`data` with every line ended by CRLF, a bare CR or LF made one, the last line too, as
    RFC 5322 has it and `smtplib` sends text: every verifier then reads the same lines."""
    crlf = data.count(b"\r\n")
    if data.count(b"\n") != crlf or data.count(b"\r") != crlf:
        data = LINE_ENDS.sub(b"\r\n", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def split_message(data: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The header fields as (lower-case name, whole raw field) in order, and the raw body, of
    a message `with_crlf`; a raw field keeps its folds."""
    if data.startswith(b"\r\n"):
        return [], data[2:]
    head, _, body = data.partition(b"\r\n\r\n")
    fields = []
    for field in FIELD_START.split(head.removesuffix(b"\r\n")):
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
    value = _one_space(value.replace(b"\r\n", b"")).strip(b" ")
    return name.rstrip(b" \t").lower() + b":" + value


def relaxed_body(body: bytes) -> bytes:
    """Blanks at line ends gone, other runs of blanks one space, empty lines at the end gone,
    a CRLF at the end; an empty body stays empty."""
    body = _one_space(body)
    if b" \r\n" in body:  # looking costs far less than a replace that finds nothing
        body = body.replace(b" \r\n", b"\r\n")
    body = body.rstrip(b" ").rstrip(b"\r\n")
    return body + b"\r\n" if body else b""


def _one_space(text: bytes) -> bytes:
    """Each run of spaces and tabs made one space: tabs made spaces, then runs of spaces one."""
    if b"\t" in text:
        text = text.replace(b"\t", b" ")
    return SPACES.sub(b" ", text) if b"  " in text else text
