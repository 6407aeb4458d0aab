"""/admin/sendouts/{id}/follow-up: a completed send-out again, under a new subject, to the
journalists who did not react to it. The form is on the send-out's page (admin/_follow_up.html)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from distributor.models import utcnow
from distributor.sending import create_follow_up, get_sendout, is_due
from distributor.tasks import request_dispatch
from distributor.web.admin import forms
from distributor.web.admin.access import Sender
from distributor.web.admin.scheduling import schedule_from
from distributor.web.admin.sendouts import PATH, sendout_page
from distributor.web.admin.views import done, transaction
from distributor.web.csrf import csrf_protected
from distributor.web.state import AppState

router = APIRouter()


@router.post(
    f"{PATH}/{{sendout_id}}/follow-up", dependencies=[Depends(csrf_protected)], response_model=None
)
def follow_up(
    request: Request,
    who: Sender,
    sendout_id: int,
    subject: Annotated[str, Form()] = "",
    subject_language: Annotated[list[str] | None, Form()] = None,
    subject_in: Annotated[list[str] | None, Form()] = None,
    when: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
    time: Annotated[str, Form()] = "",
    local_time: Annotated[str, Form()] = "",
    time_zone: Annotated[str, Form()] = "",
    confirm: Annotated[bool, Form()] = False,
) -> HTMLResponse | RedirectResponse:
    form = forms.Form(
        {
            "subject": subject,
            "subjects": dict(zip(subject_language or [], subject_in or [], strict=False)),
            "when": when,
            "date": date,
            "time": time,
            "local_time": local_time,
            "time_zone": time_zone,
            "confirm": confirm,
        }
    )
    now = utcnow()
    if not subject.strip():
        form.refuse("subject", "Give the follow-up a subject: it is what makes it news again.")
    schedule = schedule_from(form, who.zone, now)
    if schedule is None or not form.valid:
        # The send-out's page again, its follow-up form filled in as posted, with the errors.
        return sendout_page(request, who, sendout_id, follow_up=form)
    with transaction(request) as session:
        sendout = create_follow_up(
            session,
            get_sendout(session, sendout_id),
            subject,
            schedule,
            actor=who.principal.actor,
            subjects=_own_subjects(subject_language or [], subject_in or []),
            settings=AppState.of(request).settings,
            confirm=confirm,
        )
        due = is_due(sendout, now)
        follow_up_id = sendout.id
    # Asked once the follow-up is committed, so that the dispatcher finds it.
    if due:
        request_dispatch()
    return done(request, f"{PATH}/{follow_up_id}", f"Follow-up {follow_up_id} is scheduled.")


def _own_subjects(languages: list[str], subjects: list[str]) -> dict[str, str]:
    """The form's subject by language; a field left empty leaves its language `subject`."""
    return {language: text for language, text in zip(languages, subjects, strict=False) if text}
