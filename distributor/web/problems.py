"""RFC 9457 problem details: how the web app shows the errors people can act on."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import Request
from fastapi.responses import JSONResponse

from distributor.bounces.webhooks import WebhookUnavailable
from distributor.errors import (
    Conflict,
    DatabaseUnavailable,
    DistributorError,
    InvalidInput,
    NotFound,
    PermissionDenied,
)

MEDIA_TYPE = "application/problem+json"
# Checked in order: the first class the error is an instance of gives its status.
_STATUSES: tuple[tuple[type[DistributorError], HTTPStatus], ...] = (
    (InvalidInput, HTTPStatus.BAD_REQUEST),
    (PermissionDenied, HTTPStatus.FORBIDDEN),
    (NotFound, HTTPStatus.NOT_FOUND),
    (Conflict, HTTPStatus.CONFLICT),
    (DatabaseUnavailable, HTTPStatus.SERVICE_UNAVAILABLE),
    (WebhookUnavailable, HTTPStatus.SERVICE_UNAVAILABLE),
)


def problem(status: HTTPStatus, detail: str) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": status.phrase, "status": status.value, "detail": detail},
        status_code=status.value,
        media_type=MEDIA_TYPE,
    )


def status_of(error: DistributorError) -> HTTPStatus:
    return next(
        (status for kind, status in _STATUSES if isinstance(error, kind)),
        HTTPStatus.INTERNAL_SERVER_ERROR,
    )


async def distributor_error(request: Request, error: Exception) -> JSONResponse:
    """The exception handler for every DistributorError the routes let through."""
    assert isinstance(error, DistributorError)
    return problem(status_of(error), str(error))
