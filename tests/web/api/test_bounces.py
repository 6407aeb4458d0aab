"""/api/v1/bounces: what came back, newest first, filtered as `distributor bounces list`."""

from __future__ import annotations

from datetime import timedelta

from distributor.models import BounceClass, BounceRecord, BounceSource
from distributor.models.base import utcnow
from tests.web.api.conftest import Api, problem_of


def _bounce(api: Api, recipient: str, kind: BounceClass, minutes_ago: int) -> None:
    api.session.add(
        BounceRecord(
            source=BounceSource.FILE,
            classification=kind,
            recipient=recipient,
            status_code="5.1.1" if kind is BounceClass.HARD else "4.2.2",
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
