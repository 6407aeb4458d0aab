"""Upload routes that stop reading a request body once it is larger than any allowed upload,
so an oversized file is refused without being received to its end."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import Message

_FORM_OVERHEAD = 64 * 1024  # the multipart framing and the form's small fields

# The largest file a route accepts, for this request (the settings may say).
Limit = Callable[[Request], int]
# The page that refuses a body over the limit, given the limit.
Refusal = Callable[[int], Response]


class _BodyTooLarge(HTTPException):
    """Raised while the body streams in, so an oversized upload is never read to its end."""


def capped_route(limit: Limit, refuse: Refusal) -> type[APIRoute]:
    """A route class whose bodies may be at most `limit` bytes of file (plus the form)."""

    class Capped(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handle = super().get_route_handler()

            async def capped(request: Request) -> Response:
                max_bytes = limit(request)
                received = 0

                async def receive() -> Message:
                    nonlocal received
                    message = await request.receive()
                    received += len(message.get("body", b""))
                    if received > max_bytes + _FORM_OVERHEAD:
                        raise _BodyTooLarge(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
                    return message

                try:
                    return await handle(Request(request.scope, receive))
                except _BodyTooLarge:
                    return refuse(max_bytes)

            return capped

    return Capped
