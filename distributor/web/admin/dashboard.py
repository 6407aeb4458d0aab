"""/admin: the dashboard: send-outs waiting on a part that is not running, send-outs lately
and to come, engagement over the last weeks as charts, and embargoes about to lift."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from distributor.models import reason_label, utcnow
from distributor.observability import staffing
from distributor.overview import (
    WINDOWS,
    Engagement,
    engagement,
    overview,
    recent_sendouts,
    upcoming_embargo_lifts,
    upcoming_sendouts,
)
from distributor.web.admin.access import Reader
from distributor.web.admin.charts import Bar, bar_chart, percent
from distributor.web.admin.views import admin_page, transaction
from distributor.web.admin.words import BOUNCE_CLASSES, WAITING_ON, WHO_HELPS

router = APIRouter()


@router.get("/admin")
def dashboard(request: Request, who: Reader, days: int = WINDOWS[0]) -> HTMLResponse:
    days = days if days in WINDOWS else WINDOWS[0]
    now = utcnow()
    with transaction(request) as session:
        rates = engagement(session, now, days)
        return admin_page(
            request,
            who,
            "dashboard.html",
            "Dashboard",
            overview=overview(session),
            recent=recent_sendouts(session),
            upcoming=upcoming_sendouts(session),
            embargoes=upcoming_embargo_lifts(session, now),
            waiting=staffing(session, now).waiting,
            waiting_on=WAITING_ON,
            who_helps=WHO_HELPS,
            engagement=rates,
            charts=_charts(rates),
            windows=WINDOWS,
            percent=percent,
            reason_label=reason_label,
            classes=BOUNCE_CLASSES,
        )


def _charts(rates: Engagement) -> dict[str, Markup]:
    """A chart of each rate, week by week."""
    return {
        rate.name: bar_chart(
            f"chart-{rate.name}",
            f"{rate.label} per week, last {rates.days} days",
            [
                Bar(f"{start.day} {start:%b}", point.value, percent(point.value))
                for start, point in rates.series(rate.name)
            ],
        )
        for rate in rates.total.rates()
    }
