"""/admin/suppressions: the addresses that never receive mail again; admins add and remove them."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from distributor.contacts import add_suppression, list_suppressions, remove_suppression
from distributor.web.admin.access import Reader, SuppressionManager
from distributor.web.admin.views import PER_PAGE, Pages, admin_page, see_other, transaction
from distributor.web.csrf import csrf_protected

router = APIRouter()
PATH = "/admin/suppressions"
Text = Annotated[str, Form()]


@router.get(PATH)
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


@router.post(PATH, dependencies=[Depends(csrf_protected)])
def suppress_address(
    request: Request, who: SuppressionManager, email: Text = "", reason: Text = ""
) -> RedirectResponse:
    """Suppress an address by hand: a reason kind (e.g. complaint) or a few words kept as a note."""
    with transaction(request) as session:
        entry, _ = add_suppression(session, email, reason, who.principal.actor)
        shown = entry.email or ""
    return see_other(f"{PATH}?{urlencode({'q': shown})}")


@router.post(f"{PATH}/remove", dependencies=[Depends(csrf_protected)])
def unsuppress_address(
    request: Request, who: SuppressionManager, email: Text = "", reason: Text = ""
) -> RedirectResponse:
    """Let an address receive mail again; the reason goes into the audit log."""
    with transaction(request) as session:
        remove_suppression(session, email, who.principal.actor, reason)
    return see_other(PATH)
