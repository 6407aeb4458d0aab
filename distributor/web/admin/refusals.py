"""A refused admin page keeps the admin around it: navigation, and a way back, not a bare page."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from distributor.web.admin.views import admin_page
from distributor.web.pages import problem_page
from distributor.web.sessions import LOGIN_PATH, LoginRequired, PageRefused, signed_in


async def _refused_in_admin(request: Request, error: Exception) -> HTMLResponse:
    assert isinstance(error, PageRefused)
    who = None
    if request.url.path.startswith("/admin") and request.url.path != LOGIN_PATH:
        try:
            who = signed_in(request)
        except LoginRequired:
            who = None
    if who is None:
        response = problem_page(error.status, error.message)
    else:
        response = admin_page(
            request, who, "refused.html", error.status.phrase, error.status, message=error.message
        )
    response.headers.update(error.headers)
    return response


def install_refusals(app: FastAPI) -> None:
    """Show refusals of admin pages inside the admin, to the signed-in user."""
    app.add_exception_handler(PageRefused, _refused_in_admin)
