"""What the admin pages show and change, through the same services as the CLI."""

from __future__ import annotations

from sqlalchemy import select

from distributor.audit import Actor
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe
from distributor.contacts.suppressions import add_suppression
from distributor.models import (
    BounceClass,
    BounceRecord,
    BounceSource,
    Contact,
    MailingList,
    Role,
    User,
)
from tests.web.admin.conftest import EMAILS, Admin
from tests.web.recipients import ESCAPED_XSS, XSS

OPERATOR = Actor("test:admin", Role.ADMIN)


def test_the_dashboard_counts_lists_contacts_releases_and_shows_recent_bounces(
    admin: Admin,
) -> None:
    delivery = admin.web.newsroom.deliver("anna@tageblatt.example")
    admin.web.session.add(
        BounceRecord(
            source=BounceSource.RECEIVER,
            classification=BounceClass.HARD,
            delivery_id=delivery.id,
            recipient="anna@tageblatt.example",
            status_code="5.1.1",
            diagnostic="550 5.1.1 user unknown",
        )
    )
    admin.commit()

    page = admin.signed_in(Role.VIEWER).get("/admin")

    assert page.status_code == 200
    assert '<strong>2</strong><a href="/admin/lists">lists</a>' in page.text
    assert "<strong>1</strong>contacts" in page.text
    assert '<strong>1</strong><a href="/admin/releases">releases</a>' in page.text
    assert "550 5.1.1 user unknown" in page.text
    assert '<td data-label="Kind">Permanent failure</td>' in page.text


def test_an_admin_creates_a_list_from_the_lists_page(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)

    created = browser.post("/admin/lists", {"slug": "film", "name": "Film critics"})
    lists = browser.get("/admin/lists")

    assert created.status_code == 303
    assert '<a href="/admin/lists/film">Film critics</a>' in lists.text
    admin.commit()
    found = admin.web.session.scalar(select(MailingList).where(MailingList.slug == "film"))
    assert found is not None
    assert found.name == "Film critics"


def test_a_short_name_taken_is_refused_beside_the_field_and_creates_nothing(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)

    response = browser.post("/admin/lists", {"slug": "science", "name": "More science"})

    assert response.status_code == 422
    assert "Another list already has the short name science" in response.text
    assert 'value="More science"' in response.text


def test_a_lists_contacts_are_searched_and_paginated(admin: Admin) -> None:
    session = admin.web.session
    create_list(session, "film", OPERATOR, name="Film")
    for number in range(60):
        email = f"critic{number:02}@paper.example"
        add_contact(
            session, {"email": email, "outlet": "Daily" if number % 2 else "Weekly"}, OPERATOR
        )
        subscribe(session, email, "film", OPERATOR)
    admin.commit()
    browser = admin.signed_in(Role.VIEWER)

    first = browser.get("/admin/lists/film")
    second = browser.get("/admin/lists/film?page=2")
    weekly = browser.get("/admin/lists/film?q=weekly")

    assert first.text.count("@paper.example</a>") == 50
    assert "Page 1 of 2 (60 in all)" in first.text
    assert 'href="/admin/lists/film?page=2"' in first.text
    assert second.text.count("@paper.example</a>") == 10
    assert "critic59@paper.example" in second.text
    assert weekly.text.count("@paper.example</a>") == 30
    assert "critic01@paper.example" not in weekly.text


def test_a_contact_page_shows_lists_deliveries_and_bounces(admin: Admin) -> None:
    delivery = admin.web.newsroom.deliver("anna@tageblatt.example")
    delivery.last_error = "452 4.2.2 mailbox full"
    admin.web.session.add(
        BounceRecord(
            source=BounceSource.RECEIVER,
            classification=BounceClass.SOFT,
            delivery_id=delivery.id,
            status_code="4.2.2",
            diagnostic="mailbox full",
            decision="counted as soft bounce 1 of 3",
        )
    )
    admin.commit()

    page = admin.signed_in(Role.VIEWER).get(f"/admin/contacts/{delivery.contact_id}")

    assert page.status_code == 200
    assert "anna@tageblatt.example" in page.text
    assert "Science" in page.text
    assert "Press" in page.text
    assert "research-centre" in page.text
    assert "452 4.2.2 mailbox full" in page.text
    assert "counted as soft bounce 1 of 3" in page.text


def test_an_unknown_contact_is_404(admin: Admin) -> None:
    assert admin.signed_in(Role.VIEWER).get("/admin/contacts/999999").status_code == 404


def test_the_suppression_list_is_shown_and_searched(admin: Admin) -> None:
    session = admin.web.session
    add_suppression(session, "gone@paper.example", "asked by phone", OPERATOR)
    add_suppression(session, "left@other.example", "left the paper", OPERATOR)
    admin.commit()
    browser = admin.signed_in(Role.VIEWER)

    everything = browser.get("/admin/suppressions")
    found = browser.get("/admin/suppressions?q=paper.example")

    assert "gone@paper.example" in everything.text
    assert "left@other.example" in everything.text
    assert "gone@paper.example" in found.text
    assert "left@other.example" not in found.text


def test_the_audit_log_is_paginated_newest_first(admin: Admin) -> None:
    session = admin.web.session
    for number in range(55):
        create_list(session, f"list-{number:02}", OPERATOR)
    admin.commit()
    browser = admin.signed_in(Role.ADMIN)

    first = browser.get("/admin/audit")
    second = browser.get("/admin/audit?page=2")

    assert first.text.count('<td data-label="Action">Created a list</td>') == 50
    assert first.text.index("list-54") < first.text.index("list-53")
    assert "list-00" in second.text


def test_an_admin_creates_a_user_changes_their_role_and_deactivates_them(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)
    email = "new.user@press.example"

    created = browser.post(
        "/admin/users", {"email": email, "role": "viewer", "password": "a long passphrase"}
    )
    promoted = browser.post("/admin/users/role", {"email": email, "role": "press_officer"})
    deactivated = browser.post("/admin/users/deactivate", {"email": email})

    assert [r.status_code for r in (created, promoted, deactivated)] == [303, 303, 303]
    admin.commit()
    user = admin.web.session.scalar(select(User).where(User.email == email))
    assert user is not None
    assert (user.role, user.is_active) == (Role.PRESS_OFFICER, False)
    assert admin.browser().log_in(email, "a long passphrase").status_code == 401


def test_the_last_admin_cannot_be_deactivated_from_the_page(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)

    response = browser.post("/admin/users/deactivate", {"email": EMAILS[Role.ADMIN]})

    assert response.status_code == 409
    assert "last active admin" in response.text


def test_names_of_contacts_and_lists_are_shown_as_text(admin: Admin) -> None:
    session = admin.web.session
    create_list(session, "xss", OPERATOR, name=XSS, description=XSS)
    add_contact(
        session,
        {"email": "x@paper.example", "first_name": XSS, "outlet": XSS, "attributes.Desk": XSS},
        OPERATOR,
    )
    subscribe(session, "x@paper.example", "xss", OPERATOR)
    admin.commit()
    contact = session.scalar(select(Contact).where(Contact.email == "x@paper.example"))
    assert contact is not None
    browser = admin.signed_in(Role.VIEWER)

    for path in ("/admin/lists", "/admin/lists/xss", f"/admin/contacts/{contact.id}"):
        page = browser.get(path)
        assert page.status_code == 200, path
        assert XSS not in page.text, path
        assert ESCAPED_XSS in page.text, path
