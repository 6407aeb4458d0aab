"""Upload routes that stop reading a request body once it is larger than any allowed upload,
so an oversized file is refused without being received to its end.

A route may answer such a body with its own form again rather than a bare refusal: it is
given the fields that came before the file (the first `KEPT_BYTES` of the body, read
while it streamed in), the file's name and the body's declared size, so what was typed
comes back with a word beside the file; the rest of the body is never read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from contextlib import suppress
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.types import Message

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

_FORM_OVERHEAD = 64 * 1024  # the multipart framing and the form's small fields
# The `max_body_size` of a router of capped routes: FastAPI's own limit stands aside for
# the route's, which follows the settings.
SELF_CAPPED = 1 << 62
KEPT_BYTES = 1024 * 1024  # of an oversized body, for the fields before its file

# The largest file a route accepts, for this request (the settings may say).
Limit = Callable[[Request], int]
# The page that refuses a body over the limit, given the limit.
Refusal = Callable[[int], Response]


@dataclass(frozen=True)
class Oversized:
    """A body refused for its size: the fields the form sent before its file, the file's
    name, and about how large the file is (None when the body does not say its size)."""

    max_bytes: int
    fields: FormData
    filename: str
    file_size: int | None


# The page that answers an oversized body from what came before its file.
FormRefusal = Callable[[Request, Oversized], Awaitable[Response]]


class _BodyTooLarge(HTTPException):
    """Raised while the body streams in, so an oversized upload is never read to its end."""


def capped_route(
    limit: Limit, refuse: Refusal, refill: FormRefusal | None = None
) -> type[APIRoute]:
    """A route class whose bodies may be at most `limit` bytes of file (plus the form); a
    larger one is answered by `refill` when given, else by `refuse`."""

    class Capped(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handle = super().get_route_handler()

            async def capped(request: Request) -> Response:
                max_bytes = limit(request)
                received = 0
                kept = bytearray()

                async def receive() -> Message:
                    nonlocal received
                    message = await request.receive()
                    body = message.get("body", b"")
                    received += len(body)
                    if refill is not None and len(kept) < KEPT_BYTES:
                        kept.extend(body[: KEPT_BYTES - len(kept)])
                    if received > max_bytes + _FORM_OVERHEAD:
                        raise _BodyTooLarge(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
                    return message

                try:
                    return await handle(Request(request.scope, receive))
                except _BodyTooLarge:
                    if refill is None:
                        return refuse(max_bytes)
                    fields, filename, offset = fields_before_file(
                        request.headers.get("content-type", ""), bytes(kept)
                    )
                    declared = request.headers.get("content-length", "")
                    size = int(declared) - offset if declared.isdigit() else None
                    return await refill(request, Oversized(max_bytes, fields, filename, size))

            return capped

    return Capped


def fields_before_file(content_type: str, start: bytes) -> tuple[FormData, str, int]:
    """The text fields complete in `start`, the beginning of a multipart body, the name of
    the file that did not end in it ("" when none) and where its bytes begin; nothing for
    another kind of body."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        return FormData(), "", 0
    fields: list[tuple[str, str | UploadFile]] = []
    part: dict[str, Any] = {}

    def header_field(data: bytes, begin: int, end: int) -> None:
        part["header"] = part.get("header", b"") + data[begin:end]

    def header_value(data: bytes, begin: int, end: int) -> None:
        part["value"] = part.get("value", b"") + data[begin:end]

    def header_end() -> None:
        if part.pop("header", b"").lower() == b"content-disposition":
            _, disposition = parse_options_header(part.pop("value", b""))
            part["name"] = disposition.get(b"name", b"").decode("utf-8", "replace")
            if b"filename" in disposition:
                part["filename"] = disposition[b"filename"].decode("utf-8", "replace")
        part.pop("value", None)

    def part_data(data: bytes, begin: int, end: int) -> None:
        part.setdefault("from", begin)  # `data` is all of `start`: one write
        part["data"] = part.get("data", b"") + data[begin:end]

    def part_end() -> None:
        if "filename" not in part and part.get("name"):
            fields.append((part["name"], part.get("data", b"").decode("utf-8", "replace")))
        part.clear()

    callbacks: MultipartCallbacks = {
        "on_header_field": header_field,
        "on_header_value": header_value,
        "on_header_end": header_end,
        "on_part_data": part_data,
        "on_part_end": part_end,
    }
    with suppress(FormParserError):  # what was read before the body stopped making sense
        MultipartParser(boundary, callbacks).write(start)
    return FormData(fields), str(part.get("filename", "")), int(part.get("from", len(start)))
