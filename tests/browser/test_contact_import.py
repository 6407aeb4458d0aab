"""An admin imports the address books press offices export, in Chromium: upload, preview, import."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from distributor.audit import Actor
from distributor.contacts import create_list
from distributor.models import Contact, MailingList, Role, Subscription, Suppression
from tests.browser.conftest import signed_in_page
from tests.contacts.address_books import (
    GOOGLE,
    HUBSPOT,
    MAILCHIMP_UNSUBSCRIBED,
    OUTLOOK,
    export_text,
    vcard,
)
from tests.web.admin.conftest import Admin

OPERATOR = Actor("test:admin", Role.ADMIN)


def _export(headers: list[str], rows: list[Mapping[str, str]], title: str = "") -> str:
    return title + export_text(headers, rows)


SHAPES = {
    # Outlook writes Windows-1252; this one has a title row above its header.
    "outlook.csv": (
        _export(
            OUTLOOK,
            [
                {
                    "First Name": "Hélène",
                    "Last Name": "Giraud",
                    "Title": "Mme",
                    "E-mail Address": "helene.giraud@lemonde.example",
                    "Job Title": "Editor",
                },
                {
                    "First Name": "Søren",
                    "Last Name": "Ærø",
                    "E-mail Address": "soren.aero@politiken.example",
                },
            ],
            title="Press contacts 2026\r\n\r\n",
        ).encode("cp1252"),
        "Recognised: Outlook",
        {"helene.giraud@lemonde.example": "Hélène", "soren.aero@politiken.example": "Søren"},
    ),
    "contacts.csv": (
        _export(
            GOOGLE,
            [
                {
                    "First Name": "Maria",
                    "Last Name": "Keller",
                    "E-mail 1 - Label": "* Work ::: Home",
                    "E-mail 1 - Value": "maria.keller@tageblatt.example ::: maria@home.example",
                }
            ],
        ).encode(),
        "Recognised: Google Contacts",
        {"maria.keller@tageblatt.example": "Maria"},
    ),
    "hubspot-crm-exports-all-contacts.csv": (
        _export(
            HUBSPOT,
            [
                {
                    "Record ID": "1001",
                    "First Name": "Lena",
                    "Last Name": "Vogt",
                    "Email": "lena.vogt@kurier.example",
                }
            ],
        ).encode(),
        "Recognised: HubSpot",
        {"lena.vogt@kurier.example": "Lena"},
    ),
    # A Russian list saved by Excel in Windows-1251.
    "kontakty.csv": (
        "email;first_name;last_name\r\nivan.petrov@gazeta.example;Иван;Петров\r\n".encode("cp1251"),
        "Cyrillic (Windows-1251)",
        {"ivan.petrov@gazeta.example": "Иван"},
    ),
    "press.vcf": (
        (
            vcard(
                "VERSION:3.0",
                "N:Berg;Jonas;;;",
                "FN:Jonas Berg",
                "EMAIL;TYPE=INTERNET,WORK:jonas.berg@rundschau.example",
                "ORG:Rundschau",
                "TITLE:Science editor",
            )
            + vcard(
                "VERSION:4.0",
                "FN:Claire Martin",
                "N:Martin;Claire;;;",
                "EMAIL;PREF=1:claire.martin@quotidien.example",
            )
        ).encode(),
        "Recognised: vCard",
        {"jonas.berg@rundschau.example": "Jonas", "claire.martin@quotidien.example": "Claire"},
    ),
}


@pytest.fixture
def press(admin: Admin) -> Admin:
    create_list(admin.web.session, "newsdesk", OPERATOR, name="Newsdesk")
    admin.commit()
    return admin


def _open_import(browser: Any, press: Admin) -> Any:
    url = press.web.served.url
    page = signed_in_page(browser, url, 390, Role.ADMIN)
    page.goto(f"{url}/admin/lists/newsdesk/import")
    return page


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_an_address_book_export_is_recognised_previewed_and_imported_on_a_phone(
    press: Admin, browser: Any, tmp_path: Path, name: str
) -> None:
    from playwright.sync_api import expect

    content, recognised, expected = SHAPES[name]
    path = tmp_path / name
    path.write_bytes(content)
    page = _open_import(browser, press)
    try:
        page.locator("input[name=file]").set_input_files(str(path))
        page.get_by_role("button", name="Upload and preview").click()
        expect(page.locator("body")).to_contain_text(recognised)
        for first_name in expected.values():
            expect(page.locator("body")).to_contain_text(first_name)
        page.get_by_role("button", name="Import", exact=True).click()
        expect(page.locator("body")).to_contain_text("Imported")
    finally:
        page.close()
    press.commit()
    stored = press.web.session.execute(
        select(Contact.email, Contact.first_name)
        .join(Subscription, Subscription.contact_id == Contact.id)
        .join(MailingList, MailingList.id == Subscription.list_id)
        .where(MailingList.slug == "newsdesk")
    )
    assert dict(stored.tuples().all()) == expected


def test_a_mailchimp_unsubscribed_export_suppresses_and_subscribes_no_one(
    press: Admin, browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    path = tmp_path / "unsubscribed_members_export_4f1a2b.csv"
    rows = [{"Email Address": "gone@zeitung.example", "UNSUB_TIME": "2026-10-01 09:00:00"}]
    path.write_text(_export(MAILCHIMP_UNSUBSCRIBED, rows), encoding="utf-8")
    page = _open_import(browser, press)
    try:
        page.locator("input[name=file]").set_input_files(str(path))
        page.get_by_role("button", name="Upload and preview").click()
        expect(page.locator("body")).to_contain_text("Recognised: Mailchimp unsubscribed")
        page.get_by_role("button", name="Import", exact=True).click()
        expect(page.locator("body")).to_contain_text("suppression list")
    finally:
        page.close()
    press.commit()
    session = press.web.session
    assert session.scalar(select(Suppression.email)) == "gone@zeitung.example"
    assert session.scalar(select(Subscription.id)) is None
