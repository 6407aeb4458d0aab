"""Adding addresses to the suppression list by hand, and letting them receive mail again."""

from __future__ import annotations

from sqlalchemy import select

from distributor.audit import Actor
from distributor.contacts.suppressions import add_suppression, is_suppressed
from distributor.models import AuditEntry, Role, Suppression, SuppressionReason
from tests.web.admin.conftest import Admin
from tests.web.recipients import ESCAPED_XSS, XSS

OPERATOR = Actor("test:admin", Role.ADMIN)


def test_an_admin_suppresses_an_address_with_a_reason_kept_as_a_note(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)

    added = browser.post(
        "/admin/suppressions", {"email": " Gone@Paper.example ", "reason": "asked by phone"}
    )

    assert added.status_code == 303
    assert added.headers["location"] == "/admin/suppressions?q=gone%40paper.example"
    admin.commit()
    entry = admin.web.session.scalars(select(Suppression)).one()
    assert (entry.email, entry.reason, entry.note) == (
        "gone@paper.example",
        SuppressionReason.MANUAL,
        "asked by phone",
    )


def test_a_reason_kind_is_recorded_as_that_kind(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)

    browser.post("/admin/suppressions", {"email": "angry@paper.example", "reason": "complaint"})

    admin.commit()
    entry = admin.web.session.scalars(select(Suppression)).one()
    assert (entry.reason, entry.note) == (SuppressionReason.COMPLAINT, None)


def test_a_bad_address_is_refused_naming_it(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)

    refused = browser.post("/admin/suppressions", {"email": "not an address", "reason": "x"})

    assert refused.status_code == 422
    assert '<span class="error" id="e-email">Write the email address' in refused.text
    assert 'value="not an address"' in refused.text
    admin.commit()
    assert admin.web.session.scalars(select(Suppression)).all() == []


def test_removing_an_address_needs_a_reason_and_is_audited(admin: Admin) -> None:
    add_suppression(admin.web.session, "back@paper.example", "left the paper", OPERATOR)
    admin.commit()
    browser = admin.signed_in(Role.ADMIN)

    without = browser.post("/admin/suppressions/remove", {"email": "back@paper.example"})
    removed = browser.post(
        "/admin/suppressions/remove",
        {"email": "back@paper.example", "reason": "rejoined, confirmed by email"},
    )

    assert without.status_code == 422
    assert "Say why back@paper.example may receive mail again" in without.text
    assert removed.status_code == 303
    admin.commit()
    assert not is_suppressed(admin.web.session, "back@paper.example")
    entry = admin.web.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "suppression.remove")
    ).one()
    assert entry.details["reason"] == "rejoined, confirmed by email"


def test_viewers_see_the_list_without_the_forms(admin: Admin) -> None:
    add_suppression(admin.web.session, "gone@paper.example", "asked by phone", OPERATOR)
    admin.commit()
    browser = admin.signed_in(Role.VIEWER)

    page = browser.get("/admin/suppressions")
    refused = browser.post(
        "/admin/suppressions/remove", {"email": "gone@paper.example", "reason": "why not"}
    )

    assert "gone@paper.example" in page.text
    assert 'action="/admin/suppressions/remove"' not in page.text
    assert refused.status_code == 403
    assert is_suppressed(admin.web.session, "gone@paper.example")


def test_a_typed_note_is_shown_as_text(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)
    browser.post("/admin/suppressions", {"email": "x@paper.example", "reason": XSS})

    page = browser.get("/admin/suppressions")

    assert XSS not in page.text
    assert ESCAPED_XSS in page.text
