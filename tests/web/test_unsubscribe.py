"""/u/<token>: RFC 8058 one-click unsubscribe and its confirm page, on a real server."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from distributor import tokens
from distributor.audit import SYSTEM
from distributor.config import load_settings
from distributor.models import (
    AuditEntry,
    Channel,
    Contact,
    Delivery,
    DeliveryState,
    Segment,
    SendOutAudience,
    SuppressionReason,
)
from distributor.models.base import utcnow
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from distributor.sending.scheduling.dispatch import start_due
from distributor.sending.scheduling.sendouts import Audience, Schedule, create_sendout
from distributor.tasks.sending import batch_sender
from tests.bounces.conftest import SECRET
from tests.sending.conftest import EXAMPLES
from tests.smtp_server import smtp_server
from tests.web.conftest import ANNA, BEN, Web, web_settings
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

ONE_CLICK = {"List-Unsubscribe": "One-Click"}
BOTH = {"science": "subscribed", "press": "subscribed"}


def test_get_shows_a_confirm_form_and_changes_nothing(web: Web) -> None:
    delivery = emailed(web, ANNA)

    response = get(web, link(delivery))

    assert response.status_code == 200
    assert '<form method="post"' in response.text
    assert 'value="lists"' in response.text
    assert 'value="everything"' in response.text
    assert "Science" in response.text
    assert statuses(web.session, ANNA) == BOTH
    assert suppression(web.session, ANNA) is None
    assert unsubscribe_events(web.session, delivery) == []


def test_one_click_post_without_cookie_leaves_the_sendout_lists_only(web: Web) -> None:
    delivery = emailed(web, ANNA, lists=("science",))

    response = post_form(web, link(delivery), ONE_CLICK)

    assert response.status_code == 200
    assert "unsubscribed from Science" in response.text
    assert statuses(web.session, ANNA) == {"science": "unsubscribed", "press": "subscribed"}
    assert suppression(web.session, ANNA) is None
    [event] = unsubscribe_events(web.session, delivery)
    assert event.data == {"channel": Channel.ONE_CLICK.value, "lists": ["science"]}


def test_one_click_records_one_audit_entry_naming_the_lists_left(web: Web) -> None:
    delivery = emailed(web, ANNA, lists=("science", "press"))

    post_form(web, link(delivery), ONE_CLICK)
    post_form(web, link(delivery), ONE_CLICK)

    [entry] = web.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "subscription.unsubscribe")
    )
    contact = web.session.scalars(select(Contact).where(Contact.email == ANNA)).one()
    assert (entry.actor, entry.entity_type, entry.entity_id) == (
        f"recipient:delivery {delivery.id}",
        "contact",
        str(contact.id),
    )
    assert entry.details == {
        "email": ANNA,
        "lists": ["press", "science"],
        "channel": Channel.ONE_CLICK.value,
        "reason": "unsubscribed from the send-out's lists through the link in its email",
    }


def test_one_click_leaves_every_list_of_the_sendout_and_names_them(web: Web) -> None:
    delivery = emailed(web, ANNA, lists=("science", "press"))

    response = post_form(web, link(delivery), ONE_CLICK)

    assert "unsubscribed from Press, Science" in response.text
    assert statuses(web.session, ANNA) == {"science": "unsubscribed", "press": "unsubscribed"}
    [event] = unsubscribe_events(web.session, delivery)
    assert (event.detail, event.data) == (
        "lists",
        {"channel": Channel.ONE_CLICK.value, "lists": ["press", "science"]},
    )


def test_one_click_leaves_only_the_lists_still_subscribed(web: Web) -> None:
    delivery = emailed(web, ANNA, lists=("science", "press"))
    post_form(web, link(emailed(web, ANNA, lists=("press",))), ONE_CLICK)

    response = post_form(web, link(delivery), ONE_CLICK)

    assert "unsubscribed from Science." in response.text
    [event] = unsubscribe_events(web.session, delivery)
    assert event.data["lists"] == ["science"]


def test_unsubscribe_from_everything_leaves_every_list_and_suppresses_the_address(
    web: Web,
) -> None:
    delivery = emailed(web, ANNA, lists=("science",))

    response = post_form(web, link(delivery), {"scope": "everything"})

    assert response.status_code == 200
    assert "unsubscribed from everything" in response.text
    assert statuses(web.session, ANNA) == {"science": "unsubscribed", "press": "unsubscribed"}
    entry = suppression(web.session, ANNA)
    assert entry is not None
    assert entry.reason is SuppressionReason.UNSUBSCRIBED
    assert entry.source == f"delivery {delivery.id}"
    [event] = unsubscribe_events(web.session, delivery)
    assert event.detail == "everything"


def test_one_click_of_a_sendout_to_segments_only_stops_all_mail(web: Web) -> None:
    delivery = emailed(web, ANNA, lists=())
    segment = Segment(name="science-desk", rules={})
    web.session.add(segment)
    web.session.flush()
    web.session.add(SendOutAudience(sendout_id=delivery.sendout_id, segment_id=segment.id))

    response = post_form(web, link(delivery), ONE_CLICK)

    assert response.status_code == 200
    assert statuses(web.session, ANNA) == {"science": "unsubscribed", "press": "unsubscribed"}
    assert suppression(web.session, ANNA) is not None


def test_a_second_post_says_already_unsubscribed_and_changes_nothing(web: Web) -> None:
    delivery = emailed(web, ANNA)
    post_form(web, link(delivery), ONE_CLICK)

    response = post_form(web, link(delivery), ONE_CLICK)

    assert response.status_code == 200
    assert "already unsubscribed" in response.text
    assert statuses(web.session, ANNA) == {"science": "unsubscribed", "press": "subscribed"}
    assert len(unsubscribe_events(web.session, delivery)) == 1


def test_a_second_unsubscribe_from_everything_says_already_unsubscribed(web: Web) -> None:
    delivery = emailed(web, ANNA)
    post_form(web, link(delivery), {"scope": "everything"})

    response = post_form(web, link(delivery), {"scope": "everything"})

    assert response.status_code == 200
    assert "already unsubscribed" in response.text
    assert len(unsubscribe_events(web.session, delivery)) == 1


def test_forged_token_is_404_and_changes_nothing(web: Web) -> None:
    delivery = emailed(web, ANNA)
    forged = tokens.delivery_token(delivery.id, "not-our-secret")

    for response in (get(web, f"/u/{forged}"), post_form(web, f"/u/{forged}", ONE_CLICK)):
        assert response.status_code == 404
        assert "not valid" in response.text
    assert statuses(web.session, ANNA) == BOTH
    assert suppression(web.session, ANNA) is None


def test_altered_token_naming_another_delivery_is_404_and_changes_nothing(web: Web) -> None:
    anna = emailed(web, ANNA)
    ben = emailed(web, BEN)
    assert anna.verp_token is not None
    assert ben.verp_token is not None
    # Anna's signature on Ben's delivery id: whoever edits a link cannot act for someone else.
    altered = ben.verp_token.split("-")[0] + "-" + anna.verp_token.split("-")[1]

    response = post_form(web, f"/u/{altered}", {"scope": "everything"})

    assert response.status_code == 404
    assert statuses(web.session, BEN) == BOTH
    assert suppression(web.session, BEN) is None


def test_malformed_token_is_404(web: Web) -> None:
    emailed(web, ANNA)

    response = post_form(web, "/u/not-a-token!", ONE_CLICK)

    assert response.status_code == 404
    assert statuses(web.session, ANNA) == BOTH


def test_expired_link_is_410_and_changes_nothing(web: Web, engine: Engine, tmp_path: Path) -> None:
    web.configure(web_settings(engine, tmp_path / "expiring", link_max_age="30d"))
    delivery = emailed(web, ANNA, sent_at=utcnow() - timedelta(days=31))

    for response in (get(web, link(delivery)), post_form(web, link(delivery), ONE_CLICK)):
        assert response.status_code == 410
        assert "expired" in response.text
    assert statuses(web.session, ANNA) == BOTH
    assert unsubscribe_events(web.session, delivery) == []


def test_link_within_its_max_age_still_works(web: Web, engine: Engine, tmp_path: Path) -> None:
    web.configure(web_settings(engine, tmp_path / "expiring", link_max_age="30d"))
    delivery = emailed(web, ANNA, sent_at=utcnow() - timedelta(days=29))

    response = post_form(web, link(delivery), ONE_CLICK)

    assert response.status_code == 200
    assert statuses(web.session, ANNA)["science"] == "unsubscribed"


def test_post_without_a_choice_is_400_and_changes_nothing(web: Web) -> None:
    delivery = emailed(web, ANNA)

    response = post_form(web, link(delivery), {})

    assert response.status_code == 400
    assert statuses(web.session, ANNA) == BOTH


def _refused_unchanged(web: Web, status: int, **request: Any) -> None:
    """POST `request` to Anna's link: answered with `status`, her lists as they were."""
    delivery = emailed(web, ANNA)
    web.session.commit()

    response = web.client.post(link(delivery), **request)

    assert response.status_code == status
    web.session.expire_all()
    assert statuses(web.session, ANNA) == BOTH


def test_a_body_that_is_not_a_form_is_400_and_changes_nothing(web: Web) -> None:
    _refused_unchanged(web, 400, json={"List-Unsubscribe": "One-Click"})


def test_a_choice_sent_as_a_file_is_not_taken_for_one(web: Web) -> None:
    _refused_unchanged(
        web, 400, files={"List-Unsubscribe": ("choice.txt", b"One-Click", "text/plain")}
    )


def test_a_one_click_form_with_thousands_of_fields_is_refused_and_changes_nothing(
    web: Web,
) -> None:
    flood = "&".join(f"f{number}=x" for number in range(5_000))
    _refused_unchanged(
        web,
        400,
        content=f"{flood}&List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def test_a_one_click_body_of_a_megabyte_is_refused_and_changes_nothing(web: Web) -> None:
    _refused_unchanged(
        web,
        413,
        content=b"List-Unsubscribe=One-Click&" + b"x" * 1024 * 1024,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def test_list_names_are_shown_as_text(web: Web) -> None:
    web.newsroom.lists[0].name = XSS
    delivery = emailed(web, ANNA)

    page = get(web, link(delivery)).text
    done = post_form(web, link(delivery), ONE_CLICK).text

    assert ESCAPED_XSS in page
    assert ESCAPED_XSS in done
    assert XSS not in page
    assert XSS not in done


def test_one_click_skips_the_contacts_queued_delivery_of_a_running_sendout(
    web: Web, tmp_path: Path
) -> None:
    earlier = emailed(web, ANNA, lists=("science",))
    web.newsroom.contact(BEN)
    release = add_release(web.session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    audience = Audience(lists=("science",))
    running = create_sendout(web.session, release, audience, Schedule(), actor=SYSTEM)
    start_due(web.session, utcnow())
    web.session.commit()
    queued = web.session.scalars(
        select(Delivery).where(Delivery.sendout_id == running.id, Delivery.email == ANNA)
    ).one()
    assert queued.state is DeliveryState.QUEUED

    post_form(web, link(earlier), ONE_CLICK)
    with smtp_server() as capture:
        settings = load_settings(
            {
                "DISTRIBUTOR_DATA_DIR": str(tmp_path / "sender"),
                "DISTRIBUTOR_SMTP_URL": capture.url(tls="none"),
                "DISTRIBUTOR_SECRET_KEY": SECRET,
            }
        )
        sender = batch_sender(settings)
        try:
            sender.run(web.session.get_bind(), running.id, 30.0)  # type: ignore[arg-type]
        finally:
            sender.close()

    web.session.expire_all()
    assert web.session.get_one(Delivery, queued.id).state is DeliveryState.SKIPPED
    assert [r for m in capture.messages for r in m.recipients] == [BEN]
