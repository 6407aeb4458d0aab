"""/api/v1/bounces: what came back, newest first, filtered as `distributor bounces list`, and
counted as `distributor bounces report`."""

from __future__ import annotations

from datetime import timedelta

from distributor.models import BounceClass, BounceRecord, BounceSource
from distributor.models.base import utcnow
from distributor.models.reasons import Reason
from tests.web.api.conftest import Api, problem_of


def _bounce(
    api: Api, recipient: str, kind: BounceClass, minutes_ago: int, reason: Reason | None = None
) -> None:
    api.session.add(
        BounceRecord(
            source=BounceSource.FILE,
            classification=kind,
            recipient=recipient,
            status_code="5.1.1" if kind is BounceClass.HARD else "4.2.2",
            reply_code="550" if kind is BounceClass.HARD else "452",
            reason=reason.value if reason is not None else None,
            received_at=utcnow() - timedelta(minutes=minutes_ago),
        )
    )


def test_bounces_are_listed_newest_first(api: Api) -> None:
    _bounce(api, "old@kurier.example", BounceClass.HARD, 10)
    _bounce(api, "new@kurier.example", BounceClass.SOFT, 1)

    items = api.get("/bounces").json()["items"]

    assert [b["recipient"] for b in items] == ["new@kurier.example", "old@kurier.example"]
    assert items[1]["status_code"] == "5.1.1"


def test_bounces_are_filtered_by_class_and_address(api: Api) -> None:
    _bounce(api, "old@kurier.example", BounceClass.HARD, 10)
    _bounce(api, "new@kurier.example", BounceClass.SOFT, 1)

    hard = api.get("/bounces", params={"classification": "hard"}).json()["items"]
    new = api.get("/bounces", params={"email": "NEW@kurier.example"}).json()["items"]

    assert [b["recipient"] for b in hard] == ["old@kurier.example"]
    assert [b["recipient"] for b in new] == ["new@kurier.example"]


def test_bounces_are_paged(api: Api) -> None:
    for minute in range(5):
        _bounce(api, f"r{minute}@kurier.example", BounceClass.SOFT, minute)

    first = api.get("/bounces", params={"limit": 3}).json()
    second = api.get("/bounces", params={"limit": 3, "cursor": first["next"]}).json()

    assert [b["recipient"] for b in first["items"] + second["items"]] == [
        f"r{minute}@kurier.example" for minute in range(5)
    ]
    assert second["next"] is None


def test_unknown_class_is_refused_naming_the_parameter(api: Api) -> None:
    assert "query.classification" in problem_of(api.get("/bounces?classification=x"), 422)["detail"]


def test_bounces_carry_their_reason_in_words_and_the_reply_code(api: Api) -> None:
    _bounce(api, "gone@kurier.example", BounceClass.HARD, 1, Reason.USER_UNKNOWN)

    [item] = api.get("/bounces").json()["items"]

    assert (item["reason"], item["reason_label"], item["reply_code"]) == (
        "userunknown",
        "user unknown",
        "550",
    )


def test_a_bounce_kept_without_a_reason_has_its_class_only(api: Api) -> None:
    _bounce(api, "old@kurier.example", BounceClass.HARD, 1)

    [item] = api.get("/bounces").json()["items"]

    assert (item["classification"], item["reason"], item["reason_label"]) == ("hard", None, None)


def test_bounces_are_filtered_by_reason(api: Api) -> None:
    _bounce(api, "gone@kurier.example", BounceClass.HARD, 10, Reason.USER_UNKNOWN)
    _bounce(api, "full@kurier.example", BounceClass.SOFT, 1, Reason.MAILBOX_FULL)

    found = api.get("/bounces", params={"reason": "userunknown"}).json()["items"]

    assert [b["recipient"] for b in found] == ["gone@kurier.example"]


def test_unknown_reason_is_refused_naming_the_parameter(api: Api) -> None:
    assert "query.reason" in problem_of(api.get("/bounces?reason=gone"), 422)["detail"]


def test_report_of_an_address_counts_by_class_and_by_reason(api: Api) -> None:
    for minutes, reason in enumerate((Reason.MAILBOX_FULL, Reason.MAILBOX_FULL, None)):
        _bounce(api, "full@kurier.example", BounceClass.SOFT, minutes, reason)

    report = api.get("/bounces/report", params={"email": "full@kurier.example"}).json()

    assert report["by_class"]["soft"] == 3
    assert report["by_reason"] == {"mailboxfull": 2}
    assert report["summary"] == "2 mailbox full, 1 soft (no reason recorded)"


def test_report_needs_a_sendout_or_an_address(api: Api) -> None:
    assert "one send-out" in problem_of(api.get("/bounces/report"), 400)["detail"]
