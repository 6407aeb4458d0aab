"""The bounces page: records newest first with their reason, filtered by class, reason, address
and date, paginated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from distributor.models import BounceClass, BounceRecord, BounceSource, Role
from distributor.models.reasons import Reason
from distributor.web.admin.words import BOUNCE_CLASSES, BOUNCE_SOURCES
from tests.web.admin.conftest import Admin
from tests.web.recipients import ESCAPED_XSS, XSS

MARCH = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
JANUARY = datetime(2026, 1, 10, 14, 0, tzinfo=UTC)


def bounce(
    admin: Admin,
    recipient: str | None,
    kind: BounceClass,
    received_at: datetime,
    delivery_id: int | None = None,
    diagnostic: str = "",
    reason: Reason | None = None,
) -> None:
    admin.web.session.add(
        BounceRecord(
            source=BounceSource.RECEIVER,
            classification=kind,
            recipient=recipient,
            delivery_id=delivery_id,
            received_at=received_at,
            diagnostic=diagnostic or f"{kind.value} bounce",
            reason=reason.value if reason is not None else None,
        )
    )


def some_bounces(admin: Admin) -> int:
    """A hard bounce of a delivery to anna, a soft one of an address we have no contact for,
    and a block of a delivery with no recipient named; anna's contact id."""
    anna = admin.web.newsroom.deliver("anna@tageblatt.example")
    clara = admin.web.newsroom.deliver("clara@diario.example")
    bounce(admin, "anna@tageblatt.example", BounceClass.HARD, MARCH, anna.id, "550 5.1.1 unknown")
    bounce(admin, "ben@kurier.example", BounceClass.SOFT, MARCH - timedelta(days=1))
    bounce(admin, None, BounceClass.BLOCK, JANUARY, clara.id)
    admin.commit()
    return anna.contact_id


def test_bounces_are_listed_newest_first_and_link_to_their_contacts(admin: Admin) -> None:
    anna = some_bounces(admin)
    clara = admin.web.newsroom.contact("clara@diario.example").id

    page = admin.signed_in(Role.VIEWER).get("/admin/bounces")

    assert page.status_code == 200
    text = page.text
    assert text.index("anna@tageblatt") < text.index("ben@kurier") < text.index("clara@diario")
    assert f'<a href="/admin/contacts/{anna}">anna@tageblatt.example</a>' in text
    assert f'<a href="/admin/contacts/{clara}">clara@diario.example</a>' in text
    assert '<td data-label="Address">ben@kurier.example</td>' in text  # no contact to link to
    assert "550 5.1.1 unknown" in text
    assert "3 in all." in text


def test_bounces_are_filtered_by_class(admin: Admin) -> None:
    some_bounces(admin)

    page = admin.signed_in(Role.VIEWER).get("/admin/bounces?classification=soft")

    assert "ben@kurier.example" in page.text
    assert "anna@tageblatt.example" not in page.text
    assert "clara@diario.example" not in page.text
    assert '<option value="soft" selected>' in page.text


def test_a_class_that_is_not_one_filters_nothing_and_says_so(admin: Admin) -> None:
    some_bounces(admin)

    page = admin.signed_in(Role.VIEWER).get("/admin/bounces?classification=bogus")

    assert page.status_code == 200
    assert "There is no kind of bounce by that name" in page.text
    assert "3 in all." in page.text


def test_every_kind_of_bounce_and_every_way_one_comes_in_has_words() -> None:
    assert set(BOUNCE_CLASSES) == set(BounceClass)
    assert set(BOUNCE_SOURCES) == set(BounceSource)


def test_the_kind_filter_offers_each_class_in_words(admin: Admin) -> None:
    page = admin.signed_in(Role.VIEWER).get("/admin/bounces")

    assert '<option value="">Any kind</option>' in page.text
    assert '<option value="hard">Permanent failure</option>' in page.text
    assert '<option value="auto_reply">Automatic reply</option>' in page.text
    assert '<option value="">Any reason</option>' in page.text


def test_bounces_are_searched_by_part_of_the_address_or_their_contacts(admin: Admin) -> None:
    some_bounces(admin)
    browser = admin.signed_in(Role.VIEWER)

    by_recipient = browser.get("/admin/bounces?q=KURIER")
    by_delivery = browser.get("/admin/bounces?q=diario")

    assert "ben@kurier.example" in by_recipient.text
    assert "anna@tageblatt.example" not in by_recipient.text
    assert "clara@diario.example" in by_delivery.text
    assert "ben@kurier.example" not in by_delivery.text


def test_bounces_are_filtered_by_the_day_they_came_since(admin: Admin) -> None:
    some_bounces(admin)

    page = admin.signed_in(Role.VIEWER).get("/admin/bounces?since=2026-03-04")

    assert "anna@tageblatt.example" in page.text
    assert "ben@kurier.example" in page.text
    assert "clara@diario.example" not in page.text
    assert 'value="2026-03-04"' in page.text


def test_a_date_that_is_not_one_is_refused_with_the_format(admin: Admin) -> None:
    page = admin.signed_in(Role.VIEWER).get("/admin/bounces?since=last-week")

    assert page.status_code == 400
    assert "write it as 2026-03-01" in page.text


def test_bounces_are_paginated_keeping_the_filters(admin: Admin) -> None:
    for number in range(55):
        received = MARCH + timedelta(minutes=number)
        bounce(admin, f"gone{number:02}@paper.example", BounceClass.HARD, received)
    bounce(admin, "late@paper.example", BounceClass.SOFT, MARCH + timedelta(days=1))
    admin.commit()
    browser = admin.signed_in(Role.VIEWER)

    first = browser.get("/admin/bounces?classification=hard")
    second = browser.get("/admin/bounces?classification=hard&page=2")

    assert first.text.count("@paper.example</td>") == 50
    assert "Page 1 of 2 (55 in all)" in first.text
    assert 'href="/admin/bounces?classification=hard&amp;page=2"' in first.text
    assert "gone54@paper.example" in first.text
    assert second.text.count("@paper.example</td>") == 5
    assert "gone00@paper.example" in second.text
    assert "late@paper.example" not in first.text + second.text


def test_what_a_bounce_says_is_shown_as_text(admin: Admin) -> None:
    bounce(admin, "x@paper.example", BounceClass.UNKNOWN, MARCH, diagnostic=XSS)
    admin.commit()

    page = admin.signed_in(Role.VIEWER).get("/admin/bounces")

    assert XSS not in page.text
    assert ESCAPED_XSS in page.text


def test_bounces_show_their_kind_reason_and_source_in_a_press_officers_words(admin: Admin) -> None:
    bounce(admin, "x@paper.example", BounceClass.BLOCK, MARCH, reason=Reason.SPAM_DETECTED)
    admin.commit()

    page = admin.signed_in(Role.VIEWER).get("/admin/bounces")

    assert "<th>Reason</th>" in page.text
    assert '<td data-label="Reason">blocked as spam</td>' in page.text
    assert '<td data-label="Kind">Refused by the receiving server</td>' in page.text
    assert '<td data-label="Source">Received by our bounce server</td>' in page.text


def test_a_bounce_kept_without_a_reason_shows_its_class_only(admin: Admin) -> None:
    bounce(admin, "x@paper.example", BounceClass.HARD, MARCH)
    admin.commit()

    page = admin.signed_in(Role.VIEWER).get("/admin/bounces")

    assert page.status_code == 200
    assert '<td data-label="Kind">Permanent failure</td><td data-label="Reason"></td>' in page.text


def test_bounces_are_filtered_by_reason(admin: Admin) -> None:
    bounce(admin, "full@paper.example", BounceClass.SOFT, MARCH, reason=Reason.MAILBOX_FULL)
    bounce(admin, "gone@paper.example", BounceClass.HARD, MARCH, reason=Reason.USER_UNKNOWN)
    admin.commit()

    page = admin.signed_in(Role.VIEWER).get("/admin/bounces?reason=mailboxfull")

    assert "full@paper.example" in page.text
    assert "gone@paper.example" not in page.text
    assert '<option value="mailboxfull" title="The mailbox is over its quota." selected>' in (
        page.text
    )


def test_a_reason_that_does_not_exist_filters_nothing_and_says_so_in_plain_words(
    admin: Admin,
) -> None:
    bounce(admin, "full@paper.example", BounceClass.SOFT, MARCH, reason=Reason.MAILBOX_FULL)
    admin.commit()

    page = admin.signed_in(Role.VIEWER).get("/admin/bounces?reason=gone")

    assert page.status_code == 200
    assert "There is no reason by that name" in page.text
    assert "full@paper.example" in page.text
    assert "userunknown" not in page.text.split("<table")[0].split("<select")[0]
