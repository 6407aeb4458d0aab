"""The release composer: a release written field by field, its media kit, and its file text."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from markupsafe import escape
from PIL import Image
from sqlalchemy import select
from starlette.datastructures import FormData

from distributor.audit import SYSTEM
from distributor.models import MediaKind, Release, ReleaseVersion, Role
from distributor.releases import release_document, write_release
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from distributor.web.admin import composer
from tests.web.admin.conftest import Admin, Browser

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
NEW = "/admin/releases/new"
FIELDS = {
    "mode": "fields",
    "title": "Harbour ferries go electric",
    "subtitle": "Twelve boats by the summer",
    "location": "Hamburg",
    "date": "2027-03-01",
    "organization": "Port Authority",
    "summary": "Line 7 runs on batteries from Monday.",
    "body": "The port put twelve electric ferries into service.\n",
    "language": "en",
}


def _post(
    browser: Browser, path: str, form: dict[str, Any], files: dict[str, Any] | None = None
) -> httpx.Response:
    data = {**form, "csrf_token": browser.csrf_token()}
    return browser.client.post(path, data=data, files=files)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def _stored(admin: Admin, title: str) -> Release | None:
    admin.commit()
    return admin.web.session.scalar(
        select(Release).join(ReleaseVersion).where(ReleaseVersion.title == title)
    )


def _in_paris(admin: Admin) -> Browser:
    officer = admin.users[Role.PRESS_OFFICER]
    officer.time_zone = "Europe/Paris"
    admin.commit()
    return admin.signed_in(Role.PRESS_OFFICER)


def test_the_fields_make_a_release_whose_file_text_holds_each_of_them(admin: Admin) -> None:
    browser = _in_paris(admin)
    form = {
        **FIELDS,
        "embargo_date": "2099-03-01",
        "embargo_time": "09:30",
        "contact_name": "Lena Vogt",
        "contact_role": "Press officer",
        "contact_email": "lena.vogt@port.example",
        "action": "save",
    }

    saved = _post(browser, NEW, form)

    assert saved.status_code == 303, saved.text
    release = _stored(admin, FIELDS["title"])
    assert release is not None
    assert saved.headers["location"] == f"/admin/releases/{release.id}"
    text = write_release(release_document(release))
    for line in (
        "subtitle: Twelve boats by the summer",
        "date: 2027-03-01",
        "location: Hamburg",
        "organization: Port Authority",
        "embargo: 2099-03-01T09:30:00 Europe/Paris",
        "  - name: Lena Vogt",
        "    email: lena.vogt@port.example",
    ):
        assert f"\n{line}\n" in text
    assert text.endswith("---\nThe port put twelve electric ferries into service.\n")
    assert f"“{FIELDS['title']}” is saved." in browser.get(saved.headers["location"]).text


def test_an_empty_title_comes_back_with_the_values_and_the_fields_error(admin: Admin) -> None:
    refused = _post(admin.signed_in(Role.PRESS_OFFICER), NEW, {**FIELDS, "title": " "})

    assert refused.status_code == 422
    assert '<span class="error" id="e-title">Give the release a title' in refused.text
    assert 'name="subtitle" type="text" value="Twelve boats by the summer"' in refused.text
    assert "The port put twelve electric ferries into service." in refused.text
    assert _stored(admin, "") is None


def test_an_embargo_in_the_past_is_refused_with_the_values_kept(admin: Admin) -> None:
    form = {**FIELDS, "embargo_date": "2020-01-06", "embargo_time": "09:00"}

    refused = _post(admin.signed_in(Role.PRESS_OFFICER), NEW, form)

    assert refused.status_code == 422
    assert (
        '<span class="error" id="e-embargo_date">The embargo has to lift in the future'
        in refused.text
    )
    assert 'name="embargo_date" type="date" value="2020-01-06"' in refused.text
    assert 'name="embargo_time" type="time" value="09:00"' in refused.text
    assert _stored(admin, FIELDS["title"]) is None


def test_an_embargo_day_without_a_time_is_refused(admin: Admin) -> None:
    refused = _post(
        admin.signed_in(Role.PRESS_OFFICER), NEW, {**FIELDS, "embargo_date": "2099-01-06"}
    )

    assert refused.status_code == 422
    assert '<span class="error" id="e-embargo_time">Give the time the embargo lifts' in refused.text
    assert 'name="embargo_date" type="date" value="2099-01-06"' in refused.text
    assert _stored(admin, FIELDS["title"]) is None


def test_a_stored_release_saved_unchanged_keeps_its_embargo_on_its_authors_clock(
    admin: Admin,
) -> None:
    release = add_release(admin.web.session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    admin.commit()
    browser = _in_paris(admin)
    page = browser.get(f"/admin/releases/{release.id}/edit").text
    was = page.split('name="embargo_was" value="')[1].split('"')[0]
    form = {
        **FIELDS,
        "title": "Grants 2027, revised",
        "slug": "film-grants-2027",
        "embargo_date": "2027-02-03",
        "embargo_time": "09:00",  # Paris, as the page showed it
        "embargo_was": str(escape(was)).replace("&#43;", "+"),
    }

    saved = _post(browser, f"/admin/releases/{release.id}/edit", form)

    assert saved.status_code == 303, saved.text
    admin.commit()
    admin.web.session.refresh(release)
    assert release.embargo_zone == "+01:00"
    assert release.embargo_until is not None
    assert release.embargo_until.replace(tzinfo=UTC) == datetime(2027, 2, 3, 8, tzinfo=UTC)


def test_a_picture_added_to_the_media_kit_is_in_the_release_file_text(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    form = {
        **FIELDS,
        "action": "upload",
        "upload_alt": "An electric ferry at the pier",
        "upload_caption": "Line 7 at Landungsbrücken.",
        "upload_credit": "Kai Brandt",
    }

    saved = _post(browser, NEW, form, {"upload": ("ferry photo.png", _png(), "image/png")})

    assert saved.status_code == 303, saved.text
    release = _stored(admin, FIELDS["title"])
    assert release is not None
    assert saved.headers["location"] == f"/admin/releases/{release.id}/edit"
    assert [(file.kind, file.name) for file in release.media_files] == [
        (MediaKind.IMAGE, "ferry-photo.png")
    ]
    text = write_release(release_document(release))
    assert (
        "images:\n  - file: ferry-photo.png\n    alt: An electric ferry at the pier\n"
        "    caption: Line 7 at Landungsbrücken.\n    credit: Kai Brandt\n"
    ) in text
    editor = browser.get(saved.headers["location"]).text
    assert "The picture ferry-photo.png is in the media kit" in editor
    assert 'name="image-1-file" value="ferry-photo.png"' in editor
    assert "ferry-photo-email.png?sig=" in editor  # the preview shows it before any embargo


def _held_tokens(page: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="held" value="([^"]+)">', page)


def test_a_picture_added_before_the_release_has_a_title_is_kept_with_what_was_typed(
    admin: Admin,
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    form = {**FIELDS, "title": "", "action": "upload", "upload_alt": "An electric ferry"}

    kept = _post(browser, NEW, form, {"upload": ("ferry.png", _png(), "image/png")})

    assert kept.status_code == 422
    assert '<span class="error" id="e-title">Give the release a title' in kept.text
    assert 'name="subtitle" type="text" value="Twelve boats by the summer"' in kept.text
    assert "<li>The picture ferry.png: An electric ferry</li>" in kept.text
    assert 'name="upload_alt" type="text" value=""' in kept.text  # given to the kept picture
    assert _stored(admin, FIELDS["title"]) is None
    saved = _post(browser, NEW, {**FIELDS, "held": _held_tokens(kept.text)})

    assert saved.status_code == 303, saved.text
    release = _stored(admin, FIELDS["title"])
    assert release is not None
    assert [(image.alt, image.media_file.name) for image in release.images] == [  # type: ignore[union-attr]
        ("An electric ferry", "ferry.png")
    ]


def test_a_kept_file_stays_through_another_refusal_and_a_change_of_tab(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    form = {**FIELDS, "title": "", "action": "upload", "upload_caption": "Fact sheet"}
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    tokens = _held_tokens(
        _post(browser, NEW, form, {"upload": ("facts.pdf", pdf, "application/pdf")}).text
    )

    again = _post(browser, NEW, {**FIELDS, "title": "", "held": tokens})
    as_text = _post(browser, NEW, {**FIELDS, "held": tokens, "action": "text"})

    assert again.status_code == 422
    assert _held_tokens(again.text) == tokens
    assert "<li>The document facts.pdf: Fact sheet</li>" in again.text
    assert _held_tokens(as_text.text) == tokens


def test_a_forged_kept_file_is_ignored(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    saved = _post(browser, NEW, {**FIELDS, "held": "eyJ1c2VyIjoxfQ.forged"})

    assert saved.status_code == 303, saved.text
    release = _stored(admin, FIELDS["title"])
    assert release is not None
    assert release.media_files == []


@pytest.mark.parametrize(
    ("size", "said"),
    [
        pytest.param(30_000, "is 29 KB", id="received-whole"),
        pytest.param(400_000, "is 391 KB", id="refused-while-streaming-in"),
    ],
)
def test_a_file_over_the_size_limit_comes_back_as_the_composer_with_what_was_typed(
    admin: Admin, size: int, said: str
) -> None:
    admin.reconfigure(media_max_bytes="20480")
    browser = admin.signed_in(Role.PRESS_OFFICER)
    form = {**FIELDS, "slug": "ferries-2027", "action": "upload", "upload_alt": "A ferry"}
    big = b"\x89PNG\r\n\x1a\n" + bytes(size - 8)

    refused = _post(browser, NEW, form, {"upload": ("ferry.png", big, "image/png")})

    assert refused.status_code == 422
    assert (
        f'<span class="error" id="e-upload">This picture (ferry.png) {said}; the most a file '
        "can be is 20 KB." in refused.text
    )
    assert 'name="title" type="text" value="Harbour ferries go electric"' in refused.text
    assert 'name="slug" type="text" value="ferries-2027"' in refused.text
    assert 'name="upload_alt" type="text" value="A ferry"' in refused.text
    assert "The port put twelve electric ferries into service." in refused.text
    assert _stored(admin, FIELDS["title"]) is None


def test_an_oversized_file_without_the_forms_token_is_refused(admin: Admin) -> None:
    admin.reconfigure(media_max_bytes="20480")
    browser = admin.signed_in(Role.PRESS_OFFICER)
    big = {"upload": ("ferry.png", bytes(400_000), "image/png")}

    refused = browser.client.post(NEW, data={**FIELDS, "csrf_token": "forged"}, files=big)

    assert refused.status_code == 403
    assert "Harbour ferries" not in refused.text


def test_a_document_added_to_the_media_kit_is_listed_under_its_title(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    form = {**FIELDS, "action": "upload", "upload_caption": "Fact sheet"}
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

    saved = _post(browser, NEW, form, {"upload": ("facts.pdf", pdf, "application/pdf")})

    assert saved.status_code == 303, saved.text
    release = _stored(admin, FIELDS["title"])
    assert release is not None
    assert "documents:\n  - file: facts.pdf\n    title: Fact sheet\n" in write_release(
        release_document(release)
    )


def test_a_picture_without_alt_text_is_refused_and_nothing_is_saved(admin: Admin) -> None:
    form = {**FIELDS, "action": "upload", "upload_caption": "Line 7 at the pier."}

    refused = _post(
        admin.signed_in(Role.PRESS_OFFICER),
        NEW,
        form,
        {"upload": ("ferry.png", _png(), "image/png")},
    )

    assert refused.status_code == 422
    assert '<span class="error" id="e-upload_alt">Describe the picture' in refused.text
    assert 'name="upload_caption" type="text" value="Line 7 at the pier."' in refused.text
    assert _stored(admin, FIELDS["title"]) is None


def test_a_file_that_is_neither_picture_nor_document_is_refused(admin: Admin) -> None:
    form = {**FIELDS, "action": "upload", "upload_alt": "Notes"}

    refused = _post(
        admin.signed_in(Role.PRESS_OFFICER),
        NEW,
        form,
        {"upload": ("notes.txt", b"notes", "text/plain")},
    )

    assert refused.status_code == 422
    assert (
        '<span class="error" id="e-upload">notes.txt is neither a picture (JPEG, PNG, GIF, WebP) '
        "nor a document"
    ) in refused.text
    assert 'name="title" type="text" value="Harbour ferries go electric"' in refused.text
    assert _stored(admin, FIELDS["title"]) is None


def test_a_picture_that_does_not_decode_is_refused_beside_the_file(admin: Admin) -> None:
    form = {**FIELDS, "action": "upload", "upload_alt": "A ferry"}

    refused = _post(
        admin.signed_in(Role.PRESS_OFFICER),
        NEW,
        form,
        {"upload": ("ferry.jpg", b"\xff\xd8\xff\xe0 not really", "image/jpeg")},
    )

    assert refused.status_code == 422
    assert '<span class="error" id="e-upload">ferry.jpg cannot be read as a picture' in refused.text
    assert _stored(admin, FIELDS["title"]) is None


def test_adding_without_choosing_a_file_asks_for_one(admin: Admin) -> None:
    refused = _post(admin.signed_in(Role.PRESS_OFFICER), NEW, {**FIELDS, "action": "upload"})

    assert refused.status_code == 422
    assert '<span class="error" id="e-upload">Choose the picture or document' in refused.text


def test_media_contacts_of_earlier_releases_are_offered_ticked_when_the_release_has_them(
    admin: Admin,
) -> None:
    release = add_release(admin.web.session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    admin.commit()
    browser = admin.signed_in(Role.PRESS_OFFICER)
    contact = release.media_contacts[0]

    new_page = browser.get(NEW).text
    edit_page = browser.get(f"/admin/releases/{release.id}/edit").text

    assert f"> {escape(contact.name)}, {escape(contact.role)}: " in new_page
    assert 'name="contacts"' in new_page
    ticked = edit_page.split(f"> {escape(contact.name)}, ")[0].rsplit("<input", 1)[1]
    assert " checked" in ticked
    assert " checked" not in new_page.split(f"> {escape(contact.name)}, ")[0].rsplit("<input", 1)[1]


def test_a_contact_picked_from_earlier_releases_is_saved_with_every_detail(admin: Admin) -> None:
    release = add_release(admin.web.session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    admin.commit()
    contact = release.media_contacts[0]
    key = composer.contact_key(release_document(release).contacts[0])

    saved = _post(admin.signed_in(Role.PRESS_OFFICER), NEW, {**FIELDS, "contacts": key})

    assert saved.status_code == 303, saved.text
    stored = _stored(admin, FIELDS["title"])
    assert stored is not None
    assert [(c.name, c.email, c.phone) for c in stored.media_contacts] == [
        (contact.name, contact.email, contact.phone)
    ]


def test_the_file_text_tab_shows_the_fields_as_the_release_file(admin: Admin) -> None:
    shown = _post(admin.signed_in(Role.PRESS_OFFICER), NEW, {**FIELDS, "action": "text"})

    assert shown.status_code == 200
    assert 'aria-pressed="true">File text</button>' in shown.text
    assert (
        "\n---\ntitle: Harbour ferries go electric\nsubtitle: Twelve boats by the summer\n"
        in shown.text
    )
    assert _stored(admin, FIELDS["title"]) is None


def test_the_fields_tab_reads_the_file_text_back_into_fields(admin: Admin) -> None:
    text = "---\ntitle: Budget 2027 adopted\nlocation: Lyon\n---\nThe council adopted the budget.\n"

    shown = _post(admin.signed_in(Role.PRESS_OFFICER), NEW, {"text": text, "action": "fields"})

    assert shown.status_code == 200
    assert 'name="title" type="text" value="Budget 2027 adopted"' in shown.text
    assert 'name="location" type="text" value="Lyon"' in shown.text


def test_the_fields_give_back_the_release_file_they_were_filled_from() -> None:
    document = read_release_file(EXAMPLES / "release-en.md")
    values = composer.values_of(document, UTC)
    posted = FormData(
        [
            (name, item)
            for name, value in values.items()
            if name not in ("images", "documents")
            for item in (value if isinstance(value, list) else [value])
        ]
    )

    form, written = composer.composed(
        composer.posted_values(posted), UTC, datetime(2026, 1, 1, tzinfo=UTC)
    )

    assert form.errors == {}
    assert write_release(written) == write_release(document)


def test_the_preview_follows_the_fields(admin: Admin) -> None:
    shown = _post(admin.signed_in(Role.PRESS_OFFICER), "/admin/releases/preview", FIELDS)

    assert shown.status_code == 200
    assert "<strong>Subject:</strong> Harbour ferries go electric" in shown.text
    assert shown.text.count("The port put twelve electric ferries into service.") >= 2


def test_a_web_address_name_another_release_has_is_refused_beside_it(admin: Admin) -> None:
    add_release(admin.web.session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    admin.commit()

    refused = _post(
        admin.signed_in(Role.PRESS_OFFICER), NEW, {**FIELDS, "slug": "film-grants-2027"}
    )

    assert refused.status_code == 409
    assert (
        '<span class="error" id="e-slug">Another release has this web address name' in refused.text
    )
    assert 'name="slug" type="text" value="film-grants-2027"' in refused.text


def test_a_pictures_words_are_changed_and_a_picture_removed_in_the_media_kit(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    upload = {**FIELDS, "action": "upload", "upload_alt": "A ferry"}
    edit = _post(browser, NEW, upload, {"upload": ("first.png", _png(), "image/png")}).headers[
        "location"
    ]
    kept = {"image-1-file": "first.png", "image-1-alt": "A ferry"}
    _post(browser, edit, {**upload, **kept}, {"upload": ("second.png", _png(), "image/png")})
    kit = {
        "image-1-file": "first.png",
        "image-1-alt": "The first ferry",
        "image-1-caption": "Renamed.",
        "image-2-file": "second.png",
        "image-2-alt": "A ferry",
        "image-2-remove": "true",
    }

    saved = _post(browser, edit, {**FIELDS, **kit, "action": "save"})

    assert saved.status_code == 303, saved.text
    release = _stored(admin, FIELDS["title"])
    assert release is not None
    assert [(image.alt, image.caption) for image in release.images] == [
        ("The first ferry", "Renamed.")
    ]
    assert [file.name for file in release.media_files] == ["first.png"]


def test_a_kept_picture_without_alt_text_is_refused_beside_it(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    added = _post(
        browser,
        NEW,
        {**FIELDS, "action": "upload", "upload_alt": "A ferry"},
        {"upload": ("ferry.png", _png(), "image/png")},
    )
    kit = {"image-1-file": "ferry.png", "image-1-alt": "", "image-1-caption": "At the pier."}

    refused = _post(browser, added.headers["location"], {**FIELDS, **kit, "action": "save"})

    assert refused.status_code == 422
    assert '<span class="error" id="e-image-1-alt">Describe the picture' in refused.text
    assert 'name="image-1-caption" type="text" value="At the pier."' in refused.text
