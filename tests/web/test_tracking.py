"""/c/<token> and /o/<token>.gif: tracked links redirect only where they were signed to, and count."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.audit import SYSTEM
from distributor.contacts.directory import add_contact
from distributor.contacts.subscriptions import subscribe
from distributor.models import Delivery, DeliveryEvent, DeliveryEventKind
from distributor.models.base import utcnow
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from distributor.sending.scheduling.progress import sendout_status
from distributor.sending.scheduling.sendouts import Tracking
from distributor.web.tracking import PIXEL
from tests.bounces.conftest import SECRET
from tests.sending.tracked import body, send
from tests.smtp_server import CaptureServer, smtp_server
from tests.web.conftest import ANNA, BEN, Web, web_settings
from tests.web.recipients import emailed, get, link, post_form

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
CHARTER = "https://filmfund.example.org/charter?lang=en&from=mail"


@pytest.fixture
def capture() -> Iterator[CaptureServer]:
    with smtp_server() as server:
        yield server


def click_path(delivery: Delivery, url: str = CHARTER) -> str:
    encoded = tokens.encode_url(url)
    return f"/c/{tokens.click_token(delivery.id, encoded, SECRET)}"


def open_path(delivery: Delivery) -> str:
    return f"/o/{tokens.open_token(delivery.id, SECRET)}.gif"


def events(session: Session, delivery: Delivery, kind: DeliveryEventKind) -> list[DeliveryEvent]:
    return list(
        session.scalars(
            select(DeliveryEvent).where(
                DeliveryEvent.delivery_id == delivery.id, DeliveryEvent.kind == kind
            )
        )
    )


def test_a_click_redirects_to_the_links_own_url_and_records_it(web: Web) -> None:
    delivery = web.newsroom.deliver(ANNA)

    response = get(web, click_path(delivery))

    assert response.status_code == 302
    assert response.headers["location"] == CHARTER
    assert response.headers["referrer-policy"] == "no-referrer"
    [event] = events(web.session, delivery, DeliveryEventKind.CLICKED)
    assert event.data == {"url": CHARTER}


def test_a_click_token_with_an_altered_url_gets_a_404_and_leads_nowhere(web: Web) -> None:
    delivery = web.newsroom.deliver(ANNA)
    number, _, signature = click_path(delivery).removeprefix("/c/").split(".")
    altered = tokens.encode_url("https://evil.example/login")

    response = get(web, f"/c/{number}.{altered}.{signature}")

    assert response.status_code == 404
    assert "location" not in response.headers
    assert "evil.example" not in response.text
    assert events(web.session, delivery, DeliveryEventKind.CLICKED) == []


def test_a_made_up_click_token_gets_a_404_and_leads_nowhere(web: Web) -> None:
    response = get(web, "/c/https%3A%2F%2Fevil.example%2F")

    assert response.status_code == 404
    assert "location" not in response.headers


def test_the_open_image_is_an_uncached_transparent_gif_and_records_an_open(web: Web) -> None:
    delivery = web.newsroom.deliver(ANNA)

    response = get(web, open_path(delivery))

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/gif"
    assert "no-store" in response.headers["cache-control"]
    assert response.content == PIXEL
    assert response.content[:6] == b"GIF89a"
    assert response.content[6:10] == b"\x01\x00\x01\x00"  # 1 x 1
    assert len(events(web.session, delivery, DeliveryEventKind.OPENED)) == 1


def test_only_the_first_open_of_a_delivery_is_recorded(web: Web) -> None:
    delivery = web.newsroom.deliver(ANNA)

    for _ in range(3):
        assert get(web, open_path(delivery)).status_code == 200

    assert len(events(web.session, delivery, DeliveryEventKind.OPENED)) == 1


def test_an_open_image_with_a_made_up_token_gets_a_404_and_records_nothing(web: Web) -> None:
    delivery = web.newsroom.deliver(ANNA)
    number, _, signature = tokens.open_token(delivery.id, SECRET).partition("-")

    response = get(web, f"/o/{int(number) + 1}-{signature}.gif")

    assert response.status_code == 404
    assert events(web.session, delivery, DeliveryEventKind.OPENED) == []


def test_a_click_by_a_contact_who_objected_since_redirects_without_recording(web: Web) -> None:
    delivery = web.newsroom.deliver(ANNA)
    web.newsroom.contact(ANNA).tracking_allowed = False

    response = get(web, click_path(delivery))

    assert response.headers["location"] == CHARTER
    assert events(web.session, delivery, DeliveryEventKind.CLICKED) == []


def test_report_counts_each_clicking_delivery_once_and_marks_opens_unreliable(web: Web) -> None:
    anna = web.newsroom.deliver(ANNA)
    ben = web.newsroom.deliver(BEN)
    ben.sendout_id = anna.sendout_id
    anna.sendout.subject = "Film grants"  # the stand-in release has no version to take a title from
    for path in (click_path(anna), click_path(anna, "https://a.example/"), click_path(ben)):
        get(web, path)
    get(web, open_path(anna))

    status = sendout_status(web.session, anna.sendout_id, utcnow())

    assert (status.report.clicked, status.report.opened) == (2, 1)
    assert "unreliable" in status.as_dict()["caveats"]["opened"]


def test_preferences_page_offers_to_object_to_tracking(web: Web) -> None:
    delivery = emailed(web, ANNA)

    response = get(web, link(delivery, "p"))

    assert "Do not track my clicks and opens" in response.text
    assert 'name="no_tracking" value="1">' in response.text  # not ticked


def test_a_contact_who_ticks_the_box_gets_untracked_links_in_the_next_sendout(
    web: Web, session: Session, tmp_path: Path, capture: CaptureServer
) -> None:
    release = add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    add_contact(session, {"email": ANNA}, SYSTEM)
    subscribe(session, ANNA, "press", SYSTEM)
    settings = web_settings(
        web.engine,
        tmp_path / "send",
        smtp_url=capture.url(tls="none"),
        base_url="https://p.example",
    )
    tracked = Tracking(clicks=True, opens=True)
    first = send(session, release, settings, capture, tracked)[ANNA]
    assert "https://p.example/c/" in body(first, "html")
    delivery = session.scalars(select(Delivery).where(Delivery.email == ANNA)).one()

    post_form(
        web,
        link(delivery, "p"),
        {"choose_tracking": "1", "no_tracking": "1", "language": "", "action": "save"},
    )
    capture.messages.clear()
    second = send(session, release, settings, capture, tracked)[ANNA]

    html = body(second, "html")
    assert "https://p.example/c/" not in html
    assert "https://p.example/o/" not in html
    assert "https://filmfund.example.org/charter" in html
