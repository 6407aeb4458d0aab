"""/admin/bounces: the bounces, complaints and warnings received, newest first, filtered by
class, reason, address and date, each linked to its contact."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from distributor.bounces import records
from distributor.bounces.reasons import REASONS
from distributor.errors import InvalidInput
from distributor.models import BounceClass
from distributor.web.admin.access import Reader
from distributor.web.admin.views import PER_PAGE, Pages, admin_page, transaction

router = APIRouter()


@router.get("/admin/bounces")
def bounces_page(
    request: Request,
    who: Reader,
    classification: str = "",
    reason: str = "",
    q: str = "",
    since: str = "",
    page: int = 1,
) -> HTMLResponse:
    pages = Pages.at(request, page)
    with transaction(request) as session:
        where = records.BounceFilter(
            classification=_class(classification),
            search=q or None,
            since=_since(since),
            reason=records.reason_named(reason) if reason else None,
        )
        found = records.list_bounces(session, where, PER_PAGE, pages.offset)
        return admin_page(
            request,
            who,
            "bounces.html",
            "Bounces",
            bounces=found,
            contacts=records.bounce_contacts(session, found),
            pages=pages.of(records.count_bounces(session, where)),
            classes=list(BounceClass),
            classification=classification,
            reasons=list(REASONS.values()),
            reason=reason,
            reason_label=records.shown_reason,
            q=q,
            since=since,
        )


def _class(text: str) -> BounceClass | None:
    if not text:
        return None
    try:
        return BounceClass(text)
    except ValueError:
        choices = ", ".join(kind.value for kind in BounceClass)
        raise InvalidInput(f"class {text!r} does not exist; choose one of {choices}") from None


def _since(text: str) -> datetime | None:
    """The start (UTC) of the day `text` names, as the form's date field sends it."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"since {text!r} is not a date; write it as 2026-03-01") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
