"""A send-out's results and its report: every message counted once where it stands, every
reaction once per message, and the same figures for each outlet and country."""

from __future__ import annotations

from datetime import timedelta

from distributor.overview import Group, LinkClicks, Results, sendout_figures, sendout_results
from tests.overview.launch import DOSSIER, NOW, PHOTOS, Newsdesk, launch

LAUNCH = Results(
    total=10,
    delivered=5,
    pending=1,
    bounced=2,
    failed=1,
    skipped=1,
    opened=2,
    clicked=2,
    replied=1,
    unsubscribed=1,
    complained=1,
)


def test_each_message_counts_once_where_it_stands_and_once_per_reaction(desk: Newsdesk) -> None:
    sendout = launch(desk, NOW - timedelta(days=3))

    found = sendout_results(desk.session, [sendout.id])

    assert found == {sendout.id: LAUNCH}
    assert (LAUNCH.attempted, LAUNCH.settled, LAUNCH.progress) == (8, 9, 0.9)


def test_a_sendout_not_started_has_empty_results(desk: Newsdesk) -> None:
    waiting = desk.sendout(None, scheduled_at=NOW + timedelta(days=1))

    assert sendout_results(desk.session, [waiting.id]) == {waiting.id: Results()}


def test_links_count_the_recipients_who_followed_them_and_every_click(desk: Newsdesk) -> None:
    sendout = launch(desk, NOW - timedelta(days=3))

    figures = sendout_figures(desk.session, sendout.id)

    assert figures.links == [LinkClicks(DOSSIER, unique=2, total=3), LinkClicks(PHOTOS, 1, 1)]


def test_results_by_outlet_the_largest_first_and_those_without_one_last(desk: Newsdesk) -> None:
    sendout = launch(desk, NOW - timedelta(days=3))

    outlets = sendout_figures(desk.session, sendout.id).outlets

    assert [group.name for group in outlets] == ["Die Zeit", "Le Monde", "The Guardian", None]
    assert outlets[1] == Group(
        "Le Monde", Results(total=3, delivered=2, bounced=1, opened=2, clicked=1)
    )
    assert outlets[0].results == Results(
        total=3, delivered=2, bounced=1, clicked=1, replied=1, unsubscribed=1
    )
    assert outlets[3] == Group(None, Results(total=1, pending=1))


def test_results_by_country(desk: Newsdesk) -> None:
    sendout = launch(desk, NOW - timedelta(days=3))

    countries = {g.name: g.results for g in sendout_figures(desk.session, sendout.id).countries}

    assert countries["GB"] == Results(total=3, delivered=1, failed=1, skipped=1, complained=1)
    assert sum(countries.values(), Results()) == LAUNCH


def test_bounces_are_counted_by_the_reason_their_report_gave(desk: Newsdesk) -> None:
    sendout = launch(desk, NOW - timedelta(days=3))

    figures = sendout_figures(desk.session, sendout.id)

    assert figures.bounce_reasons == {"mailboxfull": 1, "userunknown": 1}
