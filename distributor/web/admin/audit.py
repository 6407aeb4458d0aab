"""/admin/audit: who changed what, newest first.

Entries name users and addresses, so the log is for those who manage users.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from distributor.audit_log import audit_page
from distributor.web.admin.access import UserManager
from distributor.web.admin.audit_details import details_text
from distributor.web.admin.views import PER_PAGE, Pages, admin_page, transaction
from distributor.web.admin.words import AUDIT_ACTIONS, AUDIT_SUBJECTS, actor_words

router = APIRouter()


@router.get("/admin/audit")
def audit_log_page(request: Request, who: UserManager, page: int = 1) -> HTMLResponse:
    pages = Pages.at(request, page)
    with transaction(request) as session:
        found = audit_page(session, PER_PAGE, pages.offset)
        return admin_page(
            request,
            who,
            "audit.html",
            "Audit log",
            entries=found.entries,
            details={entry.id: details_text(entry.details, found.names) for entry in found.entries},
            names=found.names,
            pages=pages.of(found.total),
            actions=AUDIT_ACTIONS,
            subjects=AUDIT_SUBJECTS,
            actor_words=actor_words,
        )
