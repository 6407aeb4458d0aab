"""/admin/bounces: the bounces, complaints and warnings received, newest first, filtered by
class, reason, address, date and whether they wait for review, each linked to its contact;
admins apply one kept for review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from distributor.bounces import (
    BounceFilter,
    BouncePolicy,
    apply_reviewed,
    bounce_contacts,
    count_bounces,
    list_bounces,
    reason_named,
    shown_reason,
)
from distributor.errors import InvalidInput
from distributor.models import REASONS, BounceClass, BounceReview, Reason
from distributor.web.admin.access import Reader, SuppressionManager
from distributor.web.admin.views import PER_PAGE, Pages, admin_page, done, transaction
from distributor.web.admin.words import BOUNCE_CLASSES, BOUNCE_SOURCES
from distributor.web.csrf import csrf_protected
from distributor.web.sessions import PageRefused
from distributor.web.state import AppState

router = APIRouter()
_SHOWN_IN_PLACE = (HTTPStatus.BAD_REQUEST, HTTPStatus.CONFLICT)  # no reason; applied already


@dataclass(frozen=True)
class _Refused:
    """An apply the service refused: shown beside its bounce, with the reason as typed."""

    record_id: int
    typed: str
    why: str


@router.get("/admin/bounces")
def bounces_page(
    request: Request,
    who: Reader,
    classification: str = "",
    reason: str = "",
    q: str = "",
    since: str = "",
    review: str = "",
    page: int = 1,
) -> HTMLResponse:
    return _bounces(request, who, classification, reason, q, since, review, page)


@router.post("/admin/bounces/{record_id}/apply", dependencies=[Depends(csrf_protected)])
def apply_bounce(
    request: Request, who: SuppressionManager, record_id: int, reason: Annotated[str, Form()] = ""
) -> Response:
    """Apply a bounce kept for review to its address; the reason goes into the audit log.

    A refusal (no reason, applied already) is shown beside the bounce, keeping what was typed.
    """
    policy = BouncePolicy.from_settings(AppState.of(request).settings)
    try:
        with transaction(request) as session:
            apply_reviewed(session, record_id, who.principal.actor, reason, policy=policy)
    except PageRefused as refused:
        if refused.status not in _SHOWN_IN_PLACE:
            raise
        kept = _Refused(record_id, reason, refused.message)
        return _bounces(request, who, review="needed", refused=kept, status=refused.status)
    return done(request, "/admin/bounces?review=needed", "The bounce is applied to its address.")


def _bounces(
    request: Request,
    who: Reader,
    classification: str = "",
    reason: str = "",
    q: str = "",
    since: str = "",
    review: str = "",
    page: int = 1,
    *,
    refused: _Refused | None = None,
    status: HTTPStatus = HTTPStatus.OK,
) -> HTMLResponse:
    pages = Pages.at(request, page)
    named = _reason(reason)
    kind = _class(classification)
    with transaction(request) as session:
        where = BounceFilter(
            classification=kind,
            search=q or None,
            since=_since(since),
            reason=named,
            review=BounceReview.NEEDED if review else None,
        )
        found = list_bounces(session, where, PER_PAGE, pages.offset)
        return admin_page(
            request,
            who,
            "bounces.html",
            "Bounces",
            status,
            bounces=found,
            contacts=bounce_contacts(session, found),
            pages=pages.of(count_bounces(session, where)),
            classes=BOUNCE_CLASSES,
            classification=classification,
            unknown_class=bool(classification) and kind is None,
            sources=BOUNCE_SOURCES,
            reasons=list(REASONS.values()),
            reason=reason,
            unknown_reason=bool(reason) and named is None,
            reason_label=shown_reason,
            q=q,
            since=since,
            review=review,
            needed=BounceReview.NEEDED,
            applied=BounceReview.APPLIED,
            refused=refused,
        )


def _reason(text: str) -> Reason | None:
    """The reason a link names; one that is not ours (a hand-edited address) filters nothing."""
    try:
        return reason_named(text) if text else None
    except InvalidInput:
        return None


def _class(text: str) -> BounceClass | None:
    """The class a link names; one that is not ours (a hand-edited address) filters nothing."""
    try:
        return BounceClass(text) if text else None
    except ValueError:
        return None


def _since(text: str) -> datetime | None:
    """The start (UTC) of the day `text` names, as the form's date field sends it."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"“{text}” is not a date; write it as 2026-03-01") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
