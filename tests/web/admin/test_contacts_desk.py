"""The contacts page across all lists and its bulk actions; a contact's own actions (unsubscribe,
suppress, their data, erasure) and the edit form's refusals in plain words."""

from __future__ import annotations

import csv
import io
import json
import re
import time

from sqlalchemy import select

from distributor.audit import Actor
from distributor.contacts.bulk import start_bulk
from distributor.contacts.directory import add_contact
from distributor.contacts.finder import ContactFilter
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe
from distributor.contacts.suppressions import add_suppression
from distributor.models import (
    AuditEntry,
    BulkAction,
    Contact,
    MailingList,
    Role,
    Subscription,
    SubscriptionStatus,
    Suppression,
)
from tests.web.admin.conftest import Admin, Browser

OPERATOR = Actor("test:admin", Role.ADMIN)
JOURNALISTS = (
    ("anna.berg@tageblatt.example", "Anna", "Berg", "Tageblatt", "DE", "de", "culture, film", "film"),
    ("claire.dupont@quotidien.example", "Claire", "Dupont", "Le Quotidien", "FR", "fr", "film", "film"),
    ("ivan.petrov@vesti.example", "Иван", "Петров", "Вести", "RU", "ru", "politics", "politics"),
    ("jean.martin@radio.example", "Jean", "Martin", "Radio Matin", "FR", "fr", "politics", "politics"),
)  # fmt: skip


def _journalists(admin: Admin) -> dict[str, Contact]:
    session = admin.web.session
    create_list(session, "film", OPERATOR, name="Film critics")
    create_list(session, "politics", OPERATOR, name="Political desk")
    found = {}
    for email, first, last, outlet, country, language, beats, list_slug in JOURNALISTS:
        values = {"email": email, "first_name": first, "last_name": last, "outlet": outlet}
        values |= {"country": country, "language": language, "beats": beats}
        found[email] = add_contact(session, values, OPERATOR)
        subscribe(session, email, list_slug, OPERATOR)
    admin.commit()
    return found


def _rows(page: str) -> list[str]:
    """The addresses in the contacts table, in their order."""
    return re.findall(r'<td data-label="Email" class="email">([^<]+)</td>', page)


def test_the_contacts_page_lists_everyone_across_lists_sorted_by_name(admin: Admin) -> None:
    _journalists(admin)

    page = admin.signed_in(Role.VIEWER).get("/admin/contacts")

    assert page.status_code == 200
    assert _rows(page.text) == [
        "anna.berg@tageblatt.example",
        "claire.dupont@quotidien.example",
        "jean.martin@radio.example",
        "ivan.petrov@vesti.example",
    ]
    assert 'aria-sort="ascending"' in page.text
    assert "4</strong> contacts match" in page.text


def test_a_search_finds_every_word_in_names_addresses_and_outlets(admin: Admin) -> None:
    _journalists(admin)
    browser = admin.signed_in(Role.VIEWER)

    cyrillic = browser.get("/admin/contacts?text=петров")
    two_words = browser.get("/admin/contacts?text=radio+jean")

    assert _rows(cyrillic.text) == ["ivan.petrov@vesti.example"]
    assert _rows(two_words.text) == ["jean.martin@radio.example"]
    assert 'value="radio jean"' in two_words.text


def test_filters_combine_and_stay_in_the_sort_and_page_links(admin: Admin) -> None:
    _journalists(admin)

    page = admin.signed_in(Role.VIEWER).get("/admin/contacts?list_slug=politics&country=France")

    assert _rows(page.text) == ["jean.martin@radio.example"]
    assert "/admin/contacts?list_slug=politics&amp;country=France&amp;sort=outlet" in page.text


def test_a_column_heading_sorts_descending_the_second_time(admin: Admin) -> None:
    _journalists(admin)

    page = admin.signed_in(Role.VIEWER).get("/admin/contacts?sort=outlet&direction=desc")

    assert _rows(page.text)[0] == "ivan.petrov@vesti.example"  # Вести after the Latin outlets
    assert 'aria-sort="descending"' in page.text
    assert 'href="/admin/contacts?sort=outlet"' in page.text


def test_status_filter_finds_the_suppressed(admin: Admin) -> None:
    _journalists(admin)
    add_suppression(admin.web.session, "anna.berg@tageblatt.example", "asked by phone", OPERATOR)
    admin.commit()

    page = admin.signed_in(Role.VIEWER).get("/admin/contacts?status=suppressed")

    assert _rows(page.text) == ["anna.berg@tageblatt.example"]


def test_a_country_that_is_not_one_comes_back_with_the_filter_and_its_reason(
    admin: Admin,
) -> None:
    _journalists(admin)

    page = admin.signed_in(Role.VIEWER).get("/admin/contacts?country=Narnia&outlet=Radio")

    assert page.status_code == 422
    assert "“Narnia” is not a country we know" in page.text
    assert 'value="Narnia"' in page.text
    assert 'value="Radio"' in page.text
    assert 'aria-invalid="true"' in page.text
    assert "ISO" not in page.text


def test_a_status_not_on_the_menu_is_refused_in_words(admin: Admin) -> None:
    page = admin.signed_in(Role.VIEWER).get("/admin/contacts?status=asleep")

    assert page.status_code == 422
    assert "Choose a status from the menu." in page.text


def _follow(browser: Browser, path: str) -> str:
    """The job page once the job is finished (it runs in the app's background)."""
    for _ in range(200):
        page = browser.get(path).text
        if 'id="bulk-outcome"' in page:
            return page
        time.sleep(0.05)
    raise AssertionError(f"{path} never finished")


def test_bulk_suppress_over_a_filter_runs_in_the_background_and_is_audited_once(
    admin: Admin,
) -> None:
    _journalists(admin)
    browser = admin.signed_in(Role.ADMIN)

    started = browser.post(
        "/admin/contacts/bulk",
        {"country": "FR", "scope": "all", "action": "suppress", "reason": "Desk closed"},
    )

    assert started.status_code == 303
    page = _follow(browser, started.headers["location"])
    assert "Suppressed 2 contacts." in page
    admin.web.session.expire_all()
    suppressed = admin.web.session.scalars(select(Suppression.email).order_by(Suppression.email))
    assert list(suppressed) == ["claire.dupont@quotidien.example", "jean.martin@radio.example"]
    entries = admin.web.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contacts.bulk_suppress")
    ).all()
    assert [(e.details["changed"], e.details["reason"]) for e in entries] == [(2, "Desk closed")]


def test_bulk_add_to_list_takes_only_the_contacts_ticked(admin: Admin) -> None:
    contacts = _journalists(admin)
    ivan = contacts["ivan.petrov@vesti.example"]
    browser = admin.signed_in(Role.ADMIN)

    started = browser.client.post(
        "/admin/contacts/bulk",
        data={
            "scope": "selected",
            "ids": [str(ivan.id)],
            "action": "add_to_list",
            "list": "film",
            "csrf_token": browser.csrf_token(),
        },
    )

    page = _follow(browser, started.headers["location"])
    assert "Added 1 contacts to Film critics." in page
    admin.web.session.expire_all()
    on_film = admin.web.session.scalars(
        select(Contact.email)
        .join(Subscription, Subscription.contact_id == Contact.id)
        .join(MailingList, MailingList.id == Subscription.list_id)
        .where(MailingList.slug == "film", Subscription.status == SubscriptionStatus.SUBSCRIBED)
        .order_by(Contact.email)
    ).all()
    assert on_film == [
        "anna.berg@tageblatt.example",
        "claire.dupont@quotidien.example",
        "ivan.petrov@vesti.example",
    ]


def test_a_bulk_action_with_nothing_ticked_comes_back_with_the_reason(admin: Admin) -> None:
    _journalists(admin)

    refused = admin.signed_in(Role.ADMIN).post(
        "/admin/contacts/bulk", {"scope": "selected", "action": "remove_from_list"}
    )

    assert refused.status_code == 422
    assert "Tick at least one contact" in refused.text
    assert "Choose the list." in refused.text


def test_bulk_suppress_needs_a_reason(admin: Admin) -> None:
    _journalists(admin)

    refused = admin.signed_in(Role.ADMIN).post(
        "/admin/contacts/bulk", {"scope": "all", "action": "suppress", "reason": " "}
    )

    assert refused.status_code == 422
    assert "Say why these contacts must never be mailed again" in refused.text
    assert admin.web.session.scalars(select(Suppression)).all() == []


def test_bulk_export_downloads_the_matching_contacts_as_csv(admin: Admin) -> None:
    _journalists(admin)

    download = admin.signed_in(Role.PRESS_OFFICER).post(
        "/admin/contacts/bulk",
        {"scope": "all", "action": "export", "format": "csv", "beat": "film"},
    )

    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="contacts.csv"'
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8"))))
    assert sorted(row["Email"] for row in rows) == [
        "anna.berg@tageblatt.example",
        "claire.dupont@quotidien.example",
    ]


def test_a_viewer_may_not_change_contacts_in_bulk(admin: Admin) -> None:
    _journalists(admin)

    refused = admin.signed_in(Role.VIEWER).post(
        "/admin/contacts/bulk", {"scope": "all", "action": "suppress", "reason": "x"}
    )

    assert refused.status_code == 403


def test_the_edit_form_refuses_narnia_with_the_values_typed_and_labels_in_words(
    admin: Admin,
) -> None:
    anna = _journalists(admin)["anna.berg@tageblatt.example"]
    browser = admin.signed_in(Role.ADMIN)
    form = {"email": anna.email, "first_name": "Annika", "country": "Narnia", "phone": "call me"}

    refused = browser.post(f"/admin/contacts/{anna.id}", form)

    assert refused.status_code == 422
    assert "“Narnia” is not a country we know" in refused.text
    assert "“call me” does not look like a phone number" in refused.text
    assert 'value="Annika"' in refused.text
    assert '<label for="f-first_name">First name</label>' in refused.text
    assert ">first_name<" not in refused.text
    assert "None" not in refused.text
    admin.web.session.expire_all()
    assert admin.web.session.get(Contact, anna.id).first_name == "Anna"  # type: ignore[union-attr]


def test_the_contact_page_shows_labels_and_words_not_field_ids(admin: Admin) -> None:
    anna = _journalists(admin)["anna.berg@tageblatt.example"]

    page = admin.signed_in(Role.ADMIN).get(f"/admin/contacts/{anna.id}")

    assert '<th scope="row">Legal basis</th><td>Legitimate interest</td>' in page.text
    assert "legal_basis" not in page.text
    assert "None" not in page.text


def test_unsubscribing_from_every_list_says_which(admin: Admin) -> None:
    anna = _journalists(admin)["anna.berg@tageblatt.example"]
    browser = admin.signed_in(Role.ADMIN)

    done = browser.post(f"/admin/contacts/{anna.id}/unsubscribe", {"list_slug": ""})
    page = browser.get(done.headers["location"])

    assert done.status_code == 303
    assert "anna.berg@tageblatt.example is unsubscribed from film." in page.text


def test_suppressing_a_contact_needs_a_reason(admin: Admin) -> None:
    anna = _journalists(admin)["anna.berg@tageblatt.example"]
    browser = admin.signed_in(Role.ADMIN)

    refused = browser.post(f"/admin/contacts/{anna.id}/suppress", {"reason": ""})
    done = browser.post(f"/admin/contacts/{anna.id}/suppress", {"reason": "Asked by phone"})

    assert refused.status_code == 422
    assert "Say why this address must never be mailed again" in refused.text
    assert done.status_code == 303
    assert "is suppressed" in browser.get(done.headers["location"]).text


def test_their_data_downloads_as_json_and_csv(admin: Admin) -> None:
    anna = _journalists(admin)["anna.berg@tageblatt.example"]
    browser = admin.signed_in(Role.ADMIN)

    as_json = browser.get(f"/admin/contacts/{anna.id}/data.json")
    as_csv = browser.get(f"/admin/contacts/{anna.id}/data.csv")

    assert json.loads(as_json.content)["contact"]["outlet"] == "Tageblatt"
    lines = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert lines[0] == ["Part", "Field", "Value"]
    assert ["contact", "email", "anna.berg@tageblatt.example"] in lines


def test_erasing_needs_a_reason_and_a_confirmation(admin: Admin) -> None:
    anna = _journalists(admin)["anna.berg@tageblatt.example"]
    browser = admin.signed_in(Role.ADMIN)

    asked = browser.get(f"/admin/contacts/{anna.id}/erase")
    refused = browser.post(f"/admin/contacts/{anna.id}/erase", {"reason": "", "confirm": ""})
    unconfirmed = browser.post(f"/admin/contacts/{anna.id}/erase", {"reason": "Her email"})

    assert asked.status_code == 200
    assert refused.status_code == unconfirmed.status_code == 422
    assert "Say who asked for the erasure" in refused.text
    assert "Tick the box to confirm" in unconfirmed.text
    assert "Her email" in unconfirmed.text
    admin.web.session.expire_all()
    assert admin.web.session.get(Contact, anna.id) is not None


def test_an_erasure_confirmed_with_a_reason_deletes_the_contact(admin: Admin) -> None:
    anna_id = _journalists(admin)["anna.berg@tageblatt.example"].id
    browser = admin.signed_in(Role.ADMIN)

    erased = browser.post(
        f"/admin/contacts/{anna_id}/erase", {"reason": "Her email of 3 March", "confirm": "yes"}
    )

    assert erased.status_code == 303
    assert "is erased" in browser.get(erased.headers["location"]).text
    admin.web.session.expire_all()
    assert admin.web.session.get(Contact, anna_id) is None


def test_a_reader_gets_no_bulk_actions_and_a_press_officer_only_export(admin: Admin) -> None:
    _journalists(admin)

    reader = admin.signed_in(Role.VIEWER).get("/admin/contacts").text
    officer = admin.signed_in(Role.PRESS_OFFICER).get("/admin/contacts").text

    assert 'name="ids"' not in reader
    assert 'value="export"' in officer
    assert 'value="suppress"' not in officer


def test_a_running_job_page_asks_again_for_its_progress_and_a_link_does_without_script(
    admin: Admin,
) -> None:
    _journalists(admin)
    job = start_bulk(
        admin.web.session, BulkAction.SUPPRESS, ContactFilter(country="FR"), OPERATOR, reason="x"
    )
    admin.commit()
    browser = admin.signed_in(Role.VIEWER)

    page = browser.get(f"/admin/contacts/jobs/{job.id}")
    fragment = browser.client.get(f"/admin/contacts/jobs/{job.id}", headers={"HX-Request": "true"})

    assert "0 of 2 contacts done (0 %)." in page.text
    assert f'hx-get="/admin/contacts/jobs/{job.id}" hx-trigger="every 1s"' in page.text
    assert f'<a href="/admin/contacts/jobs/{job.id}">See how far it got</a>' in page.text
    assert fragment.text.startswith('<div id="bulk-progress"')
