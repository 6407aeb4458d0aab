"""Body parts encoded once per send-out and filled in per recipient.

A rendered release is literal text with a few placeholders for each recipient's
values. Quoted-printable lets a soft line break (`=` CRLF) stand anywhere without
changing the decoded text, so each literal piece is encoded once, a recipient's
values are encoded on their own, and the pieces are joined with soft breaks: the
part decodes to exactly the filled-in text, every line within 76 characters. A
7bit body needs no encoding at all. Text that is mostly non-ASCII (base64 is the
smaller encoding then) goes through `message.encode_part` per recipient.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from distributor.sending.message.mime import Part, encode_part, part_encoding

# A value longer than this, or one a 7bit body cannot carry, sends that one message
# through the general path; the template's lines leave room for values this long.
VALUE_MAX = 256
_SOFT_BREAK = "=\r\n"


def _qp(text: str) -> str:
    encoded = binascii.b2a_qp(text.encode("utf-8"), istext=True).decode("ascii")
    return encoded.replace("\n", "\r\n")


@dataclass(frozen=True)
class BodyTemplate:
    """One body part of a send-out: literal pieces encoded, placeholders left by name."""

    content_type: str
    boundary: str
    parts: tuple[str, ...]  # literal text at even positions, placeholder names at odd ones
    encoding: str | None  # "7bit" or "quoted-printable"; None: encode each message whole
    encoded: tuple[str, ...]  # the literal pieces, encoded (empty when encoding is None)

    @classmethod
    def of(cls, content_type: str, parts: Sequence[str], boundary: str) -> BodyTemplate:
        """Prepare `parts` (as `rendering.compose.Segments.parts`) for `boundary`'s message."""
        parts = tuple(part.replace("\r\n", "\n").replace("\r", "\n") for part in parts)
        parts = (*parts[:-1], parts[-1].removesuffix("\n"))
        widest = "".join(
            part if index % 2 == 0 else "x" * VALUE_MAX for index, part in enumerate(parts)
        )
        encoding = part_encoding(widest, boundary)
        if encoding != "7bit":  # base64 or not: judged by the literal text, not the room
            literal = "".join(parts[::2])
            encoding = "base64" if part_encoding(literal, boundary) == "base64" else encoding
        if encoding == "7bit":
            encoded = tuple(part.replace("\n", "\r\n") for part in parts[::2])
        elif encoding == "quoted-printable":
            encoded = tuple(_qp(part) for part in parts[::2])
        else:
            return cls(content_type, boundary, parts, None, ())
        return cls(content_type, boundary, parts, encoding, encoded)

    def fill(self, values: Mapping[str, str]) -> Part:
        """The encoded part with `values` in place of the placeholders."""
        names = self.parts[1::2]
        chosen = [values[name] for name in names]
        if self.encoding == "quoted-printable" and all(len(v) <= VALUE_MAX for v in chosen):
            pieces = [self.encoded[0]]
            for value, literal in zip(chosen, self.encoded[1:], strict=True):
                pieces += (_qp(value), literal)
            return Part(self._head() + _SOFT_BREAK.join(pieces))
        if self.encoding == "7bit" and all(self._fits_7bit(value) for value in chosen):
            pieces = [self.encoded[0]]
            for value, literal in zip(chosen, self.encoded[1:], strict=True):
                pieces += (value, literal)
            return Part(self._head() + "".join(pieces))
        text = list(self.parts)
        text[1::2] = chosen
        return encode_part(self.content_type, "".join(text), self.boundary)

    def _head(self) -> str:
        return (
            f'Content-Type: {self.content_type}; charset="utf-8"\r\n'
            f"Content-Transfer-Encoding: {self.encoding}\r\n\r\n"
        )

    def _fits_7bit(self, value: str) -> bool:
        return (
            len(value) <= VALUE_MAX
            and value.isascii()
            and "\n" not in value
            and "\r" not in value
            and "\x00" not in value
            and self.boundary not in value
        )
