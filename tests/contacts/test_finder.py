"""Contacts across all lists: a filter becomes one condition, sorted and paged in SQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from distributor.contacts.directory import add_contact
from distributor.contacts.finder import (
    ContactFilter,
    ContactStatus,
    Engagement,
    Sorting,
    SortKey,
    filter_problems,
    find_contacts,
)
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe, unsubscribe
from distributor.contacts.suppressions import add_suppression
from distributor.errors import InvalidInput
from distributor.models import Contact, DeliveryEventKind, DeliveryState, utcnow
from tests.contacts.deliveries import delivery
from tests.contacts.imports import ADMIN


def _add(session: Session, email: str, **fields: str) -> Contact:
    return add_contact(session, {"email": email, **fields}, ADMIN)


@pytest.fixture
def desk(session: Session) -> dict[str, Contact]:
    """Five journalists on two lists, in several scripts and countries."""
    create_list(session, "film", ADMIN)
    create_list(session, "politics", ADMIN)
    people = {
        "anna": _add(session, "anna@tageblatt.example", first_name="Anna", last_name="Müller",
                     outlet="Tageblatt", country="DE", language="de", beats="film, culture"),
        "claire": _add(session, "claire@quotidien.example", first_name="Claire",
                       last_name="Dupont", outlet="Le Quotidien", country="FR", language="fr-CA"),
        "ivan": _add(session, "ivan@vesti.example", first_name="Иван", last_name="Петров",
                     outlet="Вести", country="RU", language="ru", beats="politics"),
        "jean": _add(session, "jean@radio.example", first_name="Jean", last_name="Martin",
                     outlet="Radio Matin", country="FR", language="fr", role="editor"),
        "zoe": _add(session, "zoe@wire.example", first_name="Zoë", last_name="Adams"),
    }  # fmt: skip
    for name in ("anna", "claire"):
        subscribe(session, people[name].email, "film", ADMIN)
    for name in ("ivan", "jean", "claire"):
        subscribe(session, people[name].email, "politics", ADMIN)
    session.flush()
    return people


BY_NAME = Sorting()


def _emails(session: Session, wanted: ContactFilter, sorting: Sorting = BY_NAME) -> list[str]:
    return [line.email for line in find_contacts(session, wanted, sorting).lines]


def test_no_filter_finds_everyone_sorted_by_last_name(
    session: Session, desk: dict[str, Contact]
) -> None:
    assert _emails(session, ContactFilter()) == [
        "zoe@wire.example",
        "claire@quotidien.example",
        "jean@radio.example",
        "anna@tageblatt.example",
        "ivan@vesti.example",
    ]


def test_search_folds_case_in_every_script_and_needs_every_word(
    session: Session, desk: dict[str, Contact]
) -> None:
    assert _emails(session, ContactFilter(text="МЮЛЛЕР петров")) == []
    assert _emails(session, ContactFilter(text="петров")) == ["ivan@vesti.example"]
    assert _emails(session, ContactFilter(text="MÜLLER")) == ["anna@tageblatt.example"]
    assert _emails(session, ContactFilter(text="TAGEBLATT")) == ["anna@tageblatt.example"]
    assert _emails(session, ContactFilter(text="editor radio")) == ["jean@radio.example"]


def test_a_search_for_a_like_wildcard_finds_it_literally(
    session: Session, desk: dict[str, Contact]
) -> None:
    assert _emails(session, ContactFilter(text="%")) == []


def test_country_and_language_filters_take_names_and_codes(
    session: Session, desk: dict[str, Contact]
) -> None:
    french = _emails(session, ContactFilter(country="France", language="French"))

    assert french == ["claire@quotidien.example", "jean@radio.example"]  # fr-CA is French too


def test_a_list_alone_means_subscribed_to_it(session: Session, desk: dict[str, Contact]) -> None:
    unsubscribe(session, desk["claire"].email, "film", ADMIN)

    assert _emails(session, ContactFilter(list_slug="film")) == ["anna@tageblatt.example"]
    left = ContactFilter(list_slug="film", status=ContactStatus.UNSUBSCRIBED)
    assert _emails(session, left) == ["claire@quotidien.example"]


def test_unsubscribed_without_a_list_means_on_lists_but_subscribed_to_none(
    session: Session, desk: dict[str, Contact]
) -> None:
    unsubscribe(session, desk["claire"].email, "film", ADMIN)
    unsubscribe(session, desk["ivan"].email, None, ADMIN)

    found = _emails(session, ContactFilter(status=ContactStatus.UNSUBSCRIBED))

    assert found == ["ivan@vesti.example"]  # Claire is still on politics


def test_suppressed_and_bounced_statuses(session: Session, desk: dict[str, Contact]) -> None:
    add_suppression(session, desk["jean"].email, "asked by phone", ADMIN)
    delivery(session, desk["anna"], DeliveryState.BOUNCED)

    assert _emails(session, ContactFilter(status=ContactStatus.SUPPRESSED)) == [
        "jean@radio.example"
    ]
    assert _emails(session, ContactFilter(status=ContactStatus.BOUNCED)) == [
        "anna@tageblatt.example"
    ]


def test_engagement_counts_opens_and_clicks_of_the_last_90_days(
    session: Session, desk: dict[str, Contact]
) -> None:
    now = utcnow()
    delivery(session, desk["anna"], events=(DeliveryEventKind.CLICKED,), at=now - timedelta(days=3))
    delivery(
        session, desk["ivan"], events=(DeliveryEventKind.OPENED,), at=now - timedelta(days=200)
    )
    delivery(session, desk["jean"], events=(DeliveryEventKind.OPENED,), at=now - timedelta(days=10))

    assert _emails(session, ContactFilter(engagement=Engagement.ACTIVE)) == [
        "jean@radio.example",
        "anna@tageblatt.example",
    ]
    assert _emails(session, ContactFilter(engagement=Engagement.CLICKED)) == [
        "anna@tageblatt.example"
    ]
    assert _emails(session, ContactFilter(engagement=Engagement.NEVER)) == [
        "zoe@wire.example",
        "claire@quotidien.example",
    ]
    assert "ivan@vesti.example" in _emails(session, ContactFilter(engagement=Engagement.QUIET))


def test_sorting_by_a_column_either_way(session: Session, desk: dict[str, Contact]) -> None:
    by_outlet = _emails(session, ContactFilter(list_slug="politics"), Sorting(SortKey.OUTLET, True))

    assert by_outlet == ["ivan@vesti.example", "jean@radio.example", "claire@quotidien.example"]


def test_pages_never_overlap_and_a_page_past_the_last_shows_the_last(
    session: Session, desk: dict[str, Contact]
) -> None:
    pages = [find_contacts(session, ContactFilter(), Sorting(), n, per_page=2) for n in (1, 2, 3)]
    beyond = find_contacts(session, ContactFilter(), Sorting(), 99, per_page=2)

    seen = [line.email for page in pages for line in page.lines]
    assert len(seen) == len(set(seen)) == 5
    assert (pages[0].total, pages[0].pages) == (5, 3)
    assert beyond.number == 3


@pytest.mark.parametrize("sorted_whole", [True, False], ids=["sorted-whole", "walked"])
def test_a_filtered_page_past_the_last_shows_the_last_with_its_contacts(
    session: Session,
    desk: dict[str, Contact],
    monkeypatch: pytest.MonkeyPatch,
    sorted_whole: bool,
) -> None:
    if not sorted_whole:
        monkeypatch.setattr("distributor.contacts.finder.SORTED_WHOLE", 0)

    beyond = find_contacts(session, ContactFilter(list_slug="politics"), Sorting(), 99, per_page=2)

    assert (beyond.total, beyond.number) == (3, 2)
    assert [line.email for line in beyond.lines] == ["ivan@vesti.example"]


@pytest.mark.parametrize("sorting", [Sorting(), Sorting(SortKey.OUTLET, True)])
def test_a_filter_pages_alike_whether_its_matches_are_sorted_whole_or_walked_by_index(
    session: Session, desk: dict[str, Contact], monkeypatch: pytest.MonkeyPatch, sorting: Sorting
) -> None:
    wanted = ContactFilter(list_slug="politics")

    def pages() -> list[list[str]]:
        found = [find_contacts(session, wanted, sorting, n, per_page=2) for n in (1, 2)]
        return [[line.email for line in page.lines] for page in found]

    sorted_whole = pages()
    monkeypatch.setattr("distributor.contacts.finder.SORTED_WHOLE", 0)

    assert pages() == sorted_whole
    assert [email for page in sorted_whole for email in page] == _emails(session, wanted, sorting)


def test_a_page_tells_lists_and_suppression_of_each_line(
    session: Session, desk: dict[str, Contact]
) -> None:
    add_suppression(session, desk["zoe"].email, "bounced", ADMIN)

    lines = {line.email: line for line in find_contacts(session, ContactFilter()).lines}

    assert lines["claire@quotidien.example"].lists == 2
    assert lines["zoe@wire.example"].suppressed is not None


def test_a_wrong_country_is_named_and_refused(session: Session, desk: dict[str, Contact]) -> None:
    assert set(filter_problems(ContactFilter(country="Narnia", language="Klingonish"))) == {
        "country",
        "language",
    }
    with pytest.raises(InvalidInput, match="Narnia"):
        find_contacts(session, ContactFilter(country="Narnia"))


def test_an_unknown_status_word_is_refused() -> None:
    with pytest.raises(InvalidInput, match="status 'asleep'"):
        ContactFilter.from_query({"status": "asleep"})
