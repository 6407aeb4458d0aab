"""/api/v1/sendouts: schedule a release to lists and segments, follow it, pause, resume or
cancel it; and /api/v1/releases/{id}/test, test copies of a release sent now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field

from distributor.addresses import normalized_address
from distributor.models import ProcessRole, ScheduleKind, SendOutState, utcnow
from distributor.releases import get_release
from distributor.sending import (
    Audience,
    Level,
    OutcomeKind,
    Schedule,
    SendOutReport,
    Tracking,
    cancel_sendout,
    checked_subjects,
    create_follow_up,
    create_sendout,
    get_sendout,
    is_due,
    list_sendouts,
    pause_sendout,
    recheck_sendout,
    resume_sendout,
    send_test,
    sendout_as_dict,
    sendout_status,
    with_subjects,
)
from distributor.tasks import request_dispatch
from distributor.web.api.auth import Reader, Sender
from distributor.web.api.fields import MAX_ID, ReleaseRef, Text
from distributor.web.api.pagination import Page, Paging
from distributor.web.api.releases import ReleaseId

router = APIRouter(tags=["sendouts"])

SendOutId = Annotated[int, Path(ge=1, le=MAX_ID, description="The send-out's id.", examples=[12])]
Name = Annotated[Text, Field(max_length=200)]
Subjects = Annotated[
    dict[Annotated[Text, Field(max_length=35)], Annotated[Text, Field(max_length=500)]],
    Field(
        default_factory=dict,
        max_length=50,
        description="A subject of its own for the journalists reading the release's version "
        "in a language; the other languages get `subject`.",
        examples=[{"ru": "Напоминание: гранты на кино 2027"}],
    ),
]
MAX_TEST_ADDRESSES = 20


class NewSendOut(BaseModel):
    """A release to lists and segments; without `at`, `at_embargo` or `local_time` (or with
    `now`), now."""

    release: ReleaseRef = Field(
        max_length=200, description="The release's id or slug.", examples=["film-grants-2027"]
    )
    lists: list[Name] = Field(default_factory=list, max_length=100, examples=[["culture-desk"]])
    segments: list[Name] = Field(default_factory=list, max_length=100, examples=[[]])
    exclude_lists: list[Name] = Field(default_factory=list, max_length=100, examples=[[]])
    exclude_segments: list[Name] = Field(default_factory=list, max_length=100, examples=[[]])
    at: Text | None = Field(
        None,
        max_length=100,
        description="When, with its offset; a time that has passed is refused (ask for `now`).",
        examples=["2027-02-03T09:00+01:00"],
    )
    now: bool = Field(False, description="Send it now; goes alone, without a time.")
    at_embargo: bool = Field(False, description="When the release's embargo lifts.")
    local_time: Text | None = Field(
        None,
        max_length=5,
        description="HH:MM in each journalist's own time zone.",
        examples=["09:00"],
    )
    time_zone: Text | None = Field(
        None,
        max_length=64,
        description="`local_time`'s zone for journalists without one.",
        examples=["Europe/Paris"],
    )
    subject: Text | None = Field(
        None, max_length=500, description="The email's subject; the release's title if omitted."
    )
    subjects: Subjects
    track_clicks: bool | None = Field(
        None, description="Lead links through the web app to count clicks; default: the setting."
    )
    track_opens: bool | None = Field(
        None, description="Add an image that counts opens (unreliable); default: the setting."
    )
    confirm: bool = Field(
        False,
        description="Schedule it despite the warnings of the checks before sending (never "
        "their errors), such as journalists who already received the release; without it, "
        "warnings answer 409 with the findings.",
    )


class FindingOut(BaseModel):
    level: Level
    code: str = Field(examples=["link.insecure"])
    message: str


class PreflightOut(BaseModel):
    """The checks before sending, as last run and stored with the send-out."""

    checked_at: datetime
    passed: bool = Field(description="No error, and no warning left unconfirmed.")
    confirmed: bool = Field(description="Whether someone confirmed the warnings.")
    findings: list[FindingOut]


class SendOutPreflight(BaseModel):
    id: int = Field(examples=[12])
    preflight: PreflightOut | None = Field(description="None: the checks never ran on it.")


class SendOutOut(BaseModel):
    id: int = Field(examples=[12])
    release_id: int = Field(examples=[4])
    state: SendOutState
    schedule: ScheduleKind
    scheduled_at: datetime | None = Field(examples=["2027-02-03T08:00:00+00:00"])
    local_time: str | None = Field(examples=[None])
    time_zone: str = Field(examples=["UTC"])
    subject: str | None = Field(examples=[None])
    track_clicks: bool = Field(examples=[False])
    track_opens: bool = Field(examples=[False])
    follow_up_of: int | None = Field(
        description="The send-out this one follows up, if it is a follow-up.", examples=[None]
    )
    preflight: PreflightOut | None = None


class CreatedSendOut(SendOutOut):
    dispatch_requested: bool = Field(
        description="Whether the workers were asked to start it at once (it was due and the "
        "broker answered); otherwise the beat starts it on its next tick."
    )


class SendOutStatusOut(BaseModel):
    """As `distributor sendouts status --json` shows it."""

    id: int = Field(examples=[12])
    state: SendOutState
    release_id: int = Field(examples=[4])
    release_title: str
    schedule: ScheduleKind
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    counts: dict[str, int] = Field(
        description="Deliveries by state.", examples=[{"queued": 120, "sent": 280, "failed": 2}]
    )
    total: int = Field(examples=[402])
    open: int = Field(description="Deliveries still to be settled.", examples=[120])
    rate: float = Field(description="Deliveries settled per second over the last minute.")
    estimated_finish: datetime | None
    report: SendOutReport  # the service's dataclass: the figures are defined once
    caveats: dict[str, str] = Field(
        description="Figures that say less than they seem to, and why.",
        examples=[{"opened": "unreliable: image loading and privacy proxies"}],
    )
    follow_up_of: int | None = Field(description="The send-out this one follows up.")
    follow_up: int | None = Field(description="The send-out that follows this one up.")
    waiting_on: list[ProcessRole] = Field(
        description="Processes it waits on and none of which is running: a worker to send "
        "it, beat to start it on time. Empty while nothing is missing.",
        examples=[["worker"]],
    )


class NewFollowUp(BaseModel):
    """A completed send-out again, under its own subject, to those who did not react to it."""

    subject: Text = Field(
        min_length=1,
        max_length=500,
        description="The follow-up's own subject line.",
        examples=["Reminder: film grants 2027 open for applications"],
    )
    subjects: Subjects
    release: ReleaseRef | None = Field(
        None,
        max_length=200,
        description="Another release's id or slug; the original's if omitted.",
        examples=[None],
    )
    at: Text | None = Field(
        None,
        max_length=100,
        description="When, with its offset; a time that has passed is refused (ask for `now`).",
        examples=[None],
    )
    now: bool = Field(False, description="Send it now; goes alone, without a time.")
    local_time: Text | None = Field(
        None,
        max_length=5,
        description="HH:MM in each journalist's own time zone.",
        examples=[None],
    )
    time_zone: Text | None = Field(
        None,
        max_length=64,
        description="`local_time`'s zone for journalists without one.",
        examples=[None],
    )
    confirm: bool = Field(False, description="Schedule it although the checks before sending warn.")


class Move(BaseModel):
    reason: Text | None = Field(
        None,
        max_length=10_000,
        description="Why; kept in the send-out's history.",
        examples=["the embargo moved"],
    )


class Moved(BaseModel):
    id: int = Field(examples=[12])
    state: SendOutState
    skipped: int | None = Field(
        None, description="On cancel: deliveries not yet handed over, now skipped."
    )
    dispatch_requested: bool | None = Field(
        None, description="On resume: whether the workers were asked to carry on at once."
    )


class TestSend(BaseModel):
    addresses: list[Annotated[Text, Field(max_length=320)]] = Field(
        min_length=1, max_length=MAX_TEST_ADDRESSES, examples=[["me@press.example.org"]]
    )
    language: Text | None = Field(
        None, max_length=35, description="Which version; the release's default if omitted."
    )


class TestOutcome(BaseModel):
    outcome: OutcomeKind
    reply: str = Field(examples=["250 2.0.0 Ok: queued"])


class TestSent(BaseModel):
    release_id: int = Field(examples=[4])
    sent: bool = Field(description="Whether every copy was sent.")
    addresses: dict[str, TestOutcome]


@router.post(
    "/sendouts",
    response_model=CreatedSendOut,
    status_code=HTTPStatus.CREATED,
    summary="Schedule a release to lists and segments",
    description="Suppressed addresses are left out when the send-out starts, and again right "
    "before each message is sent. Without a time (or with `now`) it goes out now; a time that "
    "has passed answers 400. The checks before sending run first: errors (such as an audience "
    "that reaches nobody), or warnings without `confirm` (such as journalists who already "
    "received the release, with how many), answer 409 with `findings`.",
    responses={HTTPStatus.CONFLICT.value: {"description": "Refused by the checks before sending"}},
)
def create(caller: Sender, body: NewSendOut) -> dict[str, Any]:
    schedule = Schedule.parse(
        body.at,
        at_embargo=body.at_embargo,
        local_time=body.local_time,
        time_zone=body.time_zone,
        now=body.now,
    )
    audience = Audience(body.lists, body.segments, body.exclude_lists, body.exclude_segments)
    with caller.transaction() as session:
        release = get_release(session, body.release)
        sendout = create_sendout(  # ChecksFailed: 409 with the findings
            session,
            release,
            audience,
            schedule,
            actor=caller.actor,
            subject=body.subject,
            tracking=Tracking.choose(caller.settings, body.track_clicks, body.track_opens),
            options=with_subjects({}, checked_subjects(release, body.subjects)),
            settings=caller.settings,
            confirm=body.confirm,
        )
        due = is_due(sendout, utcnow())
        summary = sendout_as_dict(sendout)
    # Asked once the send-out is committed, so that the dispatcher finds it.
    return summary | {"dispatch_requested": request_dispatch() if due else False}


@router.post(
    "/sendouts/{sendout_id}/follow-up",
    response_model=CreatedSendOut,
    status_code=HTTPStatus.CREATED,
    summary="Follow up a completed send-out with those who did not react",
    description="The follow-up goes to the journalists the send-out was sent to who have not "
    "clicked, replied or (when it counted opens) opened it, decided when it starts. A send-out "
    "is followed up at most once; without a time, it goes out now.",
)
def follow_up(caller: Sender, sendout_id: SendOutId, body: NewFollowUp) -> dict[str, Any]:
    schedule = Schedule.parse(
        body.at, local_time=body.local_time, time_zone=body.time_zone, now=body.now
    )
    with caller.transaction() as session:
        sendout = create_follow_up(
            session,
            get_sendout(session, sendout_id),
            body.subject,
            schedule,
            actor=caller.actor,
            subjects=body.subjects,
            release=get_release(session, body.release) if body.release else None,
            settings=caller.settings,
            confirm=body.confirm,
        )
        due = is_due(sendout, utcnow())
        summary = sendout_as_dict(sendout)
    return summary | {"dispatch_requested": request_dispatch() if due else False}


@router.get(
    "/sendouts/{sendout_id}/preflight",
    response_model=SendOutPreflight,
    summary="The stored result of the checks before sending",
)
def stored_preflight(caller: Reader, sendout_id: SendOutId) -> dict[str, Any]:
    with caller.transaction() as session:
        return {"id": sendout_id, "preflight": get_sendout(session, sendout_id).preflight}


@router.post(
    "/sendouts/{sendout_id}/preflight",
    response_model=SendOutPreflight,
    summary="Run the checks before sending again and store their result",
    description="A send-out whose stored result has errors is not started by the dispatcher.",
)
def run_preflight(caller: Sender, sendout_id: SendOutId) -> dict[str, Any]:
    with caller.transaction() as session:
        sendout = get_sendout(session, sendout_id)
        result = recheck_sendout(session, sendout, caller.settings, utcnow())
    return {"id": sendout_id, "preflight": result.as_dict()}


@router.get("/sendouts", response_model=Page[SendOutOut], summary="Send-outs, newest first")
def index(caller: Reader, paging: Paging, request: Request, response: Response) -> dict[str, Any]:
    with caller.transaction() as session:
        found = list_sendouts(session, limit=paging.fetch, offset=paging.offset)
        rows = [sendout_as_dict(sendout) for sendout in found]
    return paging.answer(request, response, rows)


@router.get(
    "/sendouts/{sendout_id}",
    response_model=SendOutStatusOut,
    summary="A send-out's state, deliveries by state, rate, estimated finish and report",
)
def status(caller: Reader, sendout_id: SendOutId) -> dict[str, Any]:
    with caller.transaction() as session:
        return sendout_status(session, sendout_id, utcnow()).as_dict()


def _move(
    caller: Sender, sendout_id: int, move: Callable[..., int | None], body: Move | None
) -> dict[str, Any]:
    with caller.transaction() as session:
        sendout = get_sendout(session, sendout_id)
        result = move(session, sendout, actor=caller.actor, reason=body.reason if body else None)
        moved = {"id": sendout.id, "state": sendout.state}
    return moved | ({"skipped": result} if isinstance(result, int) else {})


@router.post(
    "/sendouts/{sendout_id}/pause",
    response_model=Moved,
    response_model_exclude_none=True,
    summary="Stop taking new batches; messages already handed to the relay are not recalled",
)
def pause(caller: Sender, sendout_id: SendOutId, body: Move | None = None) -> dict[str, Any]:
    return _move(caller, sendout_id, pause_sendout, body)


@router.post(
    "/sendouts/{sendout_id}/resume",
    response_model=Moved,
    response_model_exclude_none=True,
    summary="Carry on a paused send-out where it stopped",
)
def resume(caller: Sender, sendout_id: SendOutId, body: Move | None = None) -> dict[str, Any]:
    moved = _move(caller, sendout_id, resume_sendout, body)
    return moved | {"dispatch_requested": request_dispatch()}


@router.post(
    "/sendouts/{sendout_id}/cancel",
    response_model=Moved,
    response_model_exclude_none=True,
    summary="Cancel for good: deliveries not yet handed to the relay are skipped",
)
def cancel(caller: Sender, sendout_id: SendOutId, body: Move | None = None) -> dict[str, Any]:
    return _move(caller, sendout_id, cancel_sendout, body)


@router.post(
    "/releases/{release_id}/test",
    response_model=TestSent,
    tags=["releases"],
    summary="Send a copy marked [TEST] to a few addresses now",
    description="Test copies go through the configured transport but leave no delivery and "
    "count in no statistics.",
)
def test(caller: Sender, release_id: ReleaseId, body: TestSend) -> dict[str, Any]:
    addresses = [normalized_address(address) for address in body.addresses]
    with caller.transaction() as session:
        release = get_release(session, release_id)
        outcomes = send_test(release, addresses, caller.settings, body.language)
        return {
            "release_id": release.id,
            "sent": all(outcome.kind is OutcomeKind.SENT for outcome in outcomes.values()),
            "addresses": {
                address: {"outcome": outcome.kind, "reply": outcome.reply}
                for address, outcome in outcomes.items()
            },
        }
