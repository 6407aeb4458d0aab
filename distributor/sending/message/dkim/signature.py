"""One DKIM-Signature field: a selector's key, with the tags that stay the same from message
to message written and folded once."""

from __future__ import annotations

import base64
from collections.abc import Iterable

from distributor.sending.message.dkim.canonical import relaxed_field
from distributor.sending.message.dkim.keys import SigningKey

LINE = 78  # RFC 5322's recommended line length; b= is cut shorter to stay within it
B_CHUNK = 72


class Signature:
    """Writes the DKIM-Signature of one selector for each message."""

    def __init__(self, selector: str, domain: str, key: SigningKey) -> None:
        self.selector = selector
        self.domain = domain
        self.key = key
        static = (
            f"v=1; a={key.algorithm};",
            "c=relaxed/relaxed;",
            f"d={domain};",
            f"s={selector};",
        )
        self._prefix = _fold("DKIM-Signature:", static)

    def field(self, names: str, header_data: bytes, body_hash: str, timestamp: int) -> bytes:
        """The field, CRLF-ended, signing `header_data` (the canonical signed fields) and the
        field itself with b= empty, as RFC 6376 section 3.7 has it."""
        first, *rest = names.split(":")
        atoms = [f"t={timestamp};", f"h={first}", *(f":{name}" for name in rest)]
        atoms[-1] += ";"
        unsigned = (_fold(self._prefix, [*atoms, f"bh={body_hash};"]) + "\r\n b=").encode("ascii")
        signed = header_data + relaxed_field(unsigned)
        value = base64.b64encode(self.key.sign(signed))
        lines = [value[start : start + B_CHUNK] for start in range(0, len(value), B_CHUNK)]
        return unsigned + b"\r\n ".join(lines) + b"\r\n"


def _fold(text: str, atoms: Iterable[str]) -> str:
    """`text` with `atoms` after it, each after a space (none before a ':' of h=), or after a
    fold where the line would pass LINE characters."""
    parts = [text]
    length = len(text) - text.rfind("\n") - 1
    for atom in atoms:
        glue = "" if atom.startswith(":") else " "
        if length + len(glue) + len(atom) > LINE:
            parts.append("\r\n " + atom)
            length = 1 + len(atom)
        else:
            parts.append(glue + atom)
            length += len(glue) + len(atom)
    return "".join(parts)
