"""/admin/sendouts: the send-outs, a new one, one send-out's progress with pause, resume and
cancel; and /admin/releases/{id}/test, a test copy of a release sent now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from distributor.addresses import normalized_address
from distributor.bounces import bounce_report
from distributor.contacts import list_lists, list_segments
from distributor.errors import InvalidInput, NotFound
from distributor.models import Release, ScheduleKind, SendOut, SendOutState, utcnow
from distributor.overview import release_title, sendout_lines
from distributor.releases import get_release, list_releases
from distributor.sending import (
    ALLOWED,
    CAVEATS,
    Audience,
    CheckResult,
    ChecksFailed,
    OutcomeKind,
    SendOutStatus,
    Tracking,
    audience_zones,
    cancel_sendout,
    count_sendouts,
    create_sendout,
    get_sendout,
    is_due,
    last_move,
    list_sendouts,
    live_counts,
    other_languages,
    pause_sendout,
    resume_sendout,
    send_test,
    sendout_status,
)
from distributor.tasks import request_dispatch
from distributor.web.admin import forms
from distributor.web.admin.access import Reader, Sender
from distributor.web.admin.clock import local_time
from distributor.web.admin.scheduling import WHEN, chosen_moment, schedule_from, zone_options
from distributor.web.admin.views import PER_PAGE, Pages, admin_page, done, transaction
from distributor.web.admin.words import WAITING_ON, WHO_HELPS
from distributor.web.api.sendouts import MAX_TEST_ADDRESSES
from distributor.web.csrf import csrf_protected
from distributor.web.pages import page
from distributor.web.sessions import SignedIn
from distributor.web.state import AppState

router = APIRouter()
PATH = "/admin/sendouts"

# The finding of the checks before sending for lists and segments that reach nobody.
EMPTY_AUDIENCE = "audience.empty"
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


CRUMBS = (("Send-outs", PATH),)


@router.get(f"{PATH}/new")
def new_sendout_page(request: Request, who: Sender) -> HTMLResponse:
    settings = AppState.of(request).settings
    form = forms.Form(
        {
            "release": request.query_params.get("release", ""),
            "time_zone": _zone_name(who),
            "track_clicks": settings.track_clicks,
            "track_opens": settings.track_opens,
        }
    )
    with transaction(request) as session:
        return _new_sendout_form(request, who, session, form)


@router.get(f"{PATH}/new/zones")
def zone_preview(
    request: Request,
    who: Sender,
    lists: Annotated[list[str] | None, Query()] = None,
    segments: Annotated[list[str] | None, Query()] = None,
    when: str = "",
    date: str = "",
    time: str = "",
    local_time: str = "",
) -> HTMLResponse:
    """The chosen time where the chosen audience lives: the form's preview, as fields change."""
    values: dict[str, Any] = {"lists": lists or [], "segments": segments or []}
    values |= {"when": when, "date": date, "time": time, "local_time": local_time}
    with transaction(request) as session:
        return page(
            "admin/_zone_preview.html", "", **_preview(session, forms.Form(values), who.zone)
        )


def _zone_name(who: SignedIn) -> str:
    """The name of the zone the user reads times in (UTC when they chose none)."""
    return getattr(who.zone, "key", "UTC")


def _preview(session: Session, form: forms.Form, zone: tzinfo) -> dict[str, Any]:
    """What the zone preview shows: the moment chosen (or the local time) and the audience's
    main zones."""
    shares = audience_zones(session, Audience(form.value("lists", []), form.value("segments", [])))
    return {
        "shares": shares,
        "chosen": form.value("when"),
        "moment": chosen_moment(form, zone),
        "local_time": form.value("local_time"),
    }


def _new_sendout_form(
    request: Request,
    who: SignedIn,
    session: Session,
    form: forms.Form,
    status: HTTPStatus | None = None,
    refused: ChecksFailed | None = None,
) -> HTMLResponse:
    """The new send-out form, filled in with `form`'s values and errors; after a refusal by
    the checks, with their findings."""
    return admin_page(
        request,
        who,
        "sendout_new.html",
        "New send-out",
        status or form.status,
        crumbs=CRUMBS,
        form=form,
        releases=[
            (str(release.id), release_title(release))
            for release in list_releases(session, PER_PAGE)
        ],
        lists=[
            (item.slug, f"{item.name} ({item.subscribed} subscribed)")
            for item in list_lists(session)
            if item.archived_at is None
        ],
        segments=[(segment.name, segment.name) for segment in list_segments(session)],
        zone_name=_zone_name(who),
        zones=zone_options(),
        choices=WHEN,
        refused=refused,
        **_preview(session, form, who.zone),
    )


@router.post(f"{PATH}/new", dependencies=[Depends(csrf_protected)], response_model=None)
def new_sendout(
    request: Request,
    who: Sender,
    release: Annotated[str, Form()] = "",
    lists: Annotated[list[str] | None, Form()] = None,
    segments: Annotated[list[str] | None, Form()] = None,
    when: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
    time: Annotated[str, Form()] = "",
    local_time: Annotated[str, Form()] = "",
    time_zone: Annotated[str, Form()] = "",
    subject: Annotated[str, Form()] = "",
    track_clicks: Annotated[bool, Form()] = False,
    track_opens: Annotated[bool, Form()] = False,
    confirm: Annotated[bool, Form()] = False,
) -> HTMLResponse | RedirectResponse:
    settings = AppState.of(request).settings
    form = forms.Form(
        {
            "release": release,
            "lists": lists or [],
            "segments": segments or [],
            "when": when,
            "date": date,
            "time": time,
            "local_time": local_time,
            "time_zone": time_zone,
            "subject": subject,
            "track_clicks": track_clicks,
            "track_opens": track_opens,
        }
    )
    now = utcnow()
    with transaction(request) as session:
        chosen = _release(session, release)
        if chosen is None:
            form.refuse("release", "Choose the release to send.")
        if not lists and not segments:
            form.refuse("lists", "Choose at least one list or segment.")
        schedule = schedule_from(form, who.zone, now)
        if chosen is None or schedule is None or not form.valid:
            return _new_sendout_form(request, who, session, form)
        try:
            sendout = create_sendout(
                session,
                chosen,
                Audience(lists or [], segments or []),
                schedule,
                actor=who.principal.actor,
                subject=subject.strip() or None,
                tracking=Tracking.choose(settings, track_clicks, track_opens),
                settings=settings,
                confirm=confirm,
                now=now,
            )
        except ChecksFailed as refused:
            # The send-out left nothing behind; the form comes back filled in, with why: an
            # audience of nobody beside the lists chosen, other findings above the form.
            nobody = [f for f in refused.result.errors if f.code == EMPTY_AUDIENCE]
            if nobody:
                form.refuse("lists", nobody[0].words)
                return _new_sendout_form(request, who, session, form)
            return _new_sendout_form(request, who, session, form, HTTPStatus.CONFLICT, refused)
        due = is_due(sendout, now)
        notice = f"Send-out {sendout.id} {_plan(sendout, who.zone)}."
        sendout_id = sendout.id
    # Asked once the send-out is committed, so that the dispatcher finds it.
    if due:
        request_dispatch()
    return done(request, f"{PATH}/{sendout_id}", notice)


def _release(session: Session, release_id: str) -> Release | None:
    """The release chosen in the form; None when none or an unknown one was posted."""
    if not release_id.isdigit():
        return None
    try:
        return get_release(session, int(release_id))
    except NotFound:
        return None


def _plan(sendout: SendOut, zone: tzinfo) -> str:
    """When the new send-out goes, as the notice after scheduling it says."""
    if sendout.schedule is ScheduleKind.LOCAL_TIME:
        return (
            f"goes at {sendout.local_time} in each journalist's own time zone "
            f"({sendout.time_zone.replace('_', ' ')} for those whose zone is not known)"
        )
    if sendout.schedule is ScheduleKind.NOW:
        return "is going out now"
    return f"is scheduled for {local_time(sendout.scheduled_at, zone).striptags()}"


def sendout_page(
    request: Request,
    who: SignedIn,
    sendout_id: int,
    follow_up: forms.Form | None = None,
) -> HTMLResponse:
    """One send-out's page; with `follow_up`, its follow-up form as posted, with its errors."""
    now = utcnow()
    with transaction(request) as session:
        status = sendout_status(session, sendout_id, now)
        sendout = get_sendout(session, sendout_id)
        cancelled = last_move(session, sendout_id, SendOutState.CANCELLED)
        follow_up = follow_up or forms.Form({"time_zone": _zone_name(who)})
        return admin_page(
            request,
            who,
            "sendout.html",
            f"Send-out {status.id}",
            follow_up.status,
            crumbs=CRUMBS,
            progress=status,
            live_counts=live_counts(session, AppState.of(request).settings, status),
            waiting_on=WAITING_ON,
            who_helps=WHO_HELPS,
            bounces=bounce_report(session, sendout_id=sendout_id),
            preflight=CheckResult.stored(sendout.preflight),
            other_languages=other_languages(sendout.release),
            moves=_moves(status.state),
            live=_live(status, now),
            caveats=CAVEATS,
            cancel_reason=cancelled.reason if cancelled is not None else None,
            follow_up_form=follow_up,
            zone_name=_zone_name(who),
            zones=zone_options(),
            choices=WHEN,
        )


@router.get(f"{PATH}/{{sendout_id}}")
def show_sendout(request: Request, who: Reader, sendout_id: int) -> HTMLResponse:
    return sendout_page(request, who, sendout_id)


@router.get(f"{PATH}/{{sendout_id}}/progress")
def sendout_progress(request: Request, who: Reader, sendout_id: int) -> HTMLResponse:
    """The progress part of the send-out's page alone: what the page polls while it sends."""
    now = utcnow()
    with transaction(request) as session:
        status = sendout_status(session, sendout_id, now)
        live = _live(status, now)
        shown = page(
            "admin/_sendout_progress.html",
            "",
            progress=status,
            live_counts=live_counts(session, AppState.of(request).settings, status),
            waiting_on=WAITING_ON,
            who_helps=WHO_HELPS,
            live=live,
            when=lambda moment: local_time(moment, who.zone),
        )
    if not live:
        # Started, paused or finished meanwhile: the whole page changes (its buttons, the report).
        shown.headers["HX-Refresh"] = "true"
    return shown


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
    request: Request,
    who: SignedIn,
    sendout_id: int,
    move: Callable[..., int | None],
    notice: str,
    reason: str | None = None,
) -> RedirectResponse:
    with transaction(request) as session:
        move(session, get_sendout(session, sendout_id), actor=who.principal.actor, reason=reason)
    return done(request, f"{PATH}/{sendout_id}", notice)


@router.post(f"{PATH}/{{sendout_id}}/pause", dependencies=[Depends(csrf_protected)])
def pause(request: Request, who: Sender, sendout_id: int) -> RedirectResponse:
    return _move(
        request,
        who,
        sendout_id,
        pause_sendout,
        f"Send-out {sendout_id} is paused: no further message goes until you resume it.",
    )


@router.post(f"{PATH}/{{sendout_id}}/resume", dependencies=[Depends(csrf_protected)])
def resume(request: Request, who: Sender, sendout_id: int) -> RedirectResponse:
    moved = _move(request, who, sendout_id, resume_sendout, f"Send-out {sendout_id} carries on.")
    request_dispatch()
    return moved


@router.get(f"{PATH}/{{sendout_id}}/cancel")
def cancel_page(request: Request, who: Sender, sendout_id: int) -> HTMLResponse:
    """The step that asks, before cancelling, whether to and why."""
    return _cancel_form(request, who, sendout_id, forms.Form())


def _cancel_form(
    request: Request, who: SignedIn, sendout_id: int, form: forms.Form
) -> HTMLResponse:
    with transaction(request) as session:
        status = sendout_status(session, sendout_id, utcnow())
        return admin_page(
            request,
            who,
            "sendout_cancel.html",
            f"Cancel send-out {sendout_id}",
            form.status,
            crumbs=(*CRUMBS, (f"Send-out {sendout_id}", f"{PATH}/{sendout_id}")),
            form=form,
            progress=status,
            cancellable=SendOutState.CANCELLED in ALLOWED[status.state],
        )


@router.post(
    f"{PATH}/{{sendout_id}}/cancel", dependencies=[Depends(csrf_protected)], response_model=None
)
def cancel(
    request: Request, who: Sender, sendout_id: int, reason: Annotated[str, Form()] = ""
) -> HTMLResponse | RedirectResponse:
    form = forms.Form({"reason": reason})
    if not reason.strip():
        form.refuse("reason", "Say why it is cancelled: the reason stays on the send-out's page.")
        return _cancel_form(request, who, sendout_id, form)
    return _move(
        request,
        who,
        sendout_id,
        cancel_sendout,
        f"Send-out {sendout_id} is cancelled: nothing more of it goes out.",
        reason.strip(),
    )


@router.get("/admin/releases/{release_id}/test")
def release_test_page(request: Request, who: Sender, release_id: int) -> HTMLResponse:
    with transaction(request) as session:
        release = get_release(session, release_id)
        return _test_page(request, who, release, forms.Form())


@router.post(
    "/admin/releases/{release_id}/test", dependencies=[Depends(csrf_protected)], response_model=None
)
def send_test_copy(
    request: Request,
    who: Sender,
    release_id: int,
    addresses: Annotated[str, Form()] = "",
    language: Annotated[str | None, Form()] = None,
) -> HTMLResponse | RedirectResponse:
    """A test copy in `language`'s version (default: the release's default language); the form
    again, as typed, when an address is not one; the outcome of each address when one failed."""
    form = forms.Form({"addresses": addresses, "language": language or ""})
    wanted = _test_addresses(form)
    with transaction(request) as session:
        release = get_release(session, release_id)
        if not form.valid:
            return _test_page(request, who, release, form)
        outcomes = send_test(release, wanted, AppState.of(request).settings, language or None)
        if all(outcome.kind is OutcomeKind.SENT for outcome in outcomes.values()):
            path = f"/admin/releases/{release_id}/test"
            return done(request, path, f"The test copy went to {', '.join(outcomes)}.")
        return _test_page(request, who, release, form, outcomes)


def _test_addresses(form: forms.Form) -> list[str]:
    """The addresses typed (one a line, or separated by commas); each one that is not an
    address is named beside the field."""
    typed = [part.strip() for part in form.value("addresses").replace(",", "\n").splitlines()]
    wanted, bad = [], []
    for part in filter(None, typed):
        try:
            wanted.append(normalized_address(part))
        except InvalidInput:
            bad.append(part)
    if bad:
        verb = "is not an email address" if len(bad) == 1 else "are not email addresses"
        form.refuse("addresses", f"{', '.join(bad)} {verb}; write each as name@example.org.")
    elif not 1 <= len(wanted) <= MAX_TEST_ADDRESSES:
        form.refuse("addresses", f"Write between 1 and {MAX_TEST_ADDRESSES} addresses, one a line.")
    return wanted


def _test_page(
    request: Request,
    who: SignedIn,
    release: Release,
    form: forms.Form,
    outcomes: dict[str, Any] | None = None,
) -> HTMLResponse:
    return admin_page(
        request,
        who,
        "release_test.html",
        "Send a test copy",
        form.status,
        crumbs=(
            ("Releases", "/admin/releases"),
            (release_title(release), f"/admin/releases/{release.id}"),
        ),
        release_id=release.id,
        release_title=release_title(release),
        languages=sorted(version.language for version in release.versions),
        language=form.value("language") or release.default_language,
        form=form,
        outcomes=outcomes,
        sent=OutcomeKind.SENT,
    )
