"""/admin/sendouts: the send-outs, a new one, one send-out's progress with pause, resume and
cancel; and /admin/releases/{id}/test, a test copy of a release sent now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from distributor.addresses import normalized_address
from distributor.bounces import bounce_report
from distributor.contacts import list_lists, list_segments
from distributor.errors import InvalidInput
from distributor.models import Release, SendOutState, utcnow
from distributor.overview import sendout_lines
from distributor.releases import get_release, list_releases
from distributor.sending import (
    ALLOWED,
    CAVEATS,
    Audience,
    CheckResult,
    ChecksFailed,
    OutcomeKind,
    Schedule,
    SendOutStatus,
    Tracking,
    cancel_sendout,
    count_sendouts,
    create_sendout,
    get_sendout,
    is_due,
    list_sendouts,
    other_languages,
    pause_sendout,
    resume_sendout,
    send_test,
    sendout_status,
)
from distributor.tasks import request_dispatch
from distributor.web.admin.access import Reader, Sender
from distributor.web.admin.views import PER_PAGE, Pages, admin_page, see_other, transaction
from distributor.web.api.sendouts import MAX_TEST_ADDRESSES
from distributor.web.csrf import csrf_protected
from distributor.web.sessions import SignedIn
from distributor.web.state import AppState

router = APIRouter()
PATH = "/admin/sendouts"

# A send-out due within this long shows its page refreshing, to see it start.
SOON = timedelta(minutes=5)


@router.get(PATH)
def sendouts_page(request: Request, who: Reader, page: int = 1) -> HTMLResponse:
    pages = Pages.at(request, page)
    with transaction(request) as session:
        found = list_sendouts(session, limit=PER_PAGE, offset=pages.offset)
        return admin_page(
            request,
            who,
            "sendouts.html",
            "Send-outs",
            sendouts=sendout_lines(session, found),
            pages=pages.of(count_sendouts(session)),
        )


def _title(release: Release) -> str:
    """The release's title; its slug while it has no version (as one stored without a file)."""
    try:
        return release.version().title
    except LookupError:
        return release.slug


@router.get(f"{PATH}/new")
def new_sendout_page(request: Request, who: Sender) -> HTMLResponse:
    settings = AppState.of(request).settings
    with transaction(request) as session:
        return _new_sendout_form(
            request,
            who,
            session,
            chosen=request.query_params.get("release", ""),
            track_clicks=settings.track_clicks,
            track_opens=settings.track_opens,
        )


def _new_sendout_form(
    request: Request,
    who: SignedIn,
    session: Session,
    status: HTTPStatus = HTTPStatus.OK,
    posted: dict[str, Any] | None = None,
    refused: ChecksFailed | None = None,
    **variables: Any,
) -> HTMLResponse:
    """The new send-out form; after a refusal, with the findings and the values posted."""
    return admin_page(
        request,
        who,
        "sendout_new.html",
        "New send-out",
        status,
        releases={release.id: _title(release) for release in list_releases(session, PER_PAGE)},
        lists=[item for item in list_lists(session) if item.archived_at is None],
        segments=[segment.name for segment in list_segments(session)],
        posted=posted or {},
        refused=refused,
        **variables,
    )


@router.post(f"{PATH}/new", dependencies=[Depends(csrf_protected)], response_model=None)
def new_sendout(
    request: Request,
    who: Sender,
    release: Annotated[str, Form()] = "",
    lists: Annotated[list[str] | None, Form()] = None,
    segments: Annotated[list[str] | None, Form()] = None,
    at: Annotated[str, Form()] = "",
    local_time: Annotated[str, Form()] = "",
    time_zone: Annotated[str, Form()] = "",
    subject: Annotated[str, Form()] = "",
    track_clicks: Annotated[bool, Form()] = False,
    track_opens: Annotated[bool, Form()] = False,
    confirm: Annotated[bool, Form()] = False,
) -> HTMLResponse | RedirectResponse:
    settings = AppState.of(request).settings
    with transaction(request) as session:
        schedule = Schedule.parse(
            at or None, local_time=local_time or None, time_zone=time_zone or None
        )
        try:
            sendout = create_sendout(
                session,
                get_release(session, release),
                Audience(lists or [], segments or []),
                schedule,
                actor=who.principal.actor,
                subject=subject or None,
                tracking=Tracking.choose(settings, track_clicks, track_opens),
                settings=settings,
                confirm=confirm,
            )
        except ChecksFailed as refused:
            # The send-out left nothing behind; the form comes back filled in, with why.
            posted = {"lists": lists or [], "segments": segments or [], "at": at}
            posted |= {"local_time": local_time, "time_zone": time_zone, "subject": subject}
            return _new_sendout_form(
                request,
                who,
                session,
                HTTPStatus.CONFLICT,
                chosen=release,
                track_clicks=track_clicks,
                track_opens=track_opens,
                posted=posted,
                refused=refused,
            )
        due = is_due(sendout, utcnow())
        sendout_id = sendout.id
    # Asked once the send-out is committed, so that the dispatcher finds it.
    if due:
        request_dispatch()
    return see_other(f"{PATH}/{sendout_id}")


@router.get(f"{PATH}/{{sendout_id}}")
def sendout_page(request: Request, who: Reader, sendout_id: int) -> HTMLResponse:
    now = utcnow()
    with transaction(request) as session:
        status = sendout_status(session, sendout_id, now)
        sendout = get_sendout(session, sendout_id)
        return admin_page(
            request,
            who,
            "sendout.html",
            f"Send-out {status.id}",
            progress=status,
            bounces=bounce_report(session, sendout_id=sendout_id),
            preflight=CheckResult.stored(sendout.preflight),
            other_languages=other_languages(sendout.release),
            moves=_moves(status.state),
            live=_live(status, now),
            caveats=CAVEATS,
        )


def _live(status: SendOutStatus, now: datetime) -> bool:
    """Whether the page reloads itself: while sending, and while a start is moments away."""
    if status.state is SendOutState.SENDING:
        return True
    due = status.scheduled_at
    return status.state is SendOutState.SCHEDULED and due is not None and due <= now + SOON


def _moves(state: SendOutState) -> list[str]:
    """The buttons a send-out in `state` shows: those its state machine allows."""
    offered = {
        "pause": SendOutState.PAUSED in ALLOWED[state],
        "resume": state is SendOutState.PAUSED,
        "cancel": SendOutState.CANCELLED in ALLOWED[state],
    }
    return [move for move, shown in offered.items() if shown]


def _move(
    request: Request, who: SignedIn, sendout_id: int, move: Callable[..., int | None]
) -> RedirectResponse:
    with transaction(request) as session:
        move(session, get_sendout(session, sendout_id), actor=who.principal.actor)
    return see_other(f"{PATH}/{sendout_id}")


@router.post(f"{PATH}/{{sendout_id}}/pause", dependencies=[Depends(csrf_protected)])
def pause(request: Request, who: Sender, sendout_id: int) -> RedirectResponse:
    return _move(request, who, sendout_id, pause_sendout)


@router.post(f"{PATH}/{{sendout_id}}/resume", dependencies=[Depends(csrf_protected)])
def resume(request: Request, who: Sender, sendout_id: int) -> RedirectResponse:
    moved = _move(request, who, sendout_id, resume_sendout)
    request_dispatch()
    return moved


@router.post(f"{PATH}/{{sendout_id}}/cancel", dependencies=[Depends(csrf_protected)])
def cancel(request: Request, who: Sender, sendout_id: int) -> RedirectResponse:
    return _move(request, who, sendout_id, cancel_sendout)


@router.get("/admin/releases/{release_id}/test")
def release_test_page(request: Request, who: Sender, release_id: int) -> HTMLResponse:
    with transaction(request) as session:
        release = get_release(session, release_id)
        return _test_page(request, who, release, None)


@router.post("/admin/releases/{release_id}/test", dependencies=[Depends(csrf_protected)])
def send_test_copy(
    request: Request,
    who: Sender,
    release_id: int,
    addresses: Annotated[str, Form()] = "",
    language: Annotated[str | None, Form()] = None,
) -> HTMLResponse:
    """A test copy in `language`'s version (default: the release's default language)."""
    with transaction(request) as session:
        wanted = [
            normalized_address(part)
            for part in addresses.replace(",", "\n").splitlines()
            if part.strip()
        ]
        if not 1 <= len(wanted) <= MAX_TEST_ADDRESSES:
            raise InvalidInput(f"give between 1 and {MAX_TEST_ADDRESSES} addresses")
        release = get_release(session, release_id)
        outcomes = send_test(release, wanted, AppState.of(request).settings, language or None)
        return _test_page(request, who, release, outcomes, language)


def _test_page(
    request: Request,
    who: SignedIn,
    release: Release,
    outcomes: dict[str, Any] | None,
    language: str | None = None,
) -> HTMLResponse:
    return admin_page(
        request,
        who,
        "release_test.html",
        "Send a test copy",
        release_id=release.id,
        release_title=_title(release),
        languages=sorted(version.language for version in release.versions),
        language=language or release.default_language,
        outcomes=outcomes,
        sent=OutcomeKind.SENT,
    )
