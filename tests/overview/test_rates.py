"""Engagement rates over the last 30 or 90 days, week by week, each send-out in the week it
started; opens and clicks only of the messages that counted them."""

from __future__ import annotations

from datetime import date, timedelta

from distributor.models import Release
from distributor.overview import (
    engagement,
    recent_sendouts,
    upcoming_embargo_lifts,
    upcoming_sendouts,
)
from tests.overview.launch import NOW, REPLIED, SENT, Newsdesk, launch


def _older_sendout(desk: Newsdesk, days_ago: int) -> None:
    """Four messages delivered without counting opens or clicks; one of them answered."""
    sendout = desk.sendout(NOW - timedelta(days=days_ago), track_opens=False, track_clicks=False)
    for n in range(4):
        contact = desk.journalist(f"desk{n}@agency.example", "Desk", str(n), "Agency", "BE")
        delivery = desk.deliver(sendout, contact, SENT)
        if n == 0:
            desk.react(delivery, REPLIED, NOW - timedelta(days=days_ago - 1))
    desk.session.flush()


def test_rates_of_the_last_30_days(desk: Newsdesk) -> None:
    launch(desk, NOW - timedelta(days=3))
    _older_sendout(desk, days_ago=60)

    rates = {rate.name: rate for rate in engagement(desk.session, NOW, 30).total.rates()}

    assert {name: (rate.count, rate.of) for name, rate in rates.items()} == {
        "delivery": (5, 8),
        "open": (2, 5),
        "click": (2, 5),
        "reply": (1, 5),
        "bounce": (2, 8),
        "unsubscribe": (1, 5),
        "complaint": (1, 5),
    }
    assert rates["delivery"].value == 62.5
    assert rates["open"].caveat is not None
    assert "unreliable" in rates["open"].caveat


def test_over_90_days_opens_are_a_rate_of_the_messages_that_counted_them(desk: Newsdesk) -> None:
    launch(desk, NOW - timedelta(days=3))
    _older_sendout(desk, days_ago=60)
    _older_sendout(desk, days_ago=100)  # before the window

    total = engagement(desk.session, NOW, 90).total
    rates = {rate.name: (rate.count, rate.of) for rate in total.rates()}

    assert total.sendouts == 2
    assert rates["open"] == (2, 5)
    assert rates["reply"] == (2, 9)
    assert rates["delivery"] == (9, 12)


def test_weeks_run_from_the_windows_first_monday_empty_ones_included(desk: Newsdesk) -> None:
    launch(desk, NOW - timedelta(days=3))  # Tuesday 17 November

    found = engagement(desk.session, NOW, 30)

    assert [week.start for week in found.weeks] == [
        date(2026, 10, 19),
        date(2026, 10, 26),
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
    ]
    series = found.series("bounce")
    assert [rate.value for _, rate in series] == [None, None, None, None, 25.0]
    assert found.bounce_reasons == {"mailboxfull": 1, "userunknown": 1}


def test_recent_sendouts_newest_first_and_upcoming_the_next_due_first(desk: Newsdesk) -> None:
    older = desk.sendout(NOW - timedelta(days=9))
    newer = launch(desk, NOW - timedelta(days=3))
    later = desk.sendout(None, scheduled_at=NOW + timedelta(days=5))
    sooner = desk.sendout(None, scheduled_at=NOW + timedelta(hours=5))

    recent, upcoming = recent_sendouts(desk.session), upcoming_sendouts(desk.session)

    assert [line.id for line in recent] == [newer.id, older.id]
    assert recent[0].title == "New research fleet launched"
    assert recent[0].results.total == 10
    assert [line.id for line in upcoming] == [sooner.id, later.id]


def test_embargo_lifts_to_come_the_soonest_first(desk: Newsdesk) -> None:
    desk.release.embargo_until = NOW + timedelta(days=2)
    desk.sendout(None, scheduled_at=NOW + timedelta(days=2))
    lifted = Release(slug="lifted-already", embargo_until=NOW - timedelta(days=1))
    sooner = Release(slug="budget-2027", embargo_until=NOW + timedelta(hours=3))
    desk.session.add_all([lifted, sooner])
    desk.session.flush()

    lifts = upcoming_embargo_lifts(desk.session, NOW)

    assert [(lift.title, lift.sendouts) for lift in lifts] == [
        ("budget-2027", 0),
        (desk.release.version().title, 1),
    ]
