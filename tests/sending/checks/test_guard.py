"""The send-time guard: night, weekend and too many releases a day, in each recipient's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings
from distributor.models import Release, SendOut
from distributor.sending.scheduling.checks.findings import ChecksFailed
from distributor.sending.scheduling.dispatch import start_due
from distributor.sending.scheduling.sendouts import Audience, Schedule, create_sendout
from tests.sending.checks.conftest import CheckedSettings, ReleaseWith
from tests.sending.conftest import AddJournalists

PRESS = Audience(lists=["press"])
BEFORE = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # a Monday, before every send below


@pytest.fixture
def world(journalists: AddJournalists) -> None:
    """Five journalists in Paris, one in Tokyo, one in New York, all on the press list."""
    journalists(5, time_zone="Europe/Paris")
    journalists(1, slug="press", domain="tokyo.example", time_zone="Asia/Tokyo")
    journalists(1, slug="press", domain="ny.example", time_zone="America/New_York")


def _create(
    session: Session, release: Release, settings: Settings, schedule: Schedule, **options: object
) -> SendOut:
    return create_sendout(
        session, release, PRESS, schedule, actor=SYSTEM, settings=settings, now=BEFORE, **options
    )


def _codes(refused: pytest.ExceptionInfo[ChecksFailed]) -> list[str]:
    return [finding.code for finding in refused.value.result.findings]


@pytest.mark.usefixtures("world")
def test_three_in_the_morning_for_most_recipients_needs_confirmation(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    at_three_in_paris = Schedule.parse("2026-12-01T03:00+01:00")
    with pytest.raises(ChecksFailed) as refused:
        _create(session, release, checked_settings(), at_three_in_paris)
    assert refused.value.needs_confirmation
    assert _codes(refused) == ["guard.off_hours"]
    assert "5 of 7 recipients" in str(refused.value)
    assert session.scalar(select(func.count()).select_from(SendOut)) == 0


@pytest.mark.usefixtures("world")
def test_confirmed_night_send_is_scheduled_with_its_warning_stored(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    at_three_in_paris = Schedule.parse("2026-12-01T03:00+01:00")
    sendout = _create(session, release, checked_settings(), at_three_in_paris, confirm=True)
    assert sendout.preflight is not None
    assert sendout.preflight["confirmed"] is True
    assert [f["code"] for f in sendout.preflight["findings"]] == ["guard.off_hours"]


@pytest.mark.usefixtures("world")
def test_ten_in_the_morning_on_a_tuesday_passes(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    # 04:00 in New York: one recipient of seven is under the 20 % share.
    sendout = _create(
        session, release, checked_settings(), Schedule.parse("2026-12-01T10:00+01:00")
    )
    assert sendout.preflight is not None
    assert sendout.preflight["findings"] == []


@pytest.mark.usefixtures("world")
def test_local_time_send_that_lands_on_a_saturday_needs_confirmation(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    # Not before Friday 21:00 UTC: 09:00 comes next on Saturday in Paris and Tokyo.
    schedule = Schedule.parse("2026-12-04T21:00Z", local_time="09:00", time_zone="Europe/Paris")
    with pytest.raises(ChecksFailed) as refused:
        _create(session, release, checked_settings(), schedule)
    assert _codes(refused) == ["guard.off_hours"]
    assert "Sat 09:00 in Europe/Paris" in str(refused.value)


@pytest.mark.usefixtures("world")
def test_local_time_send_on_a_weekday_morning_passes(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    schedule = Schedule.parse("2026-12-01T00:00Z", local_time="09:00", time_zone="Europe/Paris")
    sendout = _create(session, release, checked_settings(), schedule)
    assert sendout.preflight is not None
    assert sendout.preflight["findings"] == []


@pytest.mark.parametrize(
    ("at", "fires"),
    [
        # New York moves to daylight time on 14 March 2027, Paris only on 28 March.
        ("2027-03-15T11:30Z", False),  # 07:30 EDT (06:30 in standard time)
        ("2027-03-15T10:30Z", True),  # 06:30 EDT
    ],
)
def test_quiet_hours_follow_the_clock_change(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    checked_settings: CheckedSettings,
    at: str,
    fires: bool,
) -> None:
    journalists(3, time_zone="America/New_York")
    settings = checked_settings()
    if fires:
        with pytest.raises(ChecksFailed) as refused:
            _create(session, release, settings, Schedule.parse(at))
        assert "Mon 06:30 in America/New_York" in str(refused.value)
    else:
        assert _create(session, release, settings, Schedule.parse(at)).preflight is not None


def test_a_third_release_the_same_day_needs_confirmation(
    session: Session,
    release_with: ReleaseWith,
    journalists: AddJournalists,
    checked_settings: CheckedSettings,
) -> None:
    journalists(3, time_zone="Europe/Paris")
    settings = checked_settings()
    # Three releases, not one release three times (that is a repeat, with its own warning).
    morning = _create(
        session, release_with("other-1"), settings, Schedule.parse("2026-12-01T09:00+01:00")
    )
    start_due(session, morning.scheduled_at)  # its deliveries are queued
    _create(
        session, release_with("other-2"), settings, Schedule.parse("2026-12-01T11:00+01:00")
    )  # scheduled
    with pytest.raises(ChecksFailed) as refused:
        _create(
            session, release_with("other-3"), settings, Schedule.parse("2026-12-01T15:00+01:00")
        )
    assert _codes(refused) == ["guard.daily_limit"]
    assert "3 journalists would get more than 2 releases" in str(refused.value)


def test_releases_on_other_local_days_do_not_count(
    session: Session,
    release_with: ReleaseWith,
    journalists: AddJournalists,
    checked_settings: CheckedSettings,
) -> None:
    journalists(3, time_zone="Europe/Paris")
    settings = checked_settings()
    _create(session, release_with("other-1"), settings, Schedule.parse("2026-12-01T09:00+01:00"))
    _create(session, release_with("other-2"), settings, Schedule.parse("2026-12-01T21:30+01:00"))
    # 00:30 on the 2nd in Paris, though still the 1st in UTC.
    later = _create(
        session,
        release_with("other-3"),
        settings,
        Schedule.parse("2026-12-02T00:30+01:00"),
        confirm=True,
    )
    assert later.preflight is not None
    assert [f["code"] for f in later.preflight["findings"]] == ["guard.off_hours"]


def test_daily_limit_of_zero_is_off(
    session: Session,
    release_with: ReleaseWith,
    journalists: AddJournalists,
    checked_settings: CheckedSettings,
) -> None:
    journalists(2, time_zone="Europe/Paris")
    settings = checked_settings(daily_release_limit="0")
    for hour in ("09", "11", "15"):
        schedule = Schedule.parse(f"2026-12-01T{hour}:00+01:00")
        _create(session, release_with(f"other-{hour}"), settings, schedule)
    assert session.scalar(select(func.count()).select_from(SendOut)) == 3
