"""One send-out's report: how its messages went, which links were followed, and how each outlet
and country received it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from distributor.errors import NotFound
from distributor.models import Contact, Delivery, DeliveryEvent, DeliveryEventKind, SendOut
from distributor.overview.desk import SendOutLine, sendout_line
from distributor.overview.results import Results, bounce_reasons, tally

# Outlets shown by name, the largest first; the rest are summed up.
OUTLETS_SHOWN = 25


@dataclass(frozen=True)
class LinkClicks:
    url: str
    unique: int  # recipients who followed it
    total: int  # every click, the same recipient's again included


@dataclass(frozen=True)
class Group:
    """The recipients sharing an outlet or a country; `name` None for those without one."""

    name: str | None
    results: Results


@dataclass(frozen=True)
class SendOutFigures:
    sendout: SendOutLine
    bounce_reasons: dict[str, int]  # reason name -> bounced deliveries
    links: list[LinkClicks]  # the most followed first
    outlets: list[Group]  # the OUTLETS_SHOWN with most recipients
    other_outlets: Group | None  # all the others summed up, None when there are none
    countries: list[Group]  # the most recipients first


def sendout_figures(session: Session, sendout_id: int) -> SendOutFigures:
    """The figures of send-out `sendout_id`, in a handful of grouped queries."""
    sendout = session.get(SendOut, sendout_id)
    if sendout is None:
        raise NotFound(f"no send-out {sendout_id}")
    of_sendout = Delivery.sendout_id == sendout_id
    # One pass by outlet and country together serves both tables and the send-out's own line:
    # each message falls in exactly one group, so the groups add up to either.
    places = tally(session, of_sendout, (Contact.outlet, Contact.country))
    outlets = _groups(_by(places, 0))
    others = outlets[OUTLETS_SHOWN:]
    # Deliveries are made when a send-out starts: one not started has no results yet.
    counted = sum(places.values(), Results()) if sendout.started_at else Results()
    return SendOutFigures(
        sendout=sendout_line(sendout, counted),
        bounce_reasons=bounce_reasons(session, of_sendout),
        links=link_clicks(session, sendout_id),
        outlets=outlets[:OUTLETS_SHOWN],
        other_outlets=Group(None, sum((g.results for g in others), Results())) if others else None,
        countries=_groups(_by(places, 1)),
    )


def _by(
    places: dict[tuple[str | None, str | None], Results], part: int
) -> dict[str | None, Results]:
    """The results by outlet (`part` 0) or by country (1)."""
    summed: dict[str | None, Results] = {}
    for place, results in places.items():
        summed[place[part]] = summed.get(place[part], Results()) + results
    return summed


def _groups(found: dict[str | None, Results]) -> list[Group]:
    """Largest first; those without a name last."""
    return sorted(
        (Group(name, results) for name, results in found.items()),
        key=lambda g: (g.name is None, -g.results.total, g.name or ""),
    )


def link_clicks(session: Session, sendout_id: int) -> list[LinkClicks]:
    """Each link of the send-out that was followed, with its unique and total clicks."""
    url = DeliveryEvent.detail
    rows = session.execute(
        select(url, func.count(func.distinct(DeliveryEvent.delivery_id)), func.count())
        .join(Delivery, Delivery.id == DeliveryEvent.delivery_id)
        .where(Delivery.sendout_id == sendout_id, DeliveryEvent.kind == DeliveryEventKind.CLICKED)
        .group_by(url)
    )
    links = [LinkClicks(str(link or ""), unique, total) for link, unique, total in rows]
    return sorted(links, key=lambda link: (-link.unique, -link.total, link.url))
