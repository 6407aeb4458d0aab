"""/p/<token>: a journalist's own lists and language, changed through the link in their email."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from distributor import tokens
from distributor.audit import SYSTEM
from distributor.contacts.suppressions import suppress
from distributor.models import Channel, Contact, SuppressionReason
from distributor.models.base import utcnow
from tests.web.conftest import ANNA, Web, web_settings
from tests.web.recipients import (
    ESCAPED_XSS,
    XSS,
    emailed,
    get,
    link,
    post_form,
    statuses,
    suppression,
    unsubscribe_events,
)


def _contact(web: Web) -> Contact:
    return web.newsroom.contact(ANNA)


def test_page_shows_the_contacts_lists_and_language(web: Web) -> None:
    delivery = emailed(web, ANNA)
    _contact(web).language = "ru"

    response = get(web, link(delivery, "p"))

    assert response.status_code == 200
    assert 'name="list" value="science" checked' in response.text
    assert 'name="list" value="press" checked' in response.text
    assert '<option value="ru" selected>' in response.text
    assert '<option value="en">' in response.text


def test_page_shows_a_list_the_contact_left_unchecked(web: Web) -> None:
    delivery = emailed(web, ANNA)
    post_form(web, link(delivery), {"List-Unsubscribe": "One-Click"})

    response = get(web, link(delivery, "p"))

    assert 'name="list" value="science">' in response.text
    assert 'name="list" value="press" checked' in response.text


def test_saving_leaves_unchecked_lists_and_sets_the_language(web: Web) -> None:
    delivery = emailed(web, ANNA)

    response = post_form(
        web,
        link(delivery, "p"),
        {"choose_lists": "1", "list": ["press"], "language": "ru", "action": "save"},
    )

    assert response.status_code == 200
    assert "saved" in response.text
    assert statuses(web.session, ANNA) == {"science": "unsubscribed", "press": "subscribed"}
    assert _contact(web).language == "ru"
    [event] = unsubscribe_events(web.session, delivery)
    assert event.data == {"channel": Channel.PREFERENCES.value, "lists": ["science"]}


def test_saving_a_list_the_contact_had_left_subscribes_them_again(web: Web) -> None:
    delivery = emailed(web, ANNA)
    post_form(web, link(delivery), {"List-Unsubscribe": "One-Click"})

    post_form(
        web,
        link(delivery, "p"),
        {"choose_lists": "1", "list": ["science", "press"], "language": "", "action": "save"},
    )

    assert statuses(web.session, ANNA) == {"science": "subscribed", "press": "subscribed"}


def test_a_list_the_contact_was_never_on_cannot_be_joined(web: Web) -> None:
    delivery = emailed(web, ANNA)

    post_form(
        web,
        link(delivery, "p"),
        {"choose_lists": "1", "list": ["science", "press", "finance"], "action": "save"},
    )

    assert statuses(web.session, ANNA) == {"science": "subscribed", "press": "subscribed"}


def test_a_suppressed_address_is_not_subscribed_again(web: Web) -> None:
    delivery = emailed(web, ANNA)
    post_form(web, link(delivery), {"scope": "everything"})

    page = get(web, link(delivery, "p"))
    response = post_form(
        web, link(delivery, "p"), {"choose_lists": "1", "list": ["science"], "action": "save"}
    )

    assert "unsubscribed from everything" in page.text
    assert 'name="list"' not in page.text
    assert response.status_code == 409
    assert statuses(web.session, ANNA) == {"science": "unsubscribed", "press": "unsubscribed"}


def test_a_suppressed_address_may_still_change_its_language(web: Web) -> None:
    delivery = emailed(web, ANNA)
    suppress(web.session, ANNA, SuppressionReason.HARD_BOUNCE, actor=SYSTEM)

    response = post_form(web, link(delivery, "p"), {"language": "ru", "action": "save"})

    assert response.status_code == 200
    assert _contact(web).language == "ru"
    assert statuses(web.session, ANNA) == {"science": "subscribed", "press": "subscribed"}


def test_unsubscribe_from_everything_button_suppresses_the_address(web: Web) -> None:
    delivery = emailed(web, ANNA)

    response = post_form(web, link(delivery, "p"), {"action": "everything"})

    assert response.status_code == 200
    assert statuses(web.session, ANNA) == {"science": "unsubscribed", "press": "unsubscribed"}
    entry = suppression(web.session, ANNA)
    assert entry is not None
    assert entry.reason is SuppressionReason.UNSUBSCRIBED


def test_a_language_not_offered_is_refused_and_nothing_changes(web: Web) -> None:
    delivery = emailed(web, ANNA)

    response = post_form(
        web, link(delivery, "p"), {"choose_lists": "1", "list": [], "language": "tlh"}
    )

    assert response.status_code == 400
    assert _contact(web).language is None
    assert statuses(web.session, ANNA) == {"science": "subscribed", "press": "subscribed"}


def test_get_changes_nothing(web: Web) -> None:
    delivery = emailed(web, ANNA)

    get(web, link(delivery, "p"))

    assert statuses(web.session, ANNA) == {"science": "subscribed", "press": "subscribed"}
    assert unsubscribe_events(web.session, delivery) == []


def test_contact_and_list_names_are_shown_as_text(web: Web) -> None:
    delivery = emailed(web, ANNA)
    _contact(web).first_name = XSS
    web.newsroom.lists[1].name = XSS

    text = get(web, link(delivery, "p")).text

    assert text.count(ESCAPED_XSS) == 2
    assert XSS not in text


def test_forged_token_is_404(web: Web) -> None:
    delivery = emailed(web, ANNA)
    forged = tokens.delivery_token(delivery.id, "not-our-secret")

    response = post_form(web, f"/p/{forged}", {"action": "everything"})

    assert response.status_code == 404
    assert suppression(web.session, ANNA) is None


def test_expired_link_is_410_and_changes_nothing(web: Web, engine: Engine, tmp_path: Path) -> None:
    web.configure(web_settings(engine, tmp_path / "expiring", link_max_age="7d"))
    delivery = emailed(web, ANNA, sent_at=utcnow() - timedelta(days=8))

    response = post_form(web, link(delivery, "p"), {"action": "everything"})

    assert response.status_code == 410
    assert suppression(web.session, ANNA) is None
