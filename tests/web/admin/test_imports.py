"""Importing contacts from the admin pages: upload, preview with a column mapping, import, report."""

from __future__ import annotations

import csv
import io
import os
import re
import time
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from sqlalchemy import func, select

from distributor.audit import Actor
from distributor.contacts.importing.uploads import FOLDER, KEEP_SECONDS
from distributor.contacts.lists import create_list
from distributor.models import (
    AuditEntry,
    Contact,
    MailingList,
    Role,
    Subscription,
    Suppression,
    User,
)
from tests.contacts.address_books import GOOGLE, MAILCHIMP_UNSUBSCRIBED, export_text, vcard
from tests.contacts.workbooks import SHEET, cell, contact, row, sheet, workbook
from tests.web.admin.conftest import Admin, Browser
from tests.web.recipients import ESCAPED_XSS, XSS

OPERATOR = Actor("test:admin", Role.ADMIN)
IMPORT = "/admin/lists/film/import"
CRITICS = (
    "email,name,outlet\n"
    "ines@kino.example,Ines Roth,Kinoblatt\n"
    "jan@cinema.example,Jan Berg,Cinema Daily\n"
)
_UPLOAD_ID = re.compile(r"/admin/lists/film/import/([0-9a-f]{32})")


@pytest.fixture
def film(admin: Admin) -> Admin:
    """The site with an empty list `film`."""
    create_list(admin.web.session, "film", OPERATOR, name="Film critics")
    admin.commit()
    return admin


def upload(
    browser: Browser, content: bytes | str, name: str = "critics.csv", **form: str
) -> httpx.Response:
    """POST a file to the import form, as a browser sends it (multipart, with the CSRF token)."""
    data = content.encode() if isinstance(content, str) else content
    return browser.client.post(
        IMPORT,
        data={**form, "csrf_token": browser.csrf_token()},
        files={"file": (name, data, "application/octet-stream")},
    )


def previewed(browser: Browser, content: bytes | str, name: str = "critics.csv") -> httpx.Response:
    """Upload `content` and follow the redirect to its preview."""
    uploaded = upload(browser, content, name)
    assert uploaded.status_code == 303, uploaded.text
    return browser.get(uploaded.headers["location"])


def cells(page: httpx.Response) -> str:
    """The page's HTML without the labels a table cell carries for phone width."""
    return re.sub(r' data-label="[^"]*"', "", page.text)


def upload_id(page: httpx.Response) -> str:
    found = _UPLOAD_ID.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def film_emails(admin: Admin) -> set[str]:
    admin.commit()
    query = (
        select(Contact.email)
        .join(Subscription, Subscription.contact_id == Contact.id)
        .join(MailingList, MailingList.id == Subscription.list_id)
        .where(MailingList.slug == "film")
    )
    return set(admin.web.session.scalars(query))


def stored_uploads(admin: Admin) -> list[Path]:
    folder = admin.settings.data_dir / FOLDER
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_the_list_page_links_to_the_import_for_those_who_may_manage_lists(film: Admin) -> None:
    link = f'<a href="{IMPORT}">Import contacts</a>'

    assert link in film.signed_in(Role.ADMIN).get("/admin/lists/film").text
    assert link not in film.signed_in(Role.PRESS_OFFICER).get("/admin/lists/film").text


def test_the_upload_form_takes_a_file_a_sheet_and_the_update_choice(film: Admin) -> None:
    page = film.signed_in(Role.ADMIN).get(IMPORT)

    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert 'name="file" type="file"' in page.text
    assert 'name="sheet"' in page.text
    assert 'name="update"' in page.text
    assert "at most 100 MB." in page.text


def test_an_upload_is_previewed_without_writing_then_imported_into_the_list(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)

    preview = previewed(browser, CRITICS)

    assert preview.status_code == 200
    assert "Read as csv, text encoding Unicode (UTF-8), delimiter comma." in preview.text
    assert "<tr><td>outlet</td><td>Outlet</td>" in cells(preview)
    assert "<td>ines@kino.example</td><td>Ines Roth</td><td>Kinoblatt</td>" in cells(preview)
    assert "<strong>2</strong>added" in preview.text
    assert film_emails(film) == set()

    imported = browser.post(f"{IMPORT}/{upload_id(preview)}", {"action": "import"})

    assert imported.status_code == 200
    assert "<strong>2</strong>added" in imported.text
    assert film_emails(film) == {"ines@kino.example", "jan@cinema.example"}
    assert [path.name.endswith(".meta.json") for path in stored_uploads(film)] == [True]


def test_imported_contacts_and_the_audit_name_the_file_as_it_was_uploaded(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    preview = previewed(browser, CRITICS, name="Kritiker März.csv")

    browser.post(f"{IMPORT}/{upload_id(preview)}", {"action": "import"})

    film.commit()
    sources = set(film.web.session.scalars(select(Contact.source)))
    audited = film.web.session.scalars(
        select(AuditEntry.details).where(AuditEntry.action == "contacts.import")
    ).one()
    assert sources == {"import:Kritiker März.csv"}
    assert audited["file"] == "Kritiker März.csv"


def test_an_imported_upload_cannot_be_imported_again(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    path = f"{IMPORT}/{upload_id(previewed(browser, CRITICS))}"
    browser.post(path, {"action": "import"})

    again = browser.post(path, {"action": "import"})

    assert again.status_code == 404
    assert "imported already" in again.text


def test_a_file_without_an_email_column_asks_for_one_and_the_mapping_fixes_it(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    preview = previewed(browser, "Kontakt,Name\nines@kino.example,Ines Roth\n")
    path = f"{IMPORT}/{upload_id(preview)}"

    rechecked = browser.post(path, {"action": "check", "map": "Kontakt=email"})
    imported = browser.post(path, {"action": "import", "map": "Kontakt=email"})

    assert preview.status_code == 400
    assert "has no email column" in preview.text
    assert "critics.csv" in preview.text
    assert ">Import</button>" not in preview.text
    assert rechecked.status_code == 200
    assert '<option value="Kontakt=email" selected>' in rechecked.text
    assert "<strong>1</strong>added" in rechecked.text
    assert imported.status_code == 200
    assert film_emails(film) == {"ines@kino.example"}


def test_a_column_mapped_to_ignore_is_not_imported(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    path = f"{IMPORT}/{upload_id(previewed(browser, CRITICS))}"

    rechecked = browser.post(path, {"action": "check", "map": "outlet=ignore"})
    browser.post(path, {"action": "import", "map": "outlet=ignore"})

    assert "<tr><td>outlet</td><td>Left out</td>" in cells(rechecked)
    film.commit()
    contact = film.web.session.scalars(
        select(Contact).where(Contact.email == "ines@kino.example")
    ).one()
    assert contact.outlet is None


def test_rejected_rows_are_shown_and_downloadable_with_their_original_values(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    content = CRITICS + "not-an-address,Otto Lenz,=HYPERLINK(1)\n"
    preview = previewed(browser, content)
    path = f"{IMPORT}/{upload_id(preview)}"

    imported = browser.post(path, {"action": "import"})
    download = browser.get(f"{path}/rejected.csv")

    assert "<h2>Rejected rows (1)</h2>" in preview.text
    assert "<tr><td>4</td><td>email</td>" in cells(imported)
    assert "<strong>1</strong>rejected" in imported.text
    assert f'href="{path}/rejected.csv"' in imported.text
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["line", "column", "reason", "value", "email", "name", "outlet"]
    line, column, reason, value, *original = rows[1]
    assert (line, column, value) == ("4", "email", "not-an-address")
    assert reason
    assert original == ["not-an-address", "Otto Lenz", "'=HYPERLINK(1)"]
    assert film_emails(film) == {"ines@kino.example", "jan@cinema.example"}


def test_an_import_without_rejected_rows_offers_no_download(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    path = f"{IMPORT}/{upload_id(previewed(browser, CRITICS))}"

    imported = browser.post(path, {"action": "import"})

    assert "rejected.csv" not in imported.text
    assert browser.get(f"{path}/rejected.csv").status_code == 404


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PRESS_OFFICER])
def test_viewers_and_press_officers_may_not_import(film: Admin, role: Role) -> None:
    browser = film.signed_in(role)

    form = browser.get(IMPORT)
    uploaded = upload(browser, CRITICS)

    assert form.status_code == 403
    assert uploaded.status_code == 403
    assert stored_uploads(film) == []
    assert film_emails(film) == set()


def test_the_preview_of_one_user_is_not_found_by_another(film: Admin, password_hash: str) -> None:
    film.web.session.add(
        User(email="alma@press.example", role=Role.ADMIN, password_hash=password_hash)
    )
    film.commit()
    path = f"{IMPORT}/{upload_id(previewed(film.signed_in(Role.ADMIN), CRITICS))}"
    other = film.browser()
    assert other.log_in("alma@press.example").status_code == 303

    assert other.get(path).status_code == 404
    assert other.post(path, {"action": "import"}).status_code == 404
    assert film_emails(film) == set()


@pytest.mark.parametrize(
    "forged", ["0" * 32, "0123456789ABCDEF0123456789ABCDEF", "%2E%2E", "secret.key", "1 OR 1=1"]
)
def test_a_forged_upload_id_is_a_plain_404_page(film: Admin, forged: str) -> None:
    browser = film.signed_in(Role.ADMIN)

    for response in (
        browser.get(f"{IMPORT}/{forged}"),
        browser.post(f"{IMPORT}/{forged}", {"action": "import"}),
        browser.get(f"{IMPORT}/{forged}/rejected.csv"),
    ):
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "No such upload" in response.text


@pytest.mark.parametrize("forged", ["..%2F..%2Fsecret.key", "..%2Fdistributor.sqlite3"])
def test_a_path_for_an_upload_id_reaches_no_file(film: Admin, forged: str) -> None:
    browser = film.signed_in(Role.ADMIN)

    for response in (
        browser.get(f"{IMPORT}/{forged}"),
        browser.get(f"{IMPORT}/{forged}/rejected.csv"),
    ):
        assert response.status_code == 404


def test_an_upload_for_another_list_is_not_found(film: Admin) -> None:
    create_list(film.web.session, "theatre", OPERATOR)
    film.commit()
    browser = film.signed_in(Role.ADMIN)
    found = upload_id(previewed(browser, CRITICS))

    assert browser.get(f"/admin/lists/theatre/import/{found}").status_code == 404


@pytest.mark.parametrize(
    ("size", "named"),
    [(4096, "The file is larger"), (300 * 1024, "The file is larger")],
    ids=["just-over", "far-over-never-read-to-its-end"],
)
def test_an_oversized_upload_is_refused_naming_the_limit(
    film: Admin, size: int, named: str
) -> None:
    film.reconfigure(upload_max_bytes="2048")
    browser = film.signed_in(Role.ADMIN)
    content = CRITICS + "x" * size

    refused = upload(browser, content)

    assert refused.status_code == 413
    assert named in refused.text
    assert "upload limit of 2,048 bytes." in refused.text
    assert stored_uploads(film) == []


def test_an_upload_at_the_limit_is_taken(film: Admin) -> None:
    film.reconfigure(upload_max_bytes="2048")
    browser = film.signed_in(Role.ADMIN)
    content = CRITICS.ljust(2048, "\n")

    assert previewed(browser, content).status_code == 200


def test_column_headers_and_cells_render_as_text(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    content = f'email,"{XSS}"\nines@kino.example,"{XSS}"\nbad {XSS},x\n'

    preview = previewed(browser, content, name=f"{XSS}.csv")

    assert preview.status_code == 200
    assert XSS not in preview.text
    assert ESCAPED_XSS in preview.text
    imported = browser.post(f"{IMPORT}/{upload_id(preview)}", {"action": "import"})
    assert XSS not in imported.text


def test_a_cp1251_file_with_semicolons_previews_with_its_encoding_and_delimiter(
    film: Admin,
) -> None:
    browser = film.signed_in(Role.ADMIN)
    content = (
        "Email;Имя;Издание\n"
        "olga@gazeta.example;Ольга Петрова;Новая газета\n"
        "ivan@radio.example;Иван Смирнов;Радио Свобода\n"
    ).encode("cp1251")

    preview = previewed(browser, content)

    assert "text encoding Cyrillic (Windows-1251), delimiter semicolon" in preview.text
    assert "<td>olga@gazeta.example</td><td>Ольга Петрова</td><td>Новая газета</td>" in cells(
        preview
    )
    assert "<strong>2</strong>added" in preview.text


def test_a_latin1_file_reads_its_accents(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    content = "email;name\nrene@journal.example;René Müller\n".encode("latin-1")

    preview = previewed(browser, content)

    assert "delimiter semicolon" in preview.text
    assert "<td>René Müller</td>" in cells(preview)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "is a PNG image, not a contact list"),
        (bytes(range(256)) * 8, "is a binary file, not a contact list"),
        (b"\n\n   \n", "is empty"),
        (b'[{"email": "ines@kino.example"}]', "is a JSON array"),
    ],
    ids=["png", "binary", "blank", "json-array"],
)
def test_a_file_that_is_not_a_contact_list_is_refused_naming_the_problem(
    film: Admin, content: bytes, problem: str
) -> None:
    browser = film.signed_in(Role.ADMIN)

    preview = previewed(browser, content, name="contacts.json")

    assert preview.status_code == 400
    assert problem in preview.text
    assert "&#39;contacts.json&#39;" in preview.text
    assert str(film.settings.data_dir) not in preview.text
    assert ">Import</button>" not in preview.text


def test_an_empty_file_is_refused_at_the_upload(film: Admin) -> None:
    refused = upload(film.signed_in(Role.ADMIN), b"")

    assert refused.status_code == 422
    assert '<span class="error" id="e-file">critics.csv is empty' in refused.text
    assert stored_uploads(film) == []


def test_an_upload_with_no_file_chosen_asks_for_one(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)

    refused = browser.client.post(
        IMPORT, data={"csrf_token": browser.csrf_token()}, files={"file": ("", b"")}
    )

    assert refused.status_code == 422
    assert '<span class="error" id="e-file">Choose the file' in refused.text


def test_a_workbook_sheet_is_chosen_by_name(film: Admin, tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["nothing here"])
    sheet = workbook.create_sheet("Press")
    sheet.append(["E-Mail", "Name"])
    sheet.append(["ines@kino.example", "Ines Roth"])
    path = tmp_path / "critics.xlsx"
    workbook.save(path)
    browser = film.signed_in(Role.ADMIN)

    uploaded = upload(browser, path.read_bytes(), "critics.xlsx", sheet="Press")
    preview = browser.get(uploaded.headers["location"])
    wrong = browser.post(
        uploaded.headers["location"].split("?")[0], {"action": "check", "sheet": "Desk"}
    )

    assert "Read as xlsx, sheet Press." in preview.text
    assert "<strong>1</strong>added" in preview.text
    assert wrong.status_code == 400
    assert "has no sheet named &#39;Desk&#39;" in wrong.text


def test_update_replaces_the_stored_values_of_known_contacts(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    first = f"{IMPORT}/{upload_id(previewed(browser, CRITICS))}"
    browser.post(first, {"action": "import"})
    changed = CRITICS.replace("Kinoblatt", "Filmwoche")
    second = f"{IMPORT}/{upload_id(previewed(browser, changed))}"

    kept = browser.post(second, {"action": "check"})
    updated = browser.post(second, {"action": "import", "update": "on"})

    assert "<strong>0</strong>updated" in kept.text
    assert "<strong>1</strong>updated" in updated.text
    film.commit()
    outlet = film.web.session.scalar(
        select(Contact.outlet).where(Contact.email == "ines@kino.example")
    )
    assert outlet == "Filmwoche"


def test_rechecking_writes_nothing(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    before = film.web.session.scalar(select(func.count()).select_from(Contact))
    path = f"{IMPORT}/{upload_id(previewed(browser, CRITICS))}"

    browser.post(path, {"action": "check"})

    film.commit()
    assert film.web.session.scalar(select(func.count()).select_from(Contact)) == before


def test_an_upload_left_at_its_preview_is_deleted_a_day_later(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    abandoned = f"{IMPORT}/{upload_id(previewed(browser, CRITICS))}"
    two_days_ago = time.time() - 2 * KEEP_SECONDS
    for path in stored_uploads(film):
        os.utime(path, (two_days_ago, two_days_ago))

    previewed(browser, CRITICS)

    assert browser.get(abandoned).status_code == 404
    assert len(stored_uploads(film)) == 2  # the new upload and what is said about it


def test_bytes_that_are_not_in_the_detected_encoding_are_shown_as_warnings(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    # A UTF-8 export with one row pasted in from a Latin-1 file.
    rows = "".join(f"critic{number}@kino.example,Zoë Brontë\n" for number in range(3000))
    content = ("email,name\n" + rows).encode() + "rene@journal.example,René\n".encode("latin-1")

    preview = previewed(browser, content)

    assert "text encoding Unicode (UTF-8)" in preview.text
    assert "has bytes that are not utf-8; they were read as �" in preview.text
    assert "<strong>3001</strong>added" in preview.text


@pytest.mark.parametrize(
    ("name", "content", "detected"),
    [
        ("critics.tsv", "email\tname\nines@kino.example\tInes Roth\n", "delimiter tab"),
        ("critics.json", '{"email": "ines@kino.example", "name": "Ines Roth"}\n', "Read as jsonl"),
    ],
    ids=["tsv", "json-lines"],
)
def test_tab_separated_and_json_lines_files_are_previewed(
    film: Admin, name: str, content: str, detected: str
) -> None:
    preview = previewed(film.signed_in(Role.ADMIN), content, name)

    assert detected in preview.text
    assert "<td>ines@kino.example</td><td>Ines Roth</td>" in cells(preview)
    assert "<strong>1</strong>added" in preview.text


def test_a_google_contacts_export_is_recognised_in_the_preview_and_imported_as_it_reads(
    film: Admin,
) -> None:
    browser = film.signed_in(Role.ADMIN)
    rows = [
        {
            "First Name": "Inès",
            "Last Name": "Moreau",
            "Organization Name": "Libération",
            "Organization Title": "Critique",
            "E-mail 1 - Label": "* Work",
            "E-mail 1 - Value": "ines@lib.example ::: i.moreau@lib.example",
        }
    ]
    preview = previewed(browser, export_text(GOOGLE, rows), name="contacts.csv")

    assert preview.status_code == 200
    assert "Recognised: Google Contacts export." in preview.text
    assert "<tr><td>Organization Title</td><td>Role</td>" in cells(preview)
    browser.post(f"{IMPORT}/{upload_id(preview)}", {"action": "import"})
    assert film_emails(film) == {"ines@lib.example"}
    ines = film.web.session.scalars(select(Contact).where(Contact.email == "ines@lib.example"))
    assert ines.one().alternate_emails == ["i.moreau@lib.example"]


def test_a_mailchimp_unsubscribed_export_is_previewed_and_imported_as_suppressions(
    film: Admin,
) -> None:
    browser = film.signed_in(Role.ADMIN)
    rows = [{"Email Address": "gone@x.example", "UNSUB_REASON": "No longer interested"}]
    name = "unsubscribed_members_export_4f1a2b3c4d.csv"
    preview = previewed(browser, export_text(MAILCHIMP_UNSUBSCRIBED, rows), name=name)

    assert "Recognised: Mailchimp unsubscribed export." in preview.text
    assert "1 added to the suppression list, none subscribed" in preview.text
    imported = browser.post(f"{IMPORT}/{upload_id(preview)}", {"action": "import"})

    assert "1 added to the suppression list, none subscribed" in imported.text
    assert film_emails(film) == set()
    assert film.web.session.scalar(select(Suppression.email)) == "gone@x.example"


def test_a_vcard_file_is_previewed_with_its_broken_card_named_by_line(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    cards = vcard("VERSION:3.0", "FN:Ines Roth", "EMAIL;TYPE=pref:ines@kino.example") + vcard(
        "VERSION:3.0", "FN Broken", "EMAIL:broken@kino.example"
    )
    preview = previewed(browser, cards, name="Kontakte.vcf")

    assert "Recognised: vCard file." in preview.text
    assert "the vCard starting on line 6 cannot be read" in preview.text
    browser.post(f"{IMPORT}/{upload_id(preview)}", {"action": "import"})
    assert film_emails(film) == {"ines@kino.example"}


OUTLOOK_1252 = (
    '"First Name","Last Name","E-mail Address","Company"\r\n'
    '"Hélène","Giraud","helene.giraud@lemonde.example","Le Monde"\r\n'
).encode("cp1252")


def film_names(admin: Admin) -> list[str]:
    admin.commit()
    query = select(Contact.first_name).order_by(Contact.id)
    return list(admin.web.session.scalars(query))


def test_the_upload_form_offers_the_text_encoding_in_plain_words(film: Admin) -> None:
    page = film.signed_in(Role.ADMIN).get(IMPORT)

    assert '<select name="encoding">' in page.text
    assert '<option value="">Detect automatically</option>' in page.text
    for value, words in (
        ("cp1252", "Western European (Windows-1252)"),
        ("cp1250", "Central European (Windows-1250)"),
        ("cp1251", "Cyrillic (Windows-1251)"),
        ("koi8-r", "Cyrillic (KOI8-R)"),
        ("utf-8", "Unicode (UTF-8)"),
    ):
        assert f'<option value="{value}">{words}</option>' in page.text


def test_an_uncertain_encoding_is_shown_with_both_renderings_and_the_choice_is_kept(
    film: Admin,
) -> None:
    browser = film.signed_in(Role.ADMIN)
    preview = previewed(browser, OUTLOOK_1252, "outlook.csv")
    path = f"{IMPORT}/{upload_id(preview)}"

    rechecked = browser.post(path, {"action": "check", "encoding": "cp1250"})
    imported = browser.post(path, {"action": "import", "encoding": "cp1250"})

    assert preview.status_code == 200
    assert "the text encoding is uncertain" in preview.text
    assert "Western European (Windows-1252), which gives “Hélène”" in preview.text
    assert "Central European (Windows-1250), which gives “Hélčne”" in preview.text
    assert "<td>Hélène</td>" in cells(preview)
    assert rechecked.status_code == 200
    assert '<option value="cp1250" selected>' in rechecked.text
    assert "<td>Hélčne</td>" in cells(rechecked)
    assert "uncertain" not in rechecked.text
    assert imported.status_code == 200
    assert film_names(film) == ["Hélčne"]


def test_the_encoding_chosen_at_the_upload_is_used_and_kept_on_the_preview(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    uploaded = upload(browser, OUTLOOK_1252, "outlook.csv", encoding="cp1252")

    preview = browser.get(uploaded.headers["location"])

    assert "encoding=cp1252" in uploaded.headers["location"]
    assert '<option value="cp1252" selected>' in preview.text
    assert "<td>Hélène</td>" in cells(preview)
    assert "uncertain" not in preview.text


def test_a_file_no_encoding_reads_asks_in_plain_words_for_the_encoding(film: Admin) -> None:
    browser = film.signed_in(Role.ADMIN)
    greek = "email,name\nanna@x.example,Γιάννης Παπαδόπουλος\n".encode("cp1253")

    preview = previewed(browser, greek, "greek.csv")
    rechecked = browser.post(
        f"{IMPORT}/{upload_id(preview)}", {"action": "check", "encoding": "cp1253"}
    )

    assert preview.status_code == 400
    assert "we cannot tell which text encoding &#39;greek.csv&#39; is in" in preview.text
    assert "Choose its text encoding below" in preview.text
    assert "--encoding" not in preview.text
    assert ">Import</button>" not in preview.text
    assert rechecked.status_code == 200
    assert "<td>Γιάννης Παπαδόπουλος</td>" in cells(rechecked)


def test_the_preview_shows_values_as_they_will_be_stored(film: Admin) -> None:
    content = (
        "Email,First name,Country,Language\n"
        "  Ines.Roth@Kino.Example ,  Ines   ,Germany,Deutsch\n"
        "jan@cinema.example,Jan,Atlantis,en\n"
    )

    preview = previewed(film.signed_in(Role.ADMIN), content)

    assert "as they will be stored" in preview.text
    assert "<td>ines.roth@kino.example</td><td>Ines</td><td>DE</td><td>de</td>" in cells(preview)
    assert "&#39;Atlantis&#39; is not a country" in preview.text
    assert "(not kept: " in preview.text


def test_title_rows_above_the_column_names_are_skipped_and_said(film: Admin) -> None:
    content = "Film critics 2026\n\n" + CRITICS

    preview = previewed(film.signed_in(Role.ADMIN), content)

    assert "the column names are on row 3, the rows above are skipped as a title" in preview.text
    assert "<strong>2</strong>added" in preview.text


def test_a_workbook_built_to_take_minutes_is_refused_in_the_preview_naming_the_row(
    film: Admin, tmp_path: Path
) -> None:
    rows = [contact(number) for number in range(2, 300)]
    rows.append(row(300, cell("A300", "last@example.org"), cell("XFD300", "x")))
    path = workbook(tmp_path, {SHEET: sheet(rows, dimension="A1:XFD1048576")})
    browser = film.signed_in(Role.ADMIN)

    preview = previewed(browser, path.read_bytes(), name="critics.xlsx")

    assert preview.status_code == 400
    assert "This file cannot be imported as it is:" in preview.text
    assert (
        "&#39;critics.xlsx&#39; (sheet &#39;Sheet&#39;), row 300: a value in column 16,384"
        in preview.text
    )
    assert ">Import</button>" not in preview.text
    assert film_emails(film) == set()
