"""Address-book exports (Outlook, Google, Mailchimp, HubSpot, vCard) imported as they come, no --map."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from distributor.contacts.suppressions import suppression_reasons
from distributor.errors import InvalidInput
from distributor.models import Contact, Subscription, Suppression, SuppressionReason
from tests.contacts.address_books import (
    GOOGLE,
    GOOGLE_OLD,
    HUBSPOT,
    MAILCHIMP,
    MAILCHIMP_CLEANED,
    MAILCHIMP_UNSUBSCRIBED,
    OUTLOOK,
    vcard,
    write_export,
)
from tests.contacts.imports import contact_of, import_file


def _subscriptions(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Subscription)) or 0


def test_outlook_export_keeps_the_honorific_apart_from_the_job_title(
    session: Session, press: str, tmp_path: Path
) -> None:
    path = write_export(
        tmp_path,
        "contacts.CSV",
        OUTLOOK,
        [
            {
                "Title": "Dr.",
                "First Name": "Anna",
                "Last Name": "Berg",
                "Company": "Süddeutsche Zeitung",
                "Department": "Feuilleton",
                "Job Title": "Film critic",
                "Business City": "München",
                "Business Country/Region": "Germany",
                "Business Phone": "+49 89 2183 0",
                "Mobile Phone": "+49 170 1234567",
                "E-mail Address": "anna.berg@sz.example",
                "E-mail Type": "SMTP",
                "E-mail Display Name": "Anna Berg (anna.berg@sz.example)",
                "E-mail 2 Address": "anna@home.example",
                "E-mail 2 Type": "SMTP",
                "Notes": "Covers Berlinale",
                "Priority": "Normal",
                "Sensitivity": "Normal",
                "Private": "False",
            }
        ],
        bom=True,
    )
    report = import_file(session, path)
    assert report.recognised == "Outlook export"
    assert (report.created, report.subscribed, report.warnings) == (1, 1, [])
    anna = contact_of(session, "anna.berg@sz.example")
    assert (anna.role, anna.outlet, anna.city) == ("Film critic", "Süddeutsche Zeitung", "München")
    assert (anna.country, anna.phone, anna.notes) == ("DE", "+49 89 2183 0", "Covers Berlinale")
    assert anna.alternate_emails == ["anna@home.example"]
    assert anna.attributes["Salutation"] == "Dr."
    assert anna.attributes["Mobile Phone"] == "+49 170 1234567"
    assert anna.attributes["Department"] == "Feuilleton"


def test_outlook_row_with_only_a_second_address_is_imported_under_it(
    session: Session, press: str, tmp_path: Path
) -> None:
    rows = [{"First Name": "Jan", "Last Name": "Roth", "E-mail 2 Address": "jan@kino.example"}]
    report = import_file(session, write_export(tmp_path, "contacts.CSV", OUTLOOK, rows))
    assert (report.created, report.invalid) == (1, 0)
    assert contact_of(session, "jan@kino.example").alternate_emails == []


def test_google_export_splits_several_addresses_in_one_cell_into_alternates(
    session: Session, press: str, tmp_path: Path
) -> None:
    rows = [
        {
            "First Name": "Inès",
            "Last Name": "Moreau",
            "Name Prefix": "Mme",
            "Organization Name": "Libération",
            "Organization Title": "Rédactrice en chef",
            "Labels": "* myContacts ::: Presse",
            "E-mail 1 - Label": "* Work",
            "E-mail 1 - Value": "ines@liberation.example ::: i.moreau@liberation.example",
            "E-mail 2 - Label": "Home",
            "E-mail 2 - Value": "ines.moreau@gmail.example",
            "Phone 1 - Label": "Mobile",
            "Phone 1 - Value": "+33 6 12 34 56 78 ::: +33 1 44 78 00 00",
            "Address 1 - City": "Paris",
            "Address 1 - Country": "France",
        }
    ]
    report = import_file(session, write_export(tmp_path, "contacts.csv", GOOGLE, rows))
    assert report.recognised == "Google Contacts export"
    assert (report.created, report.invalid, report.warnings) == (1, 0, [])
    ines = contact_of(session, "ines@liberation.example")
    assert ines.alternate_emails == ["i.moreau@liberation.example", "ines.moreau@gmail.example"]
    assert (ines.role, ines.outlet, ines.country) == ("Rédactrice en chef", "Libération", "FR")
    assert ines.phone == "+33 6 12 34 56 78"
    assert ines.attributes["Phone 1 - Value"] == "+33 6 12 34 56 78 ::: +33 1 44 78 00 00"
    assert ines.attributes["Salutation"] == "Mme"


def test_google_older_export_reads_its_own_column_names(
    session: Session, press: str, tmp_path: Path
) -> None:
    rows = [
        {
            "Name": "Olga Petrova",
            "Given Name": "Olga",
            "Family Name": "Petrova",
            "Location": "Room 4",
            "Group Membership": "* My Contacts",
            "E-mail 1 - Type": "* Work",
            "E-mail 1 - Value": "olga@novaya.example",
            "Organization 1 - Name": "Novaya Gazeta",
            "Organization 1 - Title": "Correspondent",
            "Address 1 - Country": "Latvia",
        }
    ]
    report = import_file(session, write_export(tmp_path, "google.csv", GOOGLE_OLD, rows))
    assert report.recognised == "Google Contacts export"
    assert report.warnings == []
    olga = contact_of(session, "olga@novaya.example")
    assert (olga.first_name, olga.role, olga.outlet, olga.country) == (
        "Olga",
        "Correspondent",
        "Novaya Gazeta",
        "LV",
    )


def test_mailchimp_subscribed_export_subscribes_its_members(
    session: Session, press: str, tmp_path: Path
) -> None:
    rows = [
        {
            "Email Address": "ben@daily.example",
            "First Name": "Ben",
            "Last Name": "Okafor",
            "MEMBER_RATING": "2",
            "OPTIN_TIME": "2025-03-01 09:00:00",
            "TIMEZONE": "Europe/London",
            "CC": "GB",
            "TAGS": '"film","festivals"',
        }
    ]
    name = "subscribed_members_export_4f1a2b3c4d.csv"
    report = import_file(session, write_export(tmp_path, name, MAILCHIMP, rows))
    assert report.recognised == "Mailchimp export"
    assert (report.created, report.subscribed, report.suppression_list) == (1, 1, False)
    ben = contact_of(session, "ben@daily.example")
    assert (ben.country, ben.time_zone) == ("GB", "Europe/London")


@pytest.mark.parametrize(
    ("headers", "name", "reason"),
    [
        (MAILCHIMP_UNSUBSCRIBED, "members.csv", SuppressionReason.UNSUBSCRIBED),
        (MAILCHIMP_CLEANED, "members.csv", SuppressionReason.HARD_BOUNCE),
        (MAILCHIMP, "unsubscribed_members_export_4f1a2b3c4d.csv", SuppressionReason.UNSUBSCRIBED),
    ],
    ids=["unsubscribed-by-columns", "cleaned-by-columns", "unsubscribed-by-file-name"],
)
def test_mailchimp_export_of_people_not_to_mail_suppresses_them_and_subscribes_no_one(
    session: Session,
    press: str,
    tmp_path: Path,
    headers: list[str],
    name: str,
    reason: SuppressionReason,
) -> None:
    rows = [
        {"Email Address": "gone@daily.example", "First Name": "Gone"},
        {"Email Address": "left@weekly.example", "First Name": "Left"},
    ]
    report = import_file(session, write_export(tmp_path, name, headers, rows))
    assert report.suppression_list
    assert (report.added_to_suppressions, report.subscribed, report.created) == (2, 0, 0)
    emails = {"gone@daily.example", "left@weekly.example"}
    assert suppression_reasons(session, emails) == dict.fromkeys(emails, reason)
    assert _subscriptions(session) == 0
    sources = set(session.scalars(select(Suppression.source)))
    assert sources == {f"import:{name}"}


def test_mailchimp_unsubscribed_export_imported_twice_adds_nothing_the_second_time(
    session: Session, press: str, tmp_path: Path
) -> None:
    rows = [{"Email Address": "gone@daily.example", "UNSUB_REASON": "No longer interested"}]
    path = write_export(tmp_path, "u.csv", MAILCHIMP_UNSUBSCRIBED, rows)
    import_file(session, path)
    again = import_file(session, path)
    assert (again.added_to_suppressions, again.already_suppressed) == (0, 1)


def test_mailchimp_dry_run_suppresses_no_one(session: Session, press: str, tmp_path: Path) -> None:
    rows = [{"Email Address": "gone@daily.example"}]
    path = write_export(tmp_path, "u.csv", MAILCHIMP_UNSUBSCRIBED, rows)
    report = import_file(session, path, dry_run=True)
    assert report.added_to_suppressions == 1
    assert session.scalar(select(func.count()).select_from(Suppression)) == 0


def test_mailchimp_export_without_its_address_column_is_refused_naming_it(
    session: Session, press: str, tmp_path: Path
) -> None:
    headers = [h for h in MAILCHIMP_UNSUBSCRIBED if h != "Email Address"]
    path = write_export(tmp_path, "u.csv", headers, [{"First Name": "Gone"}])
    with pytest.raises(
        InvalidInput, match="Mailchimp unsubscribed export without its 'Email Address'"
    ):
        import_file(session, path)
    assert session.scalar(select(func.count()).select_from(Suppression)) == 0


def test_hubspot_export_fills_company_role_country_and_other_addresses(
    session: Session, press: str, tmp_path: Path
) -> None:
    rows = [
        {
            "Record ID": "51",
            "First Name": "Mia",
            "Last Name": "Svensson",
            "Email": "mia@dn.example",
            "Phone Number": "+46 8 738 10 00",
            "Company Name": "Dagens Nyheter",
            "Job Title": "Tech reporter",
            "Country/Region": "Sweden",
            "Lead Status": "Open",
            "Additional email addresses": "mia.s@gmail.example;mia@old.example",
        }
    ]
    report = import_file(session, write_export(tmp_path, "hubspot-crm-exports.csv", HUBSPOT, rows))
    assert (report.recognised, report.warnings) == ("HubSpot export", [])
    mia = contact_of(session, "mia@dn.example")
    assert (mia.outlet, mia.role, mia.country, mia.phone) == (
        "Dagens Nyheter",
        "Tech reporter",
        "SE",
        "+46 8 738 10 00",
    )
    assert mia.alternate_emails == ["mia.s@gmail.example", "mia@old.example"]


def test_a_plain_file_with_an_honorific_in_its_title_column_keeps_it_as_the_salutation(
    session: Session, press: str, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text("Email,Name,Title\nk@x.example,Karl Huber,Herr\nl@x.example,Lena,Editor\n")
    import_file(session, path)
    karl = contact_of(session, "k@x.example")
    assert (karl.role, karl.attributes) == (None, {"Salutation": "Herr"})
    assert contact_of(session, "l@x.example").role == "Editor"


def test_vcards_of_versions_3_and_4_are_read_card_by_card(
    session: Session, press: str, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_text(
        vcard(
            "VERSION:3.0",
            "N:Berg;Anna;;Dr.;",
            "FN:Anna Berg",
            "EMAIL;TYPE=INTERNET,HOME:anna@home.example",
            "EMAIL;TYPE=INTERNET,WORK,pref:anna.berg@lemonde.example",
            "ORG:Le Monde;Culture",
            "TITLE:Film critic",
            "TEL;TYPE=WORK,VOICE:+33 1 57 28 20 00",
            "ADR;TYPE=WORK:;;80 boulevard Auguste-Blanqui;Paris;;75013;France",
            "NOTE:Covers Cannes\\, Venice and Berlin. Prefers calls before noon\\; never o",
            " n Fridays.",
            "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYI",
            " DAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQU",
        )
        + vcard(
            "VERSION:4.0",
            "FN:Jonas Weber",
            "N:Weber;Jonas;;;",
            "EMAIL;TYPE=work;PREF=1:jonas@zeit.example",
            "EMAIL;TYPE=home;PREF=2:jw@mail.example",
            "ORG:Die Zeit",
            "ROLE:Editor",
            "TZ:Europe/Berlin",
            'TEL;VALUE=uri;TYPE="voice,cell":tel:+49-40-3280-0',
        ),
        encoding="utf-8",
    )
    report = import_file(session, path)
    assert (report.format, report.recognised) == ("vcard", "vCard file")
    assert (report.created, report.invalid, report.warnings) == (2, 0, [])
    anna = contact_of(session, "anna.berg@lemonde.example")
    assert (anna.first_name, anna.last_name, anna.outlet, anna.role) == (
        "Anna",
        "Berg",
        "Le Monde",
        "Film critic",
    )
    assert (anna.country, anna.city, anna.phone) == ("FR", "Paris", "+33 1 57 28 20 00")
    assert (
        anna.notes
        == "Covers Cannes, Venice and Berlin. Prefers calls before noon; never on Fridays."
    )
    assert anna.alternate_emails == ["anna@home.example"]
    assert anna.attributes == {"Salutation": "Dr."}
    jonas = contact_of(session, "jonas@zeit.example")
    assert (jonas.time_zone, jonas.phone, jonas.alternate_emails) == (
        "Europe/Berlin",
        "+49-40-3280-0",
        ["jw@mail.example"],
    )
    assert jonas.attributes == {"vCard role": "Editor"}


def test_vcard_2_1_with_quoted_printable_and_charset_reads_its_accents(
    session: Session, press: str, tmp_path: Path
) -> None:
    path = tmp_path / "export.vcf"
    path.write_bytes(
        vcard(
            "VERSION:2.1",
            "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;",
            "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller",
            "EMAIL;INTERNET;PREF:juergen@faz.example",
            "EMAIL;INTERNET:jm@web.example",
            "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Frankfurter Allgemeine Zeitung",
        ).encode("ascii")
    )
    import_file(session, path)
    juergen = contact_of(session, "juergen@faz.example")
    assert (juergen.first_name, juergen.last_name) == ("Jürgen", "Müller")
    assert juergen.alternate_emails == ["jm@web.example"]


def test_a_broken_vcard_is_reported_on_its_line_and_the_others_are_kept(
    session: Session, press: str, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_text(
        vcard("VERSION:3.0", "FN:Good One", "EMAIL:one@x.example")
        + vcard("VERSION:3.0", "FN Broken Card", "EMAIL:broken@x.example")
        + vcard("VERSION:3.0", "FN:Good Two", "EMAIL:two@x.example")
        + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut off\r\nEMAIL:cut@x.example\r\n",
        encoding="utf-8",
    )
    report = import_file(session, path)
    assert (report.created, report.invalid) == (2, 2)
    broken, cut = report.rejected
    assert (broken.line, broken.value) == (8, "FN Broken Card")
    assert "vCard starting on line 6 cannot be read" in broken.reason
    assert cut.line == 16
    assert "no END:VCARD" in cut.reason
    session.expire_all()
    assert set(session.scalars(select(Contact.email))) == {"one@x.example", "two@x.example"}


def test_map_still_overrides_what_a_recognised_export_says(
    session: Session, press: str, tmp_path: Path
) -> None:
    rows = [{"E-mail Address": "a@x.example", "Title": "Dr.", "Job Title": "Editor"}]
    path = write_export(tmp_path, "contacts.CSV", OUTLOOK, rows)
    import_file(session, path, mapping={"Job Title": "ignore"})
    contact = contact_of(session, "a@x.example")
    assert contact.role is None
    assert "Job Title" not in contact.attributes
