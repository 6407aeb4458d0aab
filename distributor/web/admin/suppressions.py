"""/admin/suppressions: the addresses that never receive mail again, searchable."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from distributor.contacts.suppressions import list_suppressions
from distributor.web.admin.access import Reader
from distributor.web.admin.views import PER_PAGE, Pages, admin_page, transaction

router = APIRouter()


@router.get("/admin/suppressions")
def suppressions_page(request: Request, who: Reader, q: str = "", page: int = 1) -> HTMLResponse:
    pages = Pages.at(request, page)
    with transaction(request) as session:
        found = list_suppressions(session, search=q, limit=PER_PAGE, offset=pages.offset)
        return admin_page(
            request,
            who,
            "suppressions.html",
            "Suppression list",
            entries=found.entries,
            pages=pages.of(found.total),
            q=q,
        )
