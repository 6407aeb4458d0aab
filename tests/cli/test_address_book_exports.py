"""`distributor contacts import` on each address-book export as its vendor writes it, no --map."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from distributor.cli import app
from distributor.config import get_settings
from distributor.db import engine_from_settings
from distributor.models import Contact, Subscription, Suppression
from tests.contacts.address_books import (
    GOOGLE,
    GOOGLE_OLD,
    HUBSPOT,
    MAILCHIMP,
    MAILCHIMP_CLEANED,
    MAILCHIMP_UNSUBSCRIBED,
    OUTLOOK,
    export_text,
    vcard,
)

PERSON = {"first": "Maria", "last": "Keller", "email": "maria.keller@tageblatt.example"}
# Each export with one person in it, in the columns and encoding its vendor writes.
EXPORTS: dict[str, tuple[str, bytes]] = {
    "outlook.csv": (
        "Outlook export",
        export_text(
            OUTLOOK,
            [{"First Name": "Maria", "Last Name": "Keller", "Title": "Dr.",
              "E-mail Address": PERSON["email"], "Job Title": "Editor"}],
        ).encode("cp1252"),
    ),
    "contacts.csv": (
        "Google Contacts export",
        export_text(
            GOOGLE,
            [{"First Name": "Maria", "Last Name": "Keller", "E-mail 1 - Label": "* Work",
              "E-mail 1 - Value": PERSON["email"]}],
        ).encode(),
    ),
    "google.csv": (
        "Google Contacts export",
        export_text(
            GOOGLE_OLD,
            [{"Name": "Maria Keller", "Given Name": "Maria", "Family Name": "Keller",
              "E-mail 1 - Type": "* Work", "E-mail 1 - Value": PERSON["email"]}],
        ).encode(),
    ),
    "subscribed_members_export_4f1a2b.csv": (
        "Mailchimp export",
        export_text(
            MAILCHIMP,
            [{"Email Address": PERSON["email"], "First Name": "Maria", "Last Name": "Keller"}],
        ).encode(),
    ),
    "hubspot-crm-exports-all-contacts.csv": (
        "HubSpot export",
        export_text(
            HUBSPOT,
            [{"Record ID": "1001", "First Name": "Maria", "Last Name": "Keller",
              "Email": PERSON["email"]}],
        ).encode(),
    ),
    "maria.vcf": (
        "vCard file",
        vcard("VERSION:3.0", "N:Keller;Maria;;;", "FN:Maria Keller",
              f"EMAIL;TYPE=INTERNET:{PERSON['email']}").encode(),
    ),
}  # fmt: skip
NOT_TO_MAIL = {
    "unsubscribed_members_export_4f1a2b.csv": ("Mailchimp unsubscribed export", MAILCHIMP_UNSUBSCRIBED),
    "cleaned_members_export_4f1a2b.csv": ("Mailchimp cleaned export", MAILCHIMP_CLEANED),
}  # fmt: skip


@pytest.fixture(autouse=True)
def press() -> None:
    """The embedded database with a list `press`."""
    for args in (["db", "upgrade"], ["lists", "create", "press"]):
        assert CliRunner().invoke(app, args).exit_code == 0


def _imported(path: Path) -> Any:
    result = CliRunner().invoke(app, ["contacts", "import", str(path), "--list", "press", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.splitlines()[-1])


def _count(model: Any) -> int:
    engine = engine_from_settings(get_settings())
    try:
        with Session(engine) as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def _stored() -> list[tuple[str, str | None, str | None]]:
    engine = engine_from_settings(get_settings())
    try:
        with Session(engine) as session:
            query = select(Contact.email, Contact.first_name, Contact.last_name)
            return [tuple(row) for row in session.execute(query)]
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_each_export_is_recognised_and_its_person_stored_and_subscribed(
    tmp_path: Path, name: str
) -> None:
    recognised, content = EXPORTS[name]
    path = tmp_path / name
    path.write_bytes(content)

    report = _imported(path)

    assert (report["recognised"], report["created"], report["subscribed"]) == (recognised, 1, 1)
    assert _stored() == [(PERSON["email"], PERSON["first"], PERSON["last"])]


@pytest.mark.parametrize("name", sorted(NOT_TO_MAIL))
def test_mailchimp_exports_of_people_not_to_mail_suppress_and_subscribe_no_one(
    tmp_path: Path, name: str
) -> None:
    recognised, headers = NOT_TO_MAIL[name]
    path = tmp_path / name
    path.write_text(export_text(headers, [{"Email Address": PERSON["email"]}]), encoding="utf-8")

    report = _imported(path)

    assert (report["recognised"], report["added_to_suppressions"]) == (recognised, 1)
    assert (_count(Suppression), _count(Subscription), _count(Contact)) == (1, 0, 0)
