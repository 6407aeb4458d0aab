"""/admin/me: the signed-in user's own settings (the time zone their times are shown in)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from distributor.accounts import available_zones, get_user, set_time_zone
from distributor.web.admin import forms
from distributor.web.admin.access import Reader
from distributor.web.admin.views import admin_page, done, transaction
from distributor.web.csrf import csrf_protected
from distributor.web.sessions import SignedIn

router = APIRouter()
PATH = "/admin/me"


@router.get(PATH)
def settings_page(request: Request, who: Reader) -> HTMLResponse:
    with transaction(request) as session:
        zone = get_user(session, who.email).time_zone or "UTC"
    return _page(request, who, forms.Form({"time_zone": zone}))


@router.post(PATH, dependencies=[Depends(csrf_protected)], response_model=None)
def save_settings(
    request: Request, who: Reader, time_zone: Annotated[str, Form()] = ""
) -> HTMLResponse | RedirectResponse:
    form = forms.Form({"time_zone": time_zone})
    if time_zone not in available_zones():
        form.refuse("time_zone", "Choose your time zone from the list, such as Europe/Paris.")
        return _page(request, who, form)
    with transaction(request) as session:
        set_time_zone(session, get_user(session, who.email), time_zone, who.principal.actor)
    return done(request, PATH, f"Times are now shown in {time_zone}.")


def _page(request: Request, who: SignedIn, form: forms.Form) -> HTMLResponse:
    zones = [(zone, zone.replace("_", " ")) for zone in sorted(available_zones())]
    return admin_page(request, who, "me.html", "Your settings", form.status, form=form, zones=zones)
