"""The release pages: the list, the editor holding a release file, and the email's preview."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import select

from distributor.audit import SYSTEM
from distributor.models import Release, ReleaseVersion, Role, SendOut
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from tests.web.admin.conftest import Admin
from tests.web.recipients import ESCAPED_XSS, XSS

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
BUDGET = "---\ntitle: Budget 2027 adopted\nsummary: The council votes the budget.\n---\nThe council adopted the budget.\n"
BAD_EMBARGO = "---\ntitle: Budget 2027 adopted\nembargo: next Tuesday\n---\nThe council's <b>text</b> & more.\n"


@pytest.fixture
def release(admin: Admin) -> Release:
    """The English example release, stored."""
    release = add_release(admin.web.session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    admin.commit()
    return release


def _stored(admin: Admin, title: str) -> Release | None:
    admin.commit()
    return admin.web.session.scalar(
        select(Release).join(ReleaseVersion).where(ReleaseVersion.title == title)
    )


def test_the_list_shows_each_release_with_slug_language_embargo_and_sendouts(
    admin: Admin, release: Release
) -> None:
    admin.web.session.add(SendOut(release_id=release.id))
    admin.commit()

    page = admin.signed_in(Role.VIEWER).get("/admin/releases")

    assert page.status_code == 200
    assert f'<a href="/admin/releases/{release.id}">National Film Fund announces' in page.text
    row = page.text[page.text.index(f'href="/admin/releases/{release.id}"') :]
    assert '<td data-label="Web address name">film-grants-2027</td>' in row
    assert '<td data-label="Languages">en</td>' in row
    assert '<td data-label="Embargo until"><time datetime="2027-02-03T08:00:00+00:00"' in row
    assert '<td data-label="Release date">2027-02-03</td>\n<td data-label="Send-outs">1</td>' in row


def test_the_list_is_newest_first(admin: Admin, release: Release) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    browser.post("/admin/releases/new", {"text": BUDGET})

    page = browser.get("/admin/releases").text

    assert page.index("Budget 2027 adopted") < page.index("National Film Fund announces")


def test_the_list_links_to_a_test_copy_and_to_scheduling_for_senders_only(
    admin: Admin, release: Release
) -> None:
    officer = admin.signed_in(Role.PRESS_OFFICER).get("/admin/releases").text
    viewer = admin.signed_in(Role.VIEWER).get("/admin/releases").text

    assert f'href="/admin/releases/{release.id}/test"' in officer
    assert f'href="/admin/sendouts/new?release={release.id}"' in officer
    assert f'href="/admin/releases/{release.id}/edit"' in officer
    assert f'href="/admin/releases/{release.id}/test"' not in viewer
    assert f'href="/admin/releases/{release.id}/edit"' not in viewer


def test_a_press_officer_creates_a_release_from_its_file_text(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    created = browser.post("/admin/releases/new", {"text": BUDGET, "action": "save"})

    stored = _stored(admin, "Budget 2027 adopted")
    assert stored is not None
    assert created.status_code == 303
    assert created.headers["location"] == f"/admin/releases/{stored.id}"
    assert stored.slug == "budget-2027-adopted"
    assert stored.version().body_markdown == "The council adopted the budget.\n"
    assert "Budget 2027 adopted" in browser.get(created.headers["location"]).text


def test_the_composer_shows_a_stored_release_field_by_field(admin: Admin, release: Release) -> None:
    page = admin.signed_in(Role.PRESS_OFFICER).get(f"/admin/releases/{release.id}/edit")

    assert page.status_code == 200
    assert 'name="title" type="text" value="National Film Fund announces' in page.text
    assert 'name="slug" type="text" value="film-grants-2027"' in page.text
    # On the officer's clock (UTC by default), the author's moment kept for an unchanged save.
    assert 'name="embargo_date" type="date" value="2027-02-03"' in page.text
    assert 'name="embargo_time" type="time" value="08:00"' in page.text
    assert 'name="embargo_was" value="2027-02-03T09:00:00+01:00 +01:00"' in page.text


def test_saving_the_edited_text_replaces_the_release(admin: Admin, release: Release) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    text = read_release_file(EXAMPLES / "release-en.md")
    edited = (EXAMPLES / "release-en.md").read_text().replace(text.title, "Grants 2027, revised")

    saved = browser.post(f"/admin/releases/{release.id}/edit", {"text": edited})

    admin.commit()
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/admin/releases/{release.id}"
    assert admin.web.session.get(Release, release.id).version().title == "Grants 2027, revised"  # type: ignore[union-attr]


def test_a_parse_error_is_shown_by_line_and_field_with_the_text_kept(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    refused = browser.post("/admin/releases/new", {"text": BAD_EMBARGO})

    assert refused.status_code == 422
    assert (
        "Not saved. Embargo (line 3): give a day and time with a time zone, e.g. "
        "2027-01-12 09:00 Europe/Paris" in refused.text
    )
    assert "timestamp" not in refused.text
    assert f"\n{escape(BAD_EMBARGO)}</textarea>" in refused.text
    assert _stored(admin, "Budget 2027 adopted") is None


def test_a_parse_error_names_the_field_by_its_label_in_the_composer(admin: Admin) -> None:
    text = "---\ntitle: Budget 2027 adopted\nlinks:\n  - url: ftp://council.example\n---\nBody.\n"

    refused = admin.signed_in(Role.PRESS_OFFICER).post("/admin/releases/new", {"text": text})

    assert refused.status_code == 422
    assert (
        "Not saved. Link 1, web address (line 4): &#39;ftp://council.example&#39; is not a "
        "full web address: begin it with https://." in refused.text
    )
    assert "links[1].url" not in refused.text


def test_a_refused_save_keeps_the_text_and_says_why(admin: Admin, release: Release) -> None:
    taken = BUDGET.replace("---\ntitle:", "---\nslug: film-grants-2027\ntitle:")

    refused = admin.signed_in(Role.PRESS_OFFICER).post("/admin/releases/new", {"text": taken})

    assert refused.status_code == 409
    assert "slug &#39;film-grants-2027&#39; is already a release&#39;s" in refused.text
    assert f"\n{escape(taken)}</textarea>" in refused.text


def test_the_preview_button_shows_the_typed_release_without_saving(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    shown = browser.post("/admin/releases/new", {"text": BUDGET, "action": "preview"})

    assert shown.status_code == 200
    assert "<strong>Subject:</strong> Budget 2027 adopted" in shown.text
    assert "The council adopted the budget." in shown.text
    assert f"\n{escape(BUDGET)}</textarea>" in shown.text
    assert _stored(admin, "Budget 2027 adopted") is None


def test_the_preview_endpoint_renders_the_email_at_phone_and_desktop_width(admin: Admin) -> None:
    shown = admin.signed_in(Role.PRESS_OFFICER).post("/admin/releases/preview", {"text": BUDGET})

    assert shown.status_code == 200
    assert '<iframe sandbox="" width="375"' in shown.text
    assert '<iframe sandbox="" width="800"' in shown.text
    assert shown.text.count("Budget 2027 adopted") >= 3  # subject, both frames
    assert "<summary>Text part</summary>" in shown.text
    assert "<html" not in shown.text.split("srcdoc=")[0]  # a fragment, not a page
    assert _stored(admin, "Budget 2027 adopted") is None


def test_the_preview_endpoint_shows_a_parse_error_instead_of_the_email(admin: Admin) -> None:
    shown = admin.signed_in(Role.PRESS_OFFICER).post(
        "/admin/releases/preview", {"text": BAD_EMBARGO}
    )

    assert shown.status_code == 200  # htmx swaps in only successful answers
    assert "Embargo (line 3): give a day and time" in shown.text
    assert "<iframe" not in shown.text


def test_the_email_reaches_the_frames_only_as_escaped_srcdoc(admin: Admin) -> None:
    hostile = (EXAMPLES / "release-hostile.md").read_text()

    shown = admin.signed_in(Role.PRESS_OFFICER).post("/admin/releases/preview", {"text": hostile})

    frames = shown.text.split("<iframe")[1:]
    assert len(frames) == 2
    assert all(frame.startswith(' sandbox="" ') and ' srcdoc="&lt;' in frame for frame in frames)
    assert "<script" not in shown.text
    assert "javascript:" not in shown.text.lower()


def test_the_editor_asks_for_a_live_preview_with_its_csrf_token(admin: Admin) -> None:
    page = admin.signed_in(Role.PRESS_OFFICER).get("/admin/releases/new").text

    form = page[page.index('<form id="composer" method="post" action="/admin/releases/new"') :]
    assert '<script src="/static/htmx-2.0.11.min.js"' in page
    assert 'hx-post="/admin/releases/preview" hx-trigger="input changed delay:500ms"' in form
    assert 'hx-params="not upload"' in form  # a chosen file is sent once, when it is added
    assert form.index('name="csrf_token"') < form.index("<textarea")  # htmx sends the form's fields
    assert form.index("</textarea>") < form.index("</form>")
    assert 'name="action" value="preview"' in form


def test_a_viewer_may_read_releases_but_not_save_them(admin: Admin, release: Release) -> None:
    viewer = admin.signed_in(Role.VIEWER)

    page = viewer.get(f"/admin/releases/{release.id}")
    created = viewer.post("/admin/releases/new", {"text": BUDGET})
    edited = viewer.post(f"/admin/releases/{release.id}/edit", {"text": BUDGET})

    assert page.status_code == 200
    assert '<iframe sandbox="" width="375"' in page.text
    assert (created.status_code, edited.status_code) == (403, 403)
    assert _stored(admin, "Budget 2027 adopted") is None


def test_a_title_with_markup_is_shown_as_text_on_the_list_and_in_the_editor(
    admin: Admin,
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    text = f"---\ntitle: {XSS}\n---\nBody.\n"
    created = browser.post("/admin/releases/new", {"text": text})

    pages = [
        browser.get("/admin/releases"),
        browser.get(created.headers["location"]),
        browser.get(created.headers["location"] + "/edit"),
        browser.post("/admin/releases/preview", {"text": text}),
    ]

    assert created.status_code == 303
    for page in pages:
        assert page.status_code == 200
        assert ESCAPED_XSS in page.text
        assert XSS not in page.text


def test_a_release_stored_without_text_is_listed_by_its_slug(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    bare = admin.web.newsroom.release  # stored without a file: no version

    listed = browser.get("/admin/releases")
    page = browser.get(f"/admin/releases/{bare.id}")
    editor = browser.get(f"/admin/releases/{bare.id}/edit")

    assert f'<a href="/admin/releases/{bare.id}">research-centre</a>' in listed.text
    assert page.status_code == 200
    assert "no text yet" in page.text
    assert editor.status_code == 200


def test_the_release_page_gives_the_embargo_on_its_authors_clock_and_in_utc(
    admin: Admin, release: Release
) -> None:
    page = admin.signed_in(Role.VIEWER).get(f"/admin/releases/{release.id}")

    assert "February 3, 2027, 09:00 UTC+01:00 (08:00 UTC)" in page.text


def test_a_refusal_in_the_file_text_leaves_out_the_command_lines_advice(admin: Admin) -> None:
    text = BUDGET.replace("---\ntitle:", "---\nimages:\n  - file: gone.jpg\n    alt: Gone\ntitle:")

    refused = admin.signed_in(Role.PRESS_OFFICER).post("/admin/releases/new", {"text": text})

    assert "&#39;gone.jpg&#39; is not a picture of release" in refused.text
    assert "distributor releases" not in refused.text
