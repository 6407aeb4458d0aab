"""Pages of a collection: `?limit=` and an opaque `?cursor=`, answered as `{"items", "next"}`
with a `Link: <…>; rel="next"` header.

The services page by offset, so a cursor carries an offset; it is opaque so that a
service can move to keyset paging without changing what clients do.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel, Field

from distributor.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# No collection is this long; a larger offset is a forged cursor.
MAX_OFFSET = 2**31 - 1
_PREFIX = "o:"

Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    next: str | None = Field(
        description="The cursor of the next page (pass it as `?cursor=`); null on the last page.",
        examples=["bzo1MA"],
    )


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The offset a cursor from `encode_cursor` carries, or InvalidInput."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    digits = text.removeprefix(_PREFIX)
    if not text.startswith(_PREFIX) or not digits.isascii() or not digits.isdigit():
        raise InvalidInput(
            f"cursor {cursor[:40]!r} is not one this API gave; use the `next` value of the "
            "previous page, or leave the cursor out to start from the first page"
        )
    offset = int(digits)
    if offset > MAX_OFFSET:
        raise InvalidInput(f"cursor {cursor[:40]!r} points past any collection; start again")
    return offset


@dataclass(frozen=True)
class PageRequest:
    """Which slice of a collection a request asks for."""

    limit: int
    offset: int

    @property
    def fetch(self) -> int:
        """How many rows to ask the service for: one more than the page shows, to know if
        another page follows."""
        return self.limit + 1

    def answer(self, request: Request, response: Response, rows: Sequence[Any]) -> dict[str, Any]:
        """The page of `rows` (fetched with `fetch` from `offset`), its cursor and Link header."""
        following = encode_cursor(self.offset + self.limit) if len(rows) > self.limit else None
        if following is not None:
            url = request.url.include_query_params(cursor=following)
            response.headers["Link"] = f'<{url}>; rel="next"'
        return {"items": list(rows[: self.limit]), "next": following}


def page_request(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}.")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(max_length=100, description="The `next` value of the previous page."),
    ] = None,
) -> PageRequest:
    return PageRequest(limit, 0 if cursor is None else decode_cursor(cursor))


Paging = Annotated[PageRequest, Depends(page_request)]
