"""/admin/suppressions: the addresses that never receive mail again; admins add and remove them."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from distributor.addresses import normalized_address
from distributor.contacts import add_suppression, list_suppressions, remove_suppression
from distributor.errors import InvalidInput
from distributor.web.admin import forms
from distributor.web.admin.access import Reader, SuppressionManager
from distributor.web.admin.views import PER_PAGE, Pages, admin_page, done, transaction
from distributor.web.admin.words import suppression_reason
from distributor.web.csrf import csrf_protected
from distributor.web.sessions import SignedIn

router = APIRouter()
PATH = "/admin/suppressions"
Text = Annotated[str, Form()]


@router.get(PATH)
def suppressions_page(request: Request, who: Reader, q: str = "", page: int = 1) -> HTMLResponse:
    return _suppressions_page(request, who, forms.Form(), forms.Form(), q, page)


def _suppressions_page(
    request: Request,
    who: SignedIn,
    add: forms.Form,
    remove: forms.Form,
    q: str = "",
    page: int = 1,
) -> HTMLResponse:
    """The list, the form to add an address (`add`), and the one removal refused (`remove`)."""
    pages = Pages.at(request, page)
    with transaction(request) as session:
        found = list_suppressions(session, search=q, limit=PER_PAGE, offset=pages.offset)
        return admin_page(
            request,
            who,
            "suppressions.html",
            "Suppression list",
            max(add.status, remove.status),
            entries=found.entries,
            pages=pages.of(found.total),
            q=q,
            form=add,
            removal=remove,
            reason_name=suppression_reason,
        )


@router.post(PATH, dependencies=[Depends(csrf_protected)], response_model=None)
def suppress_address(
    request: Request, who: SuppressionManager, email: Text = "", reason: Text = ""
) -> HTMLResponse | RedirectResponse:
    """Suppress an address by hand: a reason kind (e.g. complaint) or a few words kept as a note."""
    form = forms.Form({"email": email, "reason": reason})
    try:
        normalized_address(email)
    except InvalidInput:
        form.refuse("email", "Write the email address to stop mailing, such as name@example.org.")
    if not reason.strip():
        form.refuse("reason", "Say why, in a few words: it is kept with the address.")
    if not form.valid:
        return _suppressions_page(request, who, form, forms.Form())
    with transaction(request) as session:
        entry, _ = add_suppression(session, email, reason, who.principal.actor)
        shown = entry.email or ""
    path = f"{PATH}?{urlencode({'q': shown})}"
    return done(request, path, f"{shown} gets no more mail from the office.")


@router.post(f"{PATH}/remove", dependencies=[Depends(csrf_protected)], response_model=None)
def unsuppress_address(
    request: Request, who: SuppressionManager, email: Text = "", reason: Text = ""
) -> HTMLResponse | RedirectResponse:
    """Let an address receive mail again; the reason goes into the audit log."""
    form = forms.Form({"email": email, "reason": reason})
    if not reason.strip():
        form.refuse("reason", f"Say why {email} may receive mail again: it goes in the audit log.")
        return _suppressions_page(request, who, forms.Form(), form)
    with transaction(request) as session:
        remove_suppression(session, email, who.principal.actor, reason)
    return done(request, PATH, f"{email} may receive mail again.")
