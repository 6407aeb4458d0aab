"""/admin: the dashboard, counts at a glance."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from distributor.overview import overview
from distributor.web.admin.access import Reader
from distributor.web.admin.views import admin_page, transaction

router = APIRouter()


@router.get("/admin")
def dashboard(request: Request, who: Reader) -> HTMLResponse:
    with transaction(request) as session:
        return admin_page(request, who, "dashboard.html", "Dashboard", overview=overview(session))
