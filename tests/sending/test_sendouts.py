"""Send-outs as press officers handle them: audience, schedule, and the moves they make."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.errors import Conflict, InvalidInput, NotFound
from distributor.models import (
    Contact,
    Delivery,
    DeliveryState,
    Release,
    ScheduleKind,
    SendOut,
    SendOutEvent,
    SendOutState,
)
from distributor.models.base import utcnow
from distributor.sending.scheduling.clock import next_local_time
from distributor.sending.scheduling.dispatch import finish_done, needing_workers, start_due
from distributor.sending.scheduling.sendouts import (
    Audience,
    Schedule,
    cancel_sendout,
    create_sendout,
    pause_sendout,
    resume_sendout,
)
from tests.sending.conftest import AddJournalists

PRESS = Audience(lists=["press"])


def test_sendout_without_a_time_is_due_at_once(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(2)
    now = utcnow()

    sendout = create_sendout(session, release, PRESS, Schedule(), actor=SYSTEM, now=now)

    assert sendout.state is SendOutState.SCHEDULED
    assert sendout.scheduled_at == now
    assert start_due(session, now) == [sendout.id]
    assert sendout.state is SendOutState.SENDING


def test_sendout_at_a_later_time_waits_for_it(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(1)
    at = datetime(2031, 5, 4, 7, 30, tzinfo=UTC)
    sendout = create_sendout(
        session, release, PRESS, Schedule.parse("2031-05-04T09:30+02:00"), actor=SYSTEM
    )

    assert sendout.scheduled_at == at
    assert start_due(session, at - timedelta(seconds=1)) == []
    assert start_due(session, at) == [sendout.id]


def test_at_embargo_goes_at_the_release_embargo_lift(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(1)
    assert release.embargo_until is not None
    before = release.embargo_until - timedelta(days=1)

    sendout = create_sendout(
        session, release, PRESS, Schedule.parse(at_embargo=True), actor=SYSTEM, now=before
    )

    assert sendout.schedule is ScheduleKind.EMBARGO
    assert sendout.scheduled_at == release.embargo_until


def test_at_embargo_is_refused_for_a_release_without_one(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(1)
    release.embargo_until = None

    with pytest.raises(InvalidInput, match="no embargo"):
        create_sendout(session, release, PRESS, Schedule.parse(at_embargo=True), actor=SYSTEM)


@pytest.mark.parametrize(
    ("at", "message"),
    [("2031-05-04T09:30", "no time zone"), ("next tuesday", "expected a time")],
)
def test_at_without_an_offset_or_unreadable_is_refused_naming_the_option(
    at: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=f"--at .*{message}"):
        Schedule.parse(at)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"local_time": "25:00"}, "--local-time"),
        ({"local_time": "09:00", "time_zone": "Mars/Olympus"}, "--time-zone"),
        ({"at": "2031-05-04T09:30Z", "at_embargo": True}, "--at-embargo"),
    ],
)
def test_bad_schedule_options_are_refused_naming_the_option(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        Schedule.parse(**options)  # type: ignore[arg-type]


def test_time_in_the_past_is_refused_naming_now(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(1)
    now = datetime(2031, 5, 4, 8, 0, tzinfo=UTC)

    with pytest.raises(InvalidInput, match=r"--at .* has passed.*--now"):
        create_sendout(
            session, release, PRESS, Schedule.parse("2031-05-04T09:30+02:00"), actor=SYSTEM, now=now
        )
    assert session.scalar(select(SendOut)) is None


def test_time_a_few_seconds_past_is_taken_as_clock_skew_and_goes_now(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(1)
    at = datetime(2031, 5, 4, 8, 0, tzinfo=UTC)

    sendout = create_sendout(
        session,
        release,
        PRESS,
        Schedule.parse(at.isoformat()),
        actor=SYSTEM,
        now=at + timedelta(seconds=30),
    )

    assert sendout.scheduled_at == at


def test_embargo_that_has_lifted_is_refused_naming_now(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(1)
    assert release.embargo_until is not None

    with pytest.raises(InvalidInput, match=r"embargo lifted .*--now"):
        create_sendout(
            session,
            release,
            PRESS,
            Schedule.parse(at_embargo=True),
            actor=SYSTEM,
            now=release.embargo_until + timedelta(hours=1),
        )


def test_empty_at_is_refused_rather_than_read_as_now() -> None:
    with pytest.raises(InvalidInput, match=r"--at is empty.*--now"):
        Schedule.parse("  ")


def test_now_asked_for_explicitly_is_due_at_once() -> None:
    assert Schedule.parse(now=True) == Schedule()


@pytest.mark.parametrize(
    "options",
    [{"at": "2031-05-04T09:30Z"}, {"at": ""}, {"at_embargo": True}, {"local_time": "09:00"}],
)
def test_now_with_another_time_is_refused(options: dict[str, object]) -> None:
    with pytest.raises(InvalidInput, match="--now goes alone"):
        Schedule.parse(now=True, **options)  # type: ignore[arg-type]


def test_unknown_list_is_refused(session: Session, release: Release) -> None:
    with pytest.raises(NotFound, match="no list 'nobody'"):
        create_sendout(session, release, Audience(lists=["nobody"]), Schedule(), actor=SYSTEM)


def test_sendout_needs_an_audience(session: Session, release: Release) -> None:
    with pytest.raises(InvalidInput, match="--list or --segment"):
        create_sendout(session, release, Audience(), Schedule(), actor=SYSTEM)


def test_excluded_list_members_get_no_delivery(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(3)
    journalists(1, "rivals", domain="news.example")
    from distributor.contacts.subscriptions import subscribe

    subscribe(session, "press0@news.example", "rivals", SYSTEM)
    audience = Audience(lists=["press"], exclude_lists=["rivals"])

    sendout = create_sendout(session, release, audience, Schedule(), actor=SYSTEM)
    start_due(session, utcnow())

    emails = session.scalars(select(Delivery.email).where(Delivery.sendout_id == sendout.id))
    assert sorted(emails) == ["press1@news.example", "press2@news.example"]


def test_local_time_is_due_at_that_hour_in_each_contacts_zone(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(1, "paris", time_zone="Europe/Paris")
    journalists(1, "tokyo", time_zone="Asia/Tokyo")
    journalists(1, "nowhere")  # no zone: the send-out's own
    now = datetime(2031, 1, 10, 12, 0, tzinfo=UTC)
    schedule = Schedule.parse(local_time="09:00", time_zone="America/New_York")
    audience = Audience(lists=["paris", "tokyo", "nowhere"])
    sendout = create_sendout(session, release, audience, schedule, actor=SYSTEM, now=now)

    start_due(session, now)

    due = dict(
        session.execute(
            select(Delivery.email, Delivery.next_attempt_at).where(
                Delivery.sendout_id == sendout.id
            )
        ).all()
    )
    assert due["paris0@news.example"] == datetime(2031, 1, 11, 8, 0, tzinfo=UTC)
    assert due["tokyo0@news.example"] == datetime(2031, 1, 11, 0, 0, tzinfo=UTC)
    assert due["nowhere0@news.example"] == datetime(2031, 1, 10, 14, 0, tzinfo=UTC)


def test_next_local_time_keeps_the_wall_clock_hour_across_a_dst_change() -> None:
    after = datetime(2031, 3, 29, 12, 0, tzinfo=UTC)  # the day before Paris moves to summer time

    assert next_local_time("09:00", "Europe/Paris", after) == datetime(
        2031, 3, 30, 7, 0, tzinfo=UTC
    )


def test_each_move_is_recorded_with_its_reason(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(1)
    sendout = create_sendout(session, release, PRESS, Schedule(), actor=SYSTEM)
    pause_sendout(session, sendout, actor=SYSTEM, reason="waiting for the minister")
    resume_sendout(session, sendout, actor=SYSTEM)

    events = session.scalars(select(SendOutEvent).where(SendOutEvent.sendout_id == sendout.id))
    moves = [(e.from_state, e.to_state, e.reason) for e in events]
    assert moves[1:] == [
        (SendOutState.SCHEDULED, SendOutState.PAUSED, "waiting for the minister"),
        (SendOutState.PAUSED, SendOutState.SCHEDULED, None),
    ]


def test_resume_after_deliveries_were_made_goes_back_to_sending(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(1)
    sendout = create_sendout(session, release, PRESS, Schedule(), actor=SYSTEM)
    start_due(session, utcnow())
    pause_sendout(session, sendout, actor=SYSTEM)

    resume_sendout(session, sendout, actor=SYSTEM)

    assert sendout.state is SendOutState.SENDING


def test_cancel_skips_what_was_not_handed_over_and_is_final(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(3)
    sendout = create_sendout(session, release, PRESS, Schedule(), actor=SYSTEM)
    start_due(session, utcnow())

    assert cancel_sendout(session, sendout, actor=SYSTEM, reason="wrong release") == 3

    states = session.scalars(select(Delivery.state).where(Delivery.sendout_id == sendout.id))
    assert set(states) == {DeliveryState.SKIPPED}
    with pytest.raises(Conflict, match="cancelled and cannot become sending"):
        resume_sendout(session, sendout, actor=SYSTEM)


def test_sendout_with_nothing_left_open_is_completed(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    emails = journalists(1)
    sendout = create_sendout(session, release, PRESS, Schedule(), actor=SYSTEM)
    contact = session.scalars(select(Contact).where(Contact.email == emails[0])).one()
    session.delete(contact)  # nobody left in the audience
    start_due(session, utcnow())

    assert finish_done(session) == [sendout.id]
    assert sendout.state is SendOutState.COMPLETED


def test_dispatcher_asks_for_workers_once_until_their_heartbeat_goes_stale(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(2)
    now = utcnow()
    sendout = create_sendout(session, release, PRESS, Schedule(), actor=SYSTEM, now=now)
    start_due(session, now)
    stale = timedelta(seconds=60)

    assert needing_workers(session, now, stale) == [sendout.id]
    assert needing_workers(session, now + timedelta(seconds=30), stale) == []
    assert needing_workers(session, now + timedelta(seconds=61), stale) == [sendout.id]
