"""The bounces page: the bounces kept for review are shown apart, and an admin applies one,
audited, once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from distributor.bounces.review import APPLIED
from distributor.contacts.suppressions import is_suppressed
from distributor.models import (
    AuditEntry,
    BounceClass,
    BounceRecord,
    BounceReview,
    BounceSource,
    Role,
)
from distributor.models.base import utcnow
from tests.web.admin.conftest import Admin

BEN = "ben.ohler@kurier.example"
ANNA = "anna.berg@tageblatt.example"


def kept_for_review(admin: Admin) -> int:
    """A hard bounce naming Ben that nothing tied to the email sent to him an hour before,
    and Anna's hard bounce, tied to hers; the id of Ben's."""
    session = admin.web.session
    ben = admin.web.newsroom.deliver(BEN, sent_at=utcnow() - timedelta(hours=1))
    anna = admin.web.newsroom.deliver(ANNA, sent_at=utcnow() - timedelta(hours=1))
    record = BounceRecord(
        source=BounceSource.FILE,
        classification=BounceClass.HARD,
        recipient=ben.email,
        status_code="5.1.1",
        review=BounceReview.NEEDED,
    )
    session.add_all(
        [
            record,
            BounceRecord(
                source=BounceSource.RECEIVER,
                classification=BounceClass.HARD,
                recipient=anna.email,
                delivery_id=anna.id,
            ),
        ]
    )
    admin.commit()
    return record.id


def test_the_bounces_that_need_review_can_be_shown_alone(admin: Admin) -> None:
    kept_for_review(admin)

    page = admin.signed_in(Role.VIEWER).get("/admin/bounces?review=needed")

    assert page.status_code == 200
    assert BEN in page.text
    assert ANNA not in page.text


def test_an_admin_applies_a_bounce_kept_for_review_from_the_bounces_page(admin: Admin) -> None:
    record_id = kept_for_review(admin)
    browser = admin.signed_in(Role.ADMIN)
    assert f'action="/admin/bounces/{record_id}/apply"' in browser.get("/admin/bounces").text

    answer = browser.post(f"/admin/bounces/{record_id}/apply", {"reason": "desk confirmed"})

    assert answer.status_code == 303
    admin.commit()
    assert is_suppressed(admin.web.session, BEN)
    entry = admin.web.session.scalars(select(AuditEntry).where(AuditEntry.action == APPLIED))
    assert [e.details["reason"] for e in entry] == ["desk confirmed"]


def test_applying_a_bounce_twice_from_the_page_is_refused_and_applies_it_once(
    admin: Admin,
) -> None:
    record_id = kept_for_review(admin)
    browser = admin.signed_in(Role.ADMIN)
    browser.post(f"/admin/bounces/{record_id}/apply", {"reason": "desk confirmed"})

    again = browser.post(f"/admin/bounces/{record_id}/apply", {"reason": "desk confirmed"})

    assert again.status_code == 409
    assert "applied already" in again.text
    admin.commit()
    audited = select(func.count()).where(AuditEntry.action == APPLIED)
    assert admin.web.session.scalar(audited) == 1


def test_the_bounces_page_speaks_of_review_in_a_press_officer_s_words(admin: Admin) -> None:
    kept_for_review(admin)

    text = admin.signed_in(Role.ADMIN).get("/admin/bounces").text

    assert "Needs review" in text
    assert "Apply to this address" in text
    assert "distributor bounces" not in text
    assert "DISTRIBUTOR_" not in text


def test_a_press_officer_sees_no_apply_button_and_cannot_apply(admin: Admin) -> None:
    record_id = kept_for_review(admin)
    browser = admin.signed_in(Role.PRESS_OFFICER)

    assert "Apply to this address" not in browser.get("/admin/bounces").text
    answer = browser.post(f"/admin/bounces/{record_id}/apply", {"reason": "sure"})

    assert answer.status_code == 403
    admin.commit()
    assert not is_suppressed(admin.web.session, BEN)


def test_a_refused_apply_is_shown_beside_its_bounce_and_keeps_what_was_typed(
    admin: Admin,
) -> None:
    record_id = kept_for_review(admin)
    browser = admin.signed_in(Role.ADMIN)

    answer = browser.post(f"/admin/bounces/{record_id}/apply", {"reason": "   "})

    assert answer.status_code == 400
    assert 'role="alert"' in answer.text
    assert "audit log" in answer.text
    assert "Bounces" in answer.text  # the page itself, with its navigation, not a bare error
    admin.commit()
    assert not is_suppressed(admin.web.session, BEN)
