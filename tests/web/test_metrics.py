"""GET /metrics: Prometheus text with the web app's request counters and the queue depth."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from distributor.models import Delivery, DeliveryState, SendOut, SendOutState
from tests.web.conftest import ANNA, BEN, Web
from tests.web.recipients import emailed, get, link, post_form


def _samples(web: Web) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = web.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _requests(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], **labels: str) -> float:
    return samples.get(("distributor_http_requests_total", frozenset(labels.items())), 0.0)


def test_requests_are_counted_by_route_template_and_status(web: Web) -> None:
    before = _samples(web)

    web.client.get("/healthz")
    web.client.get("/healthz")
    web.client.get("/no-such-page")

    after = _samples(web)
    ok = {"method": "GET", "route": "/healthz", "status": "200"}
    missing = {"method": "GET", "route": "unmatched", "status": "404"}
    assert _requests(after, **ok) - _requests(before, **ok) == 2
    assert _requests(after, **missing) - _requests(before, **missing) == 1
    timed = (
        "distributor_http_request_duration_seconds_count",
        frozenset(ok.items() - {("status", "200")}),
    )
    assert after[timed] - before.get(timed, 0.0) == 2


def test_one_click_unsubscribes_are_counted_without_their_token(web: Web) -> None:
    delivery = emailed(web, ANNA)
    before = _samples(web)

    post_form(web, link(delivery), {"List-Unsubscribe": "One-Click"})

    after = _samples(web)
    unsubscribed = {"method": "POST", "route": "/u/{token}", "status": "200"}
    assert _requests(after, **unsubscribed) - _requests(before, **unsubscribed) == 1
    assert delivery.verp_token is not None
    assert delivery.verp_token not in get(web, "/metrics").text


def test_queue_depth_counts_deliveries_still_to_send_per_sending_sendout(web: Web) -> None:
    waiting = [emailed(web, ANNA), emailed(web, BEN)]
    sendout_ids = [d.sendout_id for d in waiting]
    web.session.execute(
        update(SendOut).where(SendOut.id.in_(sendout_ids)).values(state=SendOutState.SENDING)
    )
    web.session.execute(
        update(Delivery).where(Delivery.id == waiting[0].id).values(state=DeliveryState.QUEUED)
    )
    web.session.execute(
        update(Delivery).where(Delivery.id == waiting[1].id).values(state=DeliveryState.DEFERRED)
    )
    web.session.commit()

    samples = _samples(web)

    for sendout_id in sendout_ids:
        assert samples[("distributor_queue_depth", frozenset({("sendout", str(sendout_id))}))] == 1


@pytest.mark.parametrize("client", ["93.184.216.34", "2a00:1450:4001::1"])
def test_metrics_are_not_found_from_the_internet(web: Web, client: str) -> None:
    # uvicorn takes X-Forwarded-For from a proxy on loopback as the client's address.
    response = web.client.get("/metrics", headers={"X-Forwarded-For": client})

    assert response.status_code == 404
    assert "distributor_" not in response.text


@pytest.mark.parametrize("client", ["10.0.3.7", "192.168.1.20", "fd00::5"])
def test_metrics_answer_a_scraper_on_a_private_network(web: Web, client: str) -> None:
    response = web.client.get("/metrics", headers={"X-Forwarded-For": client})

    assert response.status_code == 200
    assert "distributor_" in response.text
