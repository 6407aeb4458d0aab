"""Contacts one at a time: add, edit, show, search, delete, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.contacts.directory import (
    add_contact,
    contact_details,
    delete_contact,
    edit_contact,
    get_contact,
    search_contacts,
)
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe
from distributor.contacts.suppressions import suppress
from distributor.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from distributor.models import (
    AuditEntry,
    Delivery,
    DeliveryState,
    Role,
    Subscription,
    SuppressionReason,
)
from tests.contacts.deliveries import delivery

ADMIN = Actor("test:admin", Role.ADMIN)
OFFICER = Actor("test:officer", Role.PRESS_OFFICER)


def test_added_contact_has_normalized_address_and_cleaned_fields(session: Session) -> None:
    contact = add_contact(
        session,
        {
            "email": "Anna.Schmidt@Zeitung.Example",
            "name": "Anna Schmidt",
            "Publication": "Die Zeitung",
            "country": "Germany",
            "language": "Deutsch",
            "beats": "Film; Culture, film",
        },
        ADMIN,
    )
    assert contact.email == "anna.schmidt@zeitung.example"
    assert contact.original_email == "Anna.Schmidt@Zeitung.Example"
    assert (contact.first_name, contact.last_name) == ("Anna", "Schmidt")
    assert (contact.outlet, contact.country, contact.language) == ("Die Zeitung", "DE", "de")
    assert list(contact.beats) == ["culture", "film"] or sorted(contact.beats) == [
        "culture",
        "film",
    ]


def test_display_name_of_the_address_fills_the_name(session: Session) -> None:
    contact = add_contact(session, {"email": '"Jane Roe" <jane@x.example>'}, ADMIN)
    assert (contact.email, contact.name) == ("jane@x.example", "Jane Roe")


def test_an_invalid_optional_field_is_an_error_not_silently_dropped(session: Session) -> None:
    with pytest.raises(InvalidInput, match="country"):
        add_contact(session, {"email": "a@x.example", "country": "Atlantis"}, ADMIN)


def test_an_invalid_address_is_refused(session: Session) -> None:
    with pytest.raises(InvalidInput, match="email"):
        add_contact(session, {"email": "not-an-address"}, ADMIN)


def test_an_unknown_field_is_refused_with_the_known_ones(session: Session) -> None:
    with pytest.raises(InvalidInput, match=r"attributes\.NAME"):
        add_contact(session, {"email": "a@x.example", "coutry": "FR"}, ADMIN)


def test_custom_attributes_are_kept(session: Session) -> None:
    contact = add_contact(session, {"email": "a@x.example", "attributes.Twitter": "@anna"}, ADMIN)
    assert contact.attributes == {"Twitter": "@anna"}


def test_a_duplicate_address_in_another_case_is_a_conflict(session: Session) -> None:
    add_contact(session, {"email": "anna@x.example"}, ADMIN)
    with pytest.raises(Conflict, match=r"contacts edit anna@x\.example"):
        add_contact(session, {"email": "ANNA@X.example"}, ADMIN)


def test_a_suppressed_address_may_be_added(session: Session) -> None:
    suppress(session, "gone@x.example", SuppressionReason.HARD_BOUNCE, actor=ADMIN)
    add_contact(session, {"email": "gone@x.example"}, ADMIN)
    assert contact_details(session, "gone@x.example").suppression is not None


def test_html_and_line_breaks_in_names_are_stored_as_one_line_of_text(session: Session) -> None:
    contact = add_contact(
        session,
        {"email": "a@x.example", "first_name": "<script>alert(1)</script>\r\nBcc: x@y"},
        ADMIN,
    )
    assert contact.first_name == "<script>alert(1)</script> Bcc: x@y"


def test_edit_changes_fields_and_records_before_and_after(session: Session) -> None:
    add_contact(session, {"email": "a@x.example", "outlet": "Old Paper"}, ADMIN)
    change = edit_contact(session, "A@x.example", {"outlet": "New Paper", "country": "fr"}, ADMIN)
    assert (change.contact.outlet, change.contact.country) == ("New Paper", "FR")
    assert change.changed["outlet"] == {"from": "Old Paper", "to": "New Paper"}
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "contact.edit")).one()
    assert entry.details["changes"]["country"] == {"from": None, "to": "FR"}


def test_an_empty_value_clears_a_field_beats_and_an_attribute(session: Session) -> None:
    add_contact(
        session,
        {"email": "a@x.example", "outlet": "Paper", "beats": "film", "attributes.Desk": "Arts"},
        ADMIN,
    )
    change = edit_contact(
        session, "a@x.example", {"outlet": "", "beats": "", "attributes.Desk": ""}, ADMIN
    )
    assert change.contact.outlet is None
    assert list(change.contact.beats) == []
    assert change.contact.attributes == {}


def test_edit_merges_attributes(session: Session) -> None:
    add_contact(session, {"email": "a@x.example", "attributes.Desk": "Arts"}, ADMIN)
    change = edit_contact(session, "a@x.example", {"attributes.Twitter": "@a"}, ADMIN)
    assert change.contact.attributes == {"Desk": "Arts", "Twitter": "@a"}


def test_edit_with_a_full_name_splits_it(session: Session) -> None:
    add_contact(session, {"email": "a@x.example"}, ADMIN)
    contact = edit_contact(session, "a@x.example", {"name": "Schmidt, Anna"}, ADMIN).contact
    assert (contact.first_name, contact.last_name) == ("Anna", "Schmidt")


def test_a_changed_address_is_normalized_and_must_be_free(session: Session) -> None:
    add_contact(session, {"email": "a@x.example"}, ADMIN)
    add_contact(session, {"email": "b@x.example"}, ADMIN)
    with pytest.raises(Conflict):
        edit_contact(session, "a@x.example", {"email": "B@X.example"}, ADMIN)
    contact = edit_contact(session, "a@x.example", {"email": "New@X.example"}, ADMIN).contact
    assert (contact.email, contact.original_email) == ("new@x.example", "New@X.example")


def test_an_address_cannot_be_cleared(session: Session) -> None:
    add_contact(session, {"email": "a@x.example"}, ADMIN)
    with pytest.raises(InvalidInput, match="email"):
        edit_contact(session, "a@x.example", {"email": ""}, ADMIN)


def test_an_invalid_edit_leaves_the_contact_as_it_was(session: Session) -> None:
    add_contact(session, {"email": "a@x.example", "country": "FR"}, ADMIN)
    with pytest.raises(InvalidInput, match="language"):
        edit_contact(
            session,
            "a@x.example",
            {"email": "b@x.example", "country": "", "language": "Zzzish"},
            ADMIN,
        )
    contact = get_contact(session, "a@x.example")
    assert (contact.email, contact.country) == ("a@x.example", "FR")


def test_contact_is_found_by_id_or_any_spelling_of_its_address(session: Session) -> None:
    contact = add_contact(session, {"email": "a@x.example"}, ADMIN)
    assert get_contact(session, contact.id) is contact
    assert get_contact(session, str(contact.id)) is contact
    assert get_contact(session, "  A@X.EXAMPLE ") is contact


def test_a_missing_contact_names_the_search_command(session: Session) -> None:
    with pytest.raises(NotFound, match="distributor contacts search"):
        get_contact(session, "nobody@x.example")


def test_details_show_subscriptions_with_their_history(session: Session) -> None:
    add_contact(session, {"email": "a@x.example", "beats": "film"}, ADMIN)
    create_list(session, "film", ADMIN)
    subscribe(session, "a@x.example", "film", ADMIN, reason="met at Cannes")
    details = contact_details(session, "a@x.example")
    assert details.beats == ["film"]
    assert details.suppression is None
    (view,) = details.subscriptions
    assert (view.list_slug, view.status, view.reason, view.actor) == (
        "film",
        "subscribed",
        "met at Cannes",
        "test:admin",
    )
    assert details.as_dict()["subscriptions"][0]["channel"] == "admin"


def _journalists(session: Session) -> None:
    people = [
        {"email": "ivanov@gazeta.example", "name": "Иван Иванов", "outlet": "Газета", "country": "RU", "language": "ru", "beats": "politics"},
        {"email": "anna@zeitung.example", "name": "Anna Schmidt", "outlet": "Die Zeitung", "country": "DE", "language": "de", "beats": "film"},
        {"email": "jo@post.example", "name": "Jo Miller", "outlet": "The Post", "country": "GB", "language": "en-GB", "beats": "film; tech"},
        {"email": "pat_100%@wire.example", "name": "Pat Lee", "outlet": "Wire", "country": "US", "language": "en"},
    ]  # fmt: skip
    for person in people:
        add_contact(session, person, ADMIN)


def _found(session: Session, *args: str | None, **filters: str) -> list[str]:
    return [c.email for c in search_contacts(session, *args, **filters).contacts]  # type: ignore[arg-type]


def test_search_matches_address_name_and_outlet_in_any_case(session: Session) -> None:
    _journalists(session)
    assert _found(session, "ZEITUNG") == ["anna@zeitung.example"]
    assert _found(session, "jo mil") == ["jo@post.example"]
    assert _found(session, "the post") == ["jo@post.example"]


def test_search_folds_case_of_cyrillic_text(session: Session) -> None:
    _journalists(session)
    assert _found(session, "иванов") == ["ivanov@gazeta.example"]
    assert _found(session, "ГАЗЕТА") == ["ivanov@gazeta.example"]


def test_search_treats_percent_and_underscore_literally(session: Session) -> None:
    _journalists(session)
    assert _found(session, "_100%") == ["pat_100%@wire.example"]
    assert _found(session, "%") == ["pat_100%@wire.example"]


def test_search_filters_by_country_name_language_prefix_beat_and_outlet(session: Session) -> None:
    _journalists(session)
    assert _found(session, country="Germany") == ["anna@zeitung.example"]
    assert _found(session, language="en") == ["jo@post.example", "pat_100%@wire.example"]
    assert _found(session, beat="Film") == ["anna@zeitung.example", "jo@post.example"]
    assert _found(session, outlet="post", beat="tech") == ["jo@post.example"]


def test_search_by_list_finds_subscribed_contacts_only(session: Session) -> None:
    _journalists(session)
    create_list(session, "film", ADMIN)
    subscribe(session, "anna@zeitung.example", "film", ADMIN)
    assert _found(session, list_slug="film") == ["anna@zeitung.example"]
    with pytest.raises(NotFound):
        search_contacts(session, list_slug="nope")


def test_search_pages_with_the_total(session: Session) -> None:
    _journalists(session)
    page = search_contacts(session, limit=2, offset=1)
    assert page.total == 4
    assert [c.email for c in page.contacts] == ["ivanov@gazeta.example", "jo@post.example"]


def test_search_with_an_unknown_country_is_invalid_input(session: Session) -> None:
    with pytest.raises(InvalidInput, match="Country"):
        search_contacts(session, country="Atlantis")


def test_deleting_a_contact_keeps_its_deliveries_for_statistics(session: Session) -> None:
    contact = add_contact(session, {"email": "a@x.example"}, ADMIN)
    create_list(session, "film", ADMIN)
    subscribe(session, "a@x.example", "film", ADMIN)
    sent = delivery(session, contact, DeliveryState.SENT)
    delete_contact(session, "a@x.example", ADMIN)
    session.expire_all()
    kept = session.get(Delivery, sent.id)
    assert kept is not None
    assert (kept.contact_id, kept.email) == (None, "a@x.example")
    assert session.scalars(select(Subscription)).all() == []
    with pytest.raises(NotFound):
        get_contact(session, "a@x.example")


def test_a_press_officer_cannot_add_or_edit_contacts(session: Session) -> None:
    add_contact(session, {"email": "a@x.example", "outlet": "Paper"}, ADMIN)
    with pytest.raises(PermissionDenied, match="adding a contact needs the admin role"):
        add_contact(session, {"email": "b@x.example"}, OFFICER)
    with pytest.raises(PermissionDenied, match="editing a contact needs the admin role"):
        edit_contact(session, "a@x.example", {"outlet": "Other"}, OFFICER)
    assert get_contact(session, "a@x.example").outlet == "Paper"


def test_deleting_a_contact_needs_an_admin(session: Session) -> None:
    add_contact(session, {"email": "a@x.example"}, ADMIN)
    with pytest.raises(PermissionDenied):
        delete_contact(session, "a@x.example", OFFICER)
