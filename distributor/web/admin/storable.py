"""Admin forms and queries hold only what the database can store: a NUL character (pasted
from another program, or sent on purpose) is refused naming the field it is in, where
PostgreSQL would have failed the request."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import Request

from distributor.web.sessions import PageRefused

_FORM = "application/x-www-form-urlencoded"


async def storable_input(request: Request) -> None:
    """Refuse (422) a query or a form field holding U+0000. Multipart forms are read by the
    routes that take uploads, under their own size caps, and check their own fields."""
    fields: list[tuple[str, object]] = list(request.query_params.multi_items())
    if request.headers.get("content-type", "").startswith(_FORM):
        fields += (await request.form()).multi_items()
    for name, value in fields:
        if isinstance(value, str) and "\x00" in value:
            raise PageRefused(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                f"The field “{name.replace('_', ' ')}” holds an invisible character that "
                "cannot be stored (U+0000, often pasted from another program). Type that "
                "field again and send the form once more.",
            )
