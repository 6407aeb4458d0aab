"""/admin/contacts/<id>: one journalist, their lists, and what was sent to them and bounced."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from distributor.contacts.directory import contact_details, get_contact
from distributor.contacts.history import contact_history
from distributor.web.admin.access import Reader
from distributor.web.admin.views import admin_page, transaction

router = APIRouter()


@router.get("/admin/contacts/{contact_id}")
def contact_page(request: Request, who: Reader, contact_id: int) -> HTMLResponse:
    with transaction(request) as session:
        details = contact_details(session, contact_id)
        history = contact_history(session, get_contact(session, contact_id))
        return admin_page(
            request, who, "contact.html", details.email, contact=details, history=history
        )
