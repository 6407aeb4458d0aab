"""RFC 9457 problem details: how the web app shows the errors people can act on."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from distributor.bounces import WebhookUnavailable
from distributor.errors import (
    Busy,
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
    (Busy, HTTPStatus.SERVICE_UNAVAILABLE),
    (WebhookUnavailable, HTTPStatus.SERVICE_UNAVAILABLE),
)


def problem(
    status: HTTPStatus,
    detail: str,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    return JSONResponse(
        {
            "type": "about:blank",
            "title": status.phrase,
            "status": status.value,
            "detail": detail,
            **extensions,
        },
        status_code=status.value,
        headers=headers,
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
    return problem(status_of(error), str(error), **error.details())


async def http_error(request: Request, error: Exception) -> JSONResponse:
    """The exception handler for HTTP errors (unknown path, 401, 405…), keeping their headers."""
    assert isinstance(error, HTTPException)
    return problem(HTTPStatus(error.status_code), str(error.detail), error.headers)


async def validation_error(request: Request, error: Exception) -> JSONResponse:
    """The exception handler for a request whose parameters or body do not fit: a 422 naming
    each field at fault. The input is not echoed: it may be bytes or text JSON cannot carry."""
    assert isinstance(error, RequestValidationError)
    problems = [
        {"field": ".".join(str(part) for part in issue["loc"]), "message": issue["msg"]}
        for issue in error.errors()
    ]
    detail = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return problem(HTTPStatus.UNPROCESSABLE_ENTITY, detail, errors=problems)
