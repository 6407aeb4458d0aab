"""The time zones an audience lives in: what the new send-out form shows a chosen time in."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.contacts import list_lists
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import create_list
from distributor.contacts.segments import create_segment, parse_where_all
from distributor.contacts.subscriptions import subscribe
from distributor.contacts.suppressions import suppress
from distributor.models import SuppressionReason
from distributor.sending.scheduling.sendouts import Audience
from distributor.sending.scheduling.zones import ZoneShare, audience_zones


def _journalists(session: Session, slug: str, count: int, **fields: str) -> list[str]:
    """`count` journalists on list `slug` (made if new), with the same `fields`."""
    if not any(item.slug == slug for item in list_lists(session)):
        create_list(session, slug, SYSTEM, name=slug.title())
    prefix = "-".join(fields.values()).lower().replace("/", "-") or "nowhere"
    emails = [f"{prefix}-{number}@{slug}.example" for number in range(count)]
    for email in emails:
        add_contact(session, {"email": email, **fields}, SYSTEM)
        subscribe(session, email, slug, SYSTEM)
    session.flush()
    return emails


def test_the_audiences_largest_zones_come_first_and_a_country_stands_for_its_main_zone(
    session: Session,
) -> None:
    _journalists(session, "europe", 5, time_zone="Europe/Paris")
    _journalists(session, "europe", 3, country="GB")  # no zone of their own: London's
    _journalists(session, "europe", 2, time_zone="America/New_York")
    _journalists(session, "europe", 1, time_zone="Asia/Tokyo")
    _journalists(session, "europe", 4)  # neither zone nor country: not counted

    zones = audience_zones(session, Audience(lists=["europe"]))

    assert zones == [
        ZoneShare("Europe/Paris", 5),
        ZoneShare("Europe/London", 3),
        ZoneShare("America/New_York", 2),
    ]


def test_a_time_reads_on_each_zones_clock_under_the_name_people_use() -> None:
    moment = datetime(2027, 2, 3, 8, 0, tzinfo=UTC)

    shown = [
        (share.clock(moment), share.place)
        for share in (ZoneShare("Europe/Paris", 1), ZoneShare("America/New_York", 1))
    ]

    assert shown == [("09:00", "Paris"), ("03:00", "New York")]


def test_segments_count_and_suppressed_addresses_do_not(session: Session) -> None:
    _journalists(session, "wire", 2, country="DE")
    create_segment(session, "japan", parse_where_all(["country = JP"]), SYSTEM)
    tokyo = _journalists(session, "asia", 3, country="JP")
    for email in tokyo[:2]:
        suppress(session, email, SuppressionReason.UNSUBSCRIBED, actor=SYSTEM)
    session.flush()

    zones = audience_zones(session, Audience(lists=["wire"], segments=["japan"]))

    assert zones == [ZoneShare("Europe/Berlin", 2), ZoneShare("Asia/Tokyo", 1)]


def test_no_list_or_segment_chosen_lives_nowhere(session: Session) -> None:
    _journalists(session, "europe", 2, time_zone="Europe/Paris")

    assert audience_zones(session, Audience()) == []
