"""The segments pages: conditions written one per line, counted while typed; a form that
refuses them comes back as typed, with the reason beside the field."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from distributor.audit import Actor
from distributor.contacts.directory import add_contact
from distributor.contacts.segments import create_segment, parse_where_all
from distributor.models import Role, Segment
from tests.web.admin.conftest import Admin, Browser
from tests.web.recipients import ESCAPED_XSS, XSS

OPERATOR = Actor("test:admin", Role.ADMIN)
FRENCH = "country in FR\nbeats has film"


@pytest.fixture
def journalists(admin: Admin) -> Admin:
    """Two French film critics, a French sports writer and a German film critic."""
    for email, country, beats in (
        ("amelie@cine.example", "FR", "film"),
        ("bruno@ecran.example", "FR", "film;tv"),
        ("chloe@stade.example", "FR", "sport"),
        ("dieter@kino.example", "DE", "film"),
    ):
        add_contact(
            admin.web.session, {"email": email, "country": country, "beats": beats}, OPERATOR
        )
    admin.commit()
    return admin


def count(browser: Browser, where: str, htmx: bool) -> httpx.Response:
    form = {"name": "", "description": "", "where": where, "csrf_token": browser.csrf_token()}
    headers = {"HX-Request": "true"} if htmx else {}
    return browser.client.post("/admin/segments/count", data=form, headers=headers)


def saved(admin: Admin, name: str) -> Segment | None:
    admin.commit()
    return admin.web.session.scalar(select(Segment).where(Segment.name == name))


def test_a_list_manager_creates_a_segment_and_sees_its_count(journalists: Admin) -> None:
    browser = journalists.signed_in(Role.ADMIN)

    created = browser.post(
        "/admin/segments",
        {"name": "French film", "description": "Critics in France", "where": FRENCH},
    )
    listed = browser.get("/admin/segments")
    shown = browser.get(created.headers["location"])

    assert created.status_code == 303
    assert created.headers["location"] == "/admin/segments/French%20film"
    assert '<a href="/admin/segments/French%20film">French film</a>' in listed.text
    assert (
        '<td data-label="Description">Critics in France</td><td data-label="Contacts">2</td>'
        in listed.text
    )
    assert "The segment French film is saved." in listed.text  # the next page shows it
    assert "<strong>2</strong> contacts match now" in shown.text
    assert "amelie@cine.example" in shown.text
    assert "chloe@stade.example" not in shown.text
    segment = saved(journalists, "French film")
    assert segment is not None
    assert segment.rules == parse_where_all(["country in FR", "beats has film"])


def test_the_form_counts_while_typing_with_htmx_and_the_csrf_token(journalists: Admin) -> None:
    page = journalists.signed_in(Role.ADMIN).get("/admin/segments")

    assert '<script src="/static/htmx-2.0.11.min.js" defer></script>' in page.text
    textarea = page.text[page.text.index("<textarea") : page.text.index("</textarea>")]
    assert 'hx-post="/admin/segments/count"' in textarea
    assert 'hx-trigger="input changed delay:400ms"' in textarea
    assert 'hx-target="#segment-count"' in textarea
    form = page.text[page.text.index('<form method="post" action="/admin/segments" novalidate>') :]
    assert form.index('name="csrf_token"') < form.index("<textarea")  # sent with the rules


def test_the_count_endpoint_answers_htmx_with_a_fragment(journalists: Admin) -> None:
    response = count(journalists.signed_in(Role.ADMIN), FRENCH, htmx=True)

    assert response.status_code == 200
    assert response.text.startswith('<div id="segment-count"')
    assert "<html" not in response.text
    assert "<strong>2</strong> contacts match" in response.text
    assert "<li>amelie@cine.example</li>" in response.text
    assert "<li>bruno@ecran.example</li>" in response.text


def test_the_count_button_without_script_shows_the_count_on_the_page(
    journalists: Admin,
) -> None:
    response = count(journalists.signed_in(Role.ADMIN), "country = DE", htmx=False)

    assert response.status_code == 200
    assert response.text.startswith("<!DOCTYPE html>")
    assert "<strong>1</strong> contact matches" in response.text
    assert "<li>dieter@kino.example</li>" in response.text
    assert ">country = DE</textarea>" in response.text  # what was typed stays


def test_a_bad_clause_is_named_beside_the_rules_while_counting(journalists: Admin) -> None:
    response = count(journalists.signed_in(Role.ADMIN), "country in FR\ncontry = FR", htmx=True)

    assert response.status_code == 200  # htmx swaps in only a 2xx answer
    assert (
        "Line 2, “contry = FR”: &#39;contry&#39; is not something a contact record holds; "
        "begin with one of: beats, " in response.text
    )


def test_a_bad_clause_refuses_the_segment_and_keeps_the_form(journalists: Admin) -> None:
    browser = journalists.signed_in(Role.ADMIN)

    response = browser.post(
        "/admin/segments", {"name": "Broken", "where": "country like FR\nbeats has film"}
    )

    assert response.status_code == 422
    assert (
        '<span class="error" id="e-where">Line 1, “country like FR”: &#39;like&#39; is not a '
        "comparison this box understands; use one of: = (or is), !=, in, not in, contains"
        in response.text
    )
    assert 'aria-invalid="true"' in response.text
    assert ">country like FR\nbeats has film</textarea>" in response.text
    assert 'value="Broken"' in response.text
    assert saved(journalists, "Broken") is None


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("beats = film", "Line 1, “beats = film”: beats cannot be compared with &#39;=&#39;; "),
        ("city exists\nconsent_at before soon", "&#39;soon&#39; is not a date. Write the date"),
        ("country =", "Say what country is compared with, after the comparison."),
        ("country in", "Give one or more values, separated by commas, such as FR,DE."),
        ("opened within a month", "Write opened within 30 days (any number of days)"),
        ("outlet 'Le Monde", "A quotation mark is not closed"),
        ("country", "Write what to compare, how, and with what, such as country in FR,DE"),
    ],
)
def test_a_condition_is_refused_in_plain_words_naming_its_line(
    journalists: Admin, where: str, said: str
) -> None:
    response = count(journalists.signed_in(Role.ADMIN), where, htmx=True)

    assert said in response.text
    assert "--where" not in response.text
    assert "rules." not in response.text
    assert "unknown operator" not in response.text


def test_a_segment_without_rules_is_refused(journalists: Admin) -> None:
    response = journalists.signed_in(Role.ADMIN).post(
        "/admin/segments", {"name": "Everyone", "where": "  \n"}
    )

    assert response.status_code == 422
    assert '<span class="error" id="e-where">Write at least one condition' in response.text
    assert 'value="Everyone"' in response.text
    assert saved(journalists, "Everyone") is None


def test_a_segment_is_edited_from_its_rules_as_text(journalists: Admin) -> None:
    create_segment(journalists.web.session, "Film", parse_where_all(["beats has film"]), OPERATOR)
    journalists.commit()
    browser = journalists.signed_in(Role.ADMIN)

    form = browser.get("/admin/segments/Film")
    changed = browser.post(
        "/admin/segments/update",
        {
            "segment": "Film",
            "name": "German film",
            "description": "",
            "where": "beats has film\ncountry = DE",
        },
    )
    page = browser.get("/admin/segments/German%20film")

    assert ">beats has film</textarea>" in form.text
    assert "<strong>3</strong> contacts match now" in form.text
    assert changed.status_code == 303
    assert changed.headers["location"] == "/admin/segments/German%20film"
    assert "<strong>1</strong> contact matches now" in page.text
    assert saved(journalists, "Film") is None


def test_editing_with_the_count_button_stays_on_the_segments_page(journalists: Admin) -> None:
    create_segment(journalists.web.session, "Film", parse_where_all(["beats has film"]), OPERATOR)
    journalists.commit()
    browser = journalists.signed_in(Role.ADMIN)
    form = {"segment": "Film", "name": "Film", "where": "beats has tv"}

    response = browser.post("/admin/segments/count", form)

    assert response.status_code == 200
    assert 'action="/admin/segments/update"' in response.text
    assert "<li>bruno@ecran.example</li>" in response.text


def test_a_segment_is_deleted(journalists: Admin) -> None:
    create_segment(journalists.web.session, "Film", parse_where_all(["beats has film"]), OPERATOR)
    journalists.commit()
    browser = journalists.signed_in(Role.ADMIN)

    deleted = browser.post("/admin/segments/delete", {"segment": "Film"})

    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/admin/segments"
    assert saved(journalists, "Film") is None
    assert browser.get("/admin/segments/Film").status_code == 404


def test_a_viewer_reads_segments_but_gets_no_form(journalists: Admin) -> None:
    create_segment(journalists.web.session, "Film", parse_where_all(["beats has film"]), OPERATOR)
    journalists.commit()
    browser = journalists.signed_in(Role.VIEWER)

    listed = browser.get("/admin/segments")
    shown = browser.get("/admin/segments/Film")

    assert listed.status_code == shown.status_code == 200
    assert '<td data-label="Contacts">3</td>' in listed.text
    assert "<textarea" not in listed.text + shown.text
    assert "<pre>beats has film</pre>" in shown.text


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PRESS_OFFICER])
def test_roles_below_admin_cannot_create_count_or_delete(journalists: Admin, role: Role) -> None:
    create_segment(journalists.web.session, "Film", parse_where_all(["beats has film"]), OPERATOR)
    journalists.commit()
    browser = journalists.signed_in(role)

    created = browser.post("/admin/segments", {"name": "Mine", "where": "country = FR"})
    counted = count(browser, "country = FR", htmx=True)
    deleted = browser.post("/admin/segments/delete", {"segment": "Film"})

    assert [r.status_code for r in (created, counted, deleted)] == [403, 403, 403]
    assert saved(journalists, "Mine") is None
    assert saved(journalists, "Film") is not None


def test_segment_names_and_descriptions_are_shown_as_text(journalists: Admin) -> None:
    name = f"x{XSS}"
    create_segment(
        journalists.web.session, name, parse_where_all(["beats has film"]), OPERATOR, XSS
    )
    journalists.commit()
    browser = journalists.signed_in(Role.ADMIN)

    listed = browser.get("/admin/segments")
    shown = browser.get("/admin/segments/x%3Cscript%3Ealert(1)%3C%2Fscript%3E")

    for page in (listed, shown):
        assert page.status_code == 200
        assert XSS not in page.text
        assert ESCAPED_XSS in page.text
