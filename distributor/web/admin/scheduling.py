"""When a send-out goes, as a press officer says it: now, at a day and time on their own clock,
or at a time of day on each journalist's clock; read from the form field by field, each
mistake refused beside its field (admin/_when.html shows the fields)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo

from distributor.accounts import available_zones
from distributor.models import ScheduleKind
from distributor.sending import Schedule
from distributor.web.admin.forms import Form

# The form's "when" choices, in the order they are offered.
WHEN = (
    ("now", "Send now"),
    ("at", "At a date and time"),
    ("local", "At a local time in each journalist's own time zone"),
)
FIELDS = ("when", "date", "time", "local_time", "time_zone")


def zone_options() -> list[tuple[str, str]]:
    """Every time zone as (name, how it reads), sorted: the choices of a zone select."""
    return [(zone, zone.replace("_", " ")) for zone in sorted(available_zones())]


def schedule_from(form: Form, zone: tzinfo, now: datetime) -> Schedule | None:
    """The schedule the form's fields say, read on `zone`'s clock; None when a field is wrong,
    each mistake refused on its field."""
    when = form.value("when")
    if when == "now":
        return Schedule()
    if when == "at":
        moment = _moment(form, zone, refuse=True)
        if moment is None:
            return None
        if moment <= now:
            form.refuse("time", "This time has already passed: choose a time in the future.")
            return None
        return Schedule(ScheduleKind.AT, moment.astimezone(UTC))
    if when == "local":
        clock = _clock(form.value("local_time"))
        if clock is None:
            form.refuse("local_time", _clock_problem(form.value("local_time")))
        if form.value("time_zone") not in available_zones():
            form.refuse("time_zone", "Choose a time zone from the list, such as Europe/Paris.")
        if clock is None or not form.valid:
            return None
        return Schedule(ScheduleKind.LOCAL_TIME, None, f"{clock:%H:%M}", form.value("time_zone"))
    form.refuse("when", "Choose when it goes: now, at a date and time, or at a local time.")
    return None


def chosen_moment(form: Form, zone: tzinfo) -> datetime | None:
    """The day and time typed so far, on `zone`'s clock; None until both read right."""
    return _moment(form, zone, refuse=False)


def _moment(form: Form, zone: tzinfo, *, refuse: bool) -> datetime | None:
    day = _day(form.value("date"))
    clock = _clock(form.value("time"))
    if refuse and day is None:
        if form.value("date"):
            form.refuse("date", "Give the day as a date, such as 2027-02-03.")
        else:
            form.refuse("date", "Choose the day it goes.")
    if refuse and clock is None:
        form.refuse("time", _clock_problem(form.value("time")))
    if day is None or clock is None:
        return None
    return datetime.combine(day, clock, tzinfo=zone)


def _clock_problem(typed: str) -> str:
    if typed:
        return "Give the time as hours and minutes, such as 09:00."
    return "Choose the time it goes."


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _clock(text: str) -> time | None:
    try:
        clock = time.fromisoformat(text.strip())
    except ValueError:
        return None
    return clock.replace(second=0, microsecond=0, tzinfo=None)
