"""/api/v1/bounces: the bounces kept for review are found and applied by hand, audited, once."""

from __future__ import annotations

from datetime import timedelta

import httpx
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
from tests.bounces.conftest import Newsroom
from tests.web.api.conftest import Api, problem_of

BEN = "ben.ohler@kurier.example"


def _kept_for_review(api: Api) -> int:
    """A hard bounce naming Ben that nothing tied to the email sent to him an hour before."""
    Newsroom(api.session).deliver(BEN, sent_at=utcnow() - timedelta(hours=1))
    record = BounceRecord(
        source=BounceSource.FILE,
        classification=BounceClass.HARD,
        recipient=BEN,
        status_code="5.1.1",
        review=BounceReview.NEEDED,
        decision="recorded: kept for review",
    )
    api.session.add(record)
    api.session.flush()
    return record.id


def _apply(api: Api, record_id: int, role: Role = Role.ADMIN) -> httpx.Response:
    return api.post(f"/bounces/{record_id}/apply", json={"reason": "desk confirmed"}, role=role)


def test_bounces_kept_for_review_are_listed_apart(api: Api) -> None:
    record_id = _kept_for_review(api)
    api.session.add(BounceRecord(source=BounceSource.FILE, classification=BounceClass.SOFT))

    items = api.get("/bounces", params={"review": "needed"}).json()["items"]

    assert [(item["id"], item["review"]) for item in items] == [(record_id, "needed")]


def test_a_bounce_kept_for_review_is_applied_and_audited(api: Api) -> None:
    record_id = _kept_for_review(api)

    answer = _apply(api, record_id)

    assert answer.status_code == 200, answer.text
    assert answer.json()["email"] == BEN
    assert is_suppressed(api.session, BEN)
    entry = api.session.scalars(select(AuditEntry).where(AuditEntry.action == APPLIED)).one()
    assert entry.details["reason"] == "desk confirmed"


def test_applying_a_bounce_twice_answers_409_and_applies_it_once(api: Api) -> None:
    record_id = _kept_for_review(api)
    _apply(api, record_id)

    problem = problem_of(_apply(api, record_id), 409)

    assert "applied already" in problem["detail"]
    audited = select(func.count()).where(AuditEntry.action == APPLIED)
    assert api.session.scalar(audited) == 1


def test_a_press_officer_cannot_apply_a_bounce(api: Api) -> None:
    record_id = _kept_for_review(api)

    problem_of(_apply(api, record_id, Role.PRESS_OFFICER), 403)

    assert not is_suppressed(api.session, BEN)
