"""Field types the API's resources share: text a database can store, ids in its range.

Checked at the door so that odd input is a 422 naming the field, never a database error.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from distributor.errors import InvalidInput

# The largest id either database stores (PostgreSQL's integer); larger ones name nothing.
MAX_ID = 2**31 - 1


def storable(text: str) -> str:
    """`text` unless it holds a NUL (PostgreSQL refuses it) or a lone surrogate (not UTF-8)."""
    if "\x00" in text:
        raise ValueError("holds a NUL character, which cannot be stored; remove it")
    try:
        text.encode()
    except UnicodeEncodeError:
        raise ValueError("holds a lone surrogate, which is not valid Unicode text") from None
    return text


def release_reference(text: str) -> str:
    """A release's id (digits, in range) or slug, as `releases.store.get_release` takes it."""
    if text.isdigit() and int(text) > MAX_ID:
        raise ValueError(f"no release has an id above {MAX_ID}")
    return text


Text = Annotated[str, AfterValidator(storable)]
ReleaseRef = Annotated[str, AfterValidator(storable), AfterValidator(release_reference)]


def refuse_nul(raw: bytes, what: str) -> bytes:
    """`raw` unless it holds a NUL byte, which no text column can store."""
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise InvalidInput(f"{what}: line {line} holds a NUL byte; remove it")
    return raw
