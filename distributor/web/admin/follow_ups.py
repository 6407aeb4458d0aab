"""/admin/sendouts/{id}/follow-up: a completed send-out again, under a new subject, to the
journalists who did not react to it. The form is on the send-out's page (admin/_follow_up.html)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from distributor.models import utcnow
from distributor.sending import Schedule, create_follow_up, get_sendout, is_due
from distributor.tasks import request_dispatch
from distributor.web.admin.access import Sender
from distributor.web.admin.sendouts import PATH
from distributor.web.admin.views import see_other, transaction
from distributor.web.csrf import csrf_protected
from distributor.web.state import AppState

router = APIRouter()


@router.post(f"{PATH}/{{sendout_id}}/follow-up", dependencies=[Depends(csrf_protected)])
def follow_up(
    request: Request,
    who: Sender,
    sendout_id: int,
    subject: Annotated[str, Form()] = "",
    subject_language: Annotated[list[str] | None, Form()] = None,
    subject_in: Annotated[list[str] | None, Form()] = None,
    at: Annotated[str, Form()] = "",
    local_time: Annotated[str, Form()] = "",
    time_zone: Annotated[str, Form()] = "",
    confirm: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    with transaction(request) as session:
        schedule = Schedule.parse(
            at or None, local_time=local_time or None, time_zone=time_zone or None
        )
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
        due = is_due(sendout, utcnow())
        follow_up_id = sendout.id
    # Asked once the follow-up is committed, so that the dispatcher finds it.
    if due:
        request_dispatch()
    return see_other(f"{PATH}/{follow_up_id}")


def _own_subjects(languages: list[str], subjects: list[str]) -> dict[str, str]:
    """The form's subject by language; a field left empty leaves its language `subject`."""
    return {language: text for language, text in zip(languages, subjects, strict=False) if text}
