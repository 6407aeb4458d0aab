"""Engagement over the last weeks: delivery, open, click, reply, bounce, unsubscribe and complaint
rates of the send-outs started in a window, week by week.

Each send-out counts in the week it started, with everything that happened to its
messages since, so a rate never mixes the replies to one send-out with the messages
of another. Opens and clicks are rates of the messages that counted them: a send-out
without open or click counting adds nothing to either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.models import Delivery, SendOut
from distributor.overview.results import (
    OPENS_CAVEAT,
    Results,
    bounce_reasons,
    sendout_results,
    share,
)

# The windows a press officer may choose, in days; the first is the default.
WINDOWS = (30, 90)


@dataclass(frozen=True)
class Rate:
    """`count` out of `of`, as a press officer reads it."""

    name: str
    label: str
    count: int
    of: int
    caveat: str | None = None

    @property
    def value(self) -> float | None:
        """The percentage; None with nothing to measure it on."""
        return share(self.count, self.of)


@dataclass(frozen=True)
class Week:
    """The send-outs started in the week from `start` (a Monday), or over a whole window."""

    start: date
    sendouts: int = 0
    results: Results = field(default_factory=Results)
    opens_counted: int = 0  # messages delivered by send-outs that counted opens
    clicks_counted: int = 0  # messages delivered by send-outs that counted clicks

    def rates(self) -> list[Rate]:
        r = self.results
        return [
            Rate("delivery", "Delivery rate", r.delivered, r.attempted),
            Rate("open", "Open rate", r.opened, self.opens_counted, OPENS_CAVEAT),
            Rate("click", "Click rate", r.clicked, self.clicks_counted),
            Rate("reply", "Reply rate", r.replied, r.delivered),
            Rate("bounce", "Bounce rate", r.bounced, r.attempted),
            Rate("unsubscribe", "Unsubscribe rate", r.unsubscribed, r.delivered),
            Rate("complaint", "Complaint rate", r.complained, r.delivered),
        ]

    def __add__(self, other: Week) -> Week:
        return Week(
            min(self.start, other.start),
            self.sendouts + other.sendouts,
            self.results + other.results,
            self.opens_counted + other.opens_counted,
            self.clicks_counted + other.clicks_counted,
        )


@dataclass(frozen=True)
class Engagement:
    """The window's weeks, oldest first (empty ones included), their sum, and why messages
    bounced (reason name -> bounced deliveries, most frequent first)."""

    days: int
    since: datetime
    weeks: list[Week]
    total: Week
    bounce_reasons: dict[str, int]

    def series(self, name: str) -> list[tuple[date, Rate]]:
        """One rate, week by week."""
        return [(week.start, _named(week.rates(), name)) for week in self.weeks]


def _named(rates: list[Rate], name: str) -> Rate:
    return next(rate for rate in rates if rate.name == name)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def engagement(session: Session, now: datetime, days: int = WINDOWS[0]) -> Engagement:
    """The rates of the send-outs started in the `days` before `now`, in three queries."""
    since = now - timedelta(days=days)
    started = session.execute(
        select(SendOut.id, SendOut.started_at, SendOut.track_opens, SendOut.track_clicks).where(
            SendOut.started_at >= since
        )
    ).all()
    results = sendout_results(session, [row.id for row in started])
    first, last = _monday(since.date()), _monday(now.date())
    weeks = {
        first + timedelta(weeks=n): Week(first + timedelta(weeks=n))
        for n in range((last - first).days // 7 + 1)
    }
    for row in started:
        of = results[row.id]
        monday = _monday(row.started_at.date())
        weeks[monday] = weeks[monday] + Week(
            monday,
            1,
            of,
            of.delivered if row.track_opens else 0,
            of.delivered if row.track_clicks else 0,
        )
    ordered = list(weeks.values())
    total = sum(ordered, Week(first))
    reasons = bounce_reasons(session, Delivery.sendout_id.in_([row.id for row in started]))
    return Engagement(days, since, ordered, total, reasons)
