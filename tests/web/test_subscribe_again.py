"""/u/again/<token>: after unsubscribing, the way back onto the lists just left."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from distributor import tokens
from distributor.audit import SYSTEM
from distributor.contacts.suppressions import suppress
from distributor.models import Delivery, SuppressionReason
from distributor.models.base import utcnow
from tests.bounces.conftest import SECRET
from tests.web.conftest import ANNA, Web
from tests.web.recipients import emailed, get, link, post_form, statuses, suppression

BOTH = {"science": "subscribed", "press": "subscribed"}


def _unsubscribed(web: Web, delivery: Delivery, scope: str = "lists") -> httpx.Response:
    return post_form(web, link(delivery), {"scope": scope})


def _again_link(answer: httpx.Response) -> str:
    [path] = re.findall(r'href="(/u/again/[^"]+)"', answer.text)
    return path


def test_the_answer_to_an_unsubscribe_offers_to_subscribe_again_and_the_newsroom(
    web: Web,
) -> None:
    answer = _unsubscribed(web, emailed(web, ANNA))

    assert "Subscribe again</a>" in answer.text
    assert 'href="/newsroom"' in answer.text


def test_opening_the_subscribe_again_link_changes_nothing(web: Web) -> None:
    answer = _unsubscribed(web, emailed(web, ANNA))

    page = get(web, _again_link(answer))

    assert page.status_code == 200
    assert '<form method="post"' in page.text
    assert "You will receive the emails of Science again." in page.text
    assert statuses(web.session, ANNA) == {"science": "unsubscribed", "press": "subscribed"}


def test_pressing_subscribe_again_puts_the_journalist_back_on_the_lists_left(web: Web) -> None:
    answer = _unsubscribed(web, emailed(web, ANNA))

    done = post_form(web, _again_link(answer), {})

    assert done.status_code == 200
    assert "is on Science again" in done.text
    assert statuses(web.session, ANNA) == BOTH


def test_subscribing_again_twice_changes_nothing_the_second_time(web: Web) -> None:
    again = _again_link(_unsubscribed(web, emailed(web, ANNA)))
    post_form(web, again, {})

    page = get(web, again)
    second = post_form(web, again, {})

    assert "You are subscribed already" in page.text
    assert second.status_code == 200
    assert statuses(web.session, ANNA) == BOTH


def test_subscribing_again_lifts_the_stop_of_all_mail_this_very_link_made(web: Web) -> None:
    answer = _unsubscribed(web, emailed(web, ANNA), scope="everything")
    assert suppression(web.session, ANNA) is not None

    post_form(web, _again_link(answer), {})

    assert suppression(web.session, ANNA) is None
    assert statuses(web.session, ANNA) == {"science": "subscribed", "press": "unsubscribed"}


def test_a_stop_for_a_bounce_is_never_lifted_from_the_journalists_page(web: Web) -> None:
    delivery = emailed(web, ANNA)
    answer = _unsubscribed(web, delivery)
    suppress(web.session, ANNA, SuppressionReason.HARD_BOUNCE, actor=SYSTEM)
    web.session.commit()

    page = get(web, _again_link(answer))
    refused = post_form(web, _again_link(answer), {})

    assert "cannot be subscribed again here" in page.text
    assert refused.status_code == 409
    assert "please write to the press office" in refused.text
    assert suppression(web.session, ANNA) is not None
    assert statuses(web.session, ANNA) == {"science": "unsubscribed", "press": "subscribed"}


def test_a_forged_subscribe_again_token_is_refused_with_a_clear_page(web: Web) -> None:
    delivery = emailed(web, ANNA)
    _unsubscribed(web, delivery)
    forged = tokens.subscribe_again_token(
        {"d": delivery.id, "s": "lists", "t": int(utcnow().timestamp())}, "another-secret"
    )

    response = post_form(web, f"/u/again/{forged}", {})

    assert response.status_code == 404
    assert "This link is not valid. Nothing has changed." in response.text
    assert 'href="/newsroom"' in response.text
    assert statuses(web.session, ANNA) == {"science": "unsubscribed", "press": "subscribed"}


def test_a_subscribe_again_token_older_than_thirty_days_is_refused(web: Web) -> None:
    delivery = emailed(web, ANNA)
    _unsubscribed(web, delivery)
    issued = utcnow() - timedelta(days=31)
    old = tokens.subscribe_again_token(
        {"d": delivery.id, "s": "lists", "t": int(issued.timestamp())}, SECRET
    )

    response = post_form(web, f"/u/again/{old}", {})

    assert response.status_code == 410
    assert "This link has expired" in response.text
    assert statuses(web.session, ANNA) == {"science": "unsubscribed", "press": "subscribed"}


def test_a_delivery_token_is_no_subscribe_again_token(web: Web) -> None:
    delivery = emailed(web, ANNA)
    _unsubscribed(web, delivery)
    assert delivery.verp_token is not None

    response = post_form(web, f"/u/again/{delivery.verp_token}", {})

    assert response.status_code == 404
    assert statuses(web.session, ANNA) == {"science": "unsubscribed", "press": "subscribed"}
