"""Provider webhooks on a real server: verified requests apply the bounce policy, others change nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from distributor.contacts.suppressions import is_suppressed
from distributor.models import (
    BounceClass,
    BounceRecord,
    BounceSource,
    Delivery,
    DeliveryState,
    Subscription,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
)
from tests.web.conftest import (
    ANNA,
    BEN,
    CERT_URL,
    CLARA,
    DEV,
    MAILGUN_KEY,
    MESSAGE_IDS,
    POSTMARK_AUTH,
    SUBSCRIBE_URL,
    TOPIC,
    SendGridSigner,
    SnsSigner,
    Web,
    as_json,
    payload,
    web_settings,
)

POSTMARK_HEADERS = {
    "Authorization": "Basic " + base64.b64encode(POSTMARK_AUTH.encode()).decode(),
    "Content-Type": "application/json",
}


def ses(web: Web, signer: SnsSigner, name: str, **options: Any) -> Any:
    envelope = signer.envelope("Notification", payload(name).decode(), **options)
    return web.post("/webhooks/ses", as_json(envelope))


def mailgun_body(name: str, *, timestamp: float | None = None, token: str | None = None) -> bytes:
    data = json.loads(payload(name))
    stamp = str(int(time.time() if timestamp is None else timestamp))
    token = token or uuid.uuid4().hex
    digest = hmac.new(MAILGUN_KEY.encode(), (stamp + token).encode(), hashlib.sha256)
    data["signature"] = {"timestamp": stamp, "token": token, "signature": digest.hexdigest()}
    return as_json(data)


def records(web: Web) -> list[BounceRecord]:
    return list(web.session.scalars(select(BounceRecord).order_by(BounceRecord.id)))


def suppression(web: Web, email: str) -> SuppressionReason | None:
    entry = web.session.scalar(select(Suppression).where(Suppression.email == email))
    return entry.reason if entry is not None else None


def subscribed(web: Web, email: str) -> int:
    query = (
        select(func.count())
        .select_from(Subscription)
        .join(Delivery, Delivery.contact_id == Subscription.contact_id)
        .where(Delivery.email == email, Subscription.status == SubscriptionStatus.SUBSCRIBED)
    )
    return web.session.scalar(query) or 0


def assert_nothing_recorded(web: Web, *emails: str) -> None:
    assert records(web) == []
    assert not any(is_suppressed(web.session, email) for email in emails)


def assert_problem(response: Any, status: int, mentions: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert mentions in problem["detail"]


# Amazon SES through SNS


def test_ses_permanent_bounce_suppresses_the_address(web: Web, sns_signer: SnsSigner) -> None:
    web.sent(ANNA)
    response = ses(web, sns_signer, "ses-bounce-permanent.json", version="1")
    assert response.status_code == 200
    (record,) = records(web)
    assert (record.source, record.provider) == (BounceSource.WEBHOOK, "ses")
    assert record.classification is BounceClass.HARD
    assert record.status_code == "5.1.1"
    assert record.original_message_id == MESSAGE_IDS[ANNA]
    assert suppression(web, ANNA) is SuppressionReason.HARD_BOUNCE
    delivery = web.session.get(Delivery, record.delivery_id)
    assert delivery is not None
    assert delivery.state is DeliveryState.BOUNCED


def test_ses_notification_retried_by_sns_is_recorded_once(web: Web, sns_signer: SnsSigner) -> None:
    web.sent(BEN)
    envelope = sns_signer.envelope("Notification", payload("ses-bounce-transient.json").decode())
    first = web.post("/webhooks/ses", as_json(envelope))
    retried = web.post("/webhooks/ses", as_json(envelope))
    assert (first.json(), retried.json()) == (
        {"recorded": 1, "repeated": 0},
        {"recorded": 0, "repeated": 1},
    )
    (record,) = records(web)
    assert record.decision is not None
    assert record.decision.startswith("counted: soft bounce 1 of 3")


def test_ses_notifications_of_one_bounce_published_twice_are_both_recorded(
    web: Web, sns_signer: SnsSigner
) -> None:
    web.sent(BEN)
    for _ in range(2):  # two notifications, each with its own SNS MessageId
        assert ses(web, sns_signer, "ses-bounce-transient.json").json()["recorded"] == 1
    assert len(records(web)) == 2


def test_ses_notification_published_two_hours_ago_is_refused(
    web: Web, sns_signer: SnsSigner
) -> None:
    web.sent(ANNA)
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    response = ses(web, sns_signer, "ses-bounce-permanent.json", published=two_hours_ago)
    assert_problem(response, 403, "old")
    assert_nothing_recorded(web, ANNA)


def test_ses_transient_bounce_is_counted_as_soft(web: Web, sns_signer: SnsSigner) -> None:
    web.sent(BEN)
    assert ses(web, sns_signer, "ses-bounce-transient.json").status_code == 200
    (record,) = records(web)
    assert record.classification is BounceClass.SOFT
    assert record.decision is not None
    assert record.decision.startswith("counted: soft bounce 1 of 3")
    assert not is_suppressed(web.session, BEN)


def test_ses_complaint_unsubscribes_from_every_list(web: Web, sns_signer: SnsSigner) -> None:
    web.sent(CLARA)
    assert ses(web, sns_signer, "ses-complaint.json", subject="Complaint").status_code == 200
    (record,) = records(web)
    assert record.classification is BounceClass.COMPLAINT
    assert suppression(web, CLARA) is SuppressionReason.COMPLAINT
    assert subscribed(web, CLARA) == 0


def test_ses_delivery_notification_records_nothing(web: Web, sns_signer: SnsSigner) -> None:
    web.sent(ANNA)
    assert ses(web, sns_signer, "ses-delivery.json").status_code == 200
    assert_nothing_recorded(web, ANNA)


def test_bounce_belongs_to_the_delivery_its_message_id_names(
    web: Web, sns_signer: SnsSigner
) -> None:
    web.sent(ANNA)
    named = web.session.scalar(select(Delivery).where(Delivery.email == ANNA))
    assert named is not None
    later = web.newsroom.deliver(ANNA, sent_at=named.sent_at.replace(year=2027))
    web.session.commit()
    assert ses(web, sns_signer, "ses-bounce-permanent.json").status_code == 200
    (record,) = records(web)
    assert record.delivery_id == named.id != later.id


def test_raw_notification_is_kept_up_to_the_configured_size(
    web: Web, sns_signer: SnsSigner, engine: Any, tmp_path: Any
) -> None:
    web.configure(web_settings(engine, tmp_path / "capped", bounce_keep_bytes="100"))
    web.sent(ANNA)
    ses(web, sns_signer, "ses-bounce-permanent.json")
    (record,) = records(web)
    assert record.raw_message == payload("ses-bounce-permanent.json")[:100]
    assert record.raw_size == len(payload("ses-bounce-permanent.json"))


def test_ses_forged_signature_is_refused_and_nothing_recorded(
    web: Web, sns_signer: SnsSigner
) -> None:
    web.sent(ANNA)
    envelope = sns_signer.envelope("Notification", payload("ses-bounce-transient.json").decode())
    envelope["Message"] = payload("ses-bounce-permanent.json").decode()  # swapped after signing
    response = web.post("/webhooks/ses", as_json(envelope))
    assert_problem(response, 403, "signature does not verify")
    assert_nothing_recorded(web, ANNA)


@pytest.mark.parametrize(
    "cert_url",
    [
        "https://sns.eu-west-1.amazonaws.com.attacker.example/cert.pem",
        "https://attacker.example/sns.eu-west-1.amazonaws.com/cert.pem",
        "http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem",
        "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService.txt",
    ],
    ids=["suffixed-host", "other-host", "http", "not-pem"],
)
def test_ses_certificate_from_anywhere_but_sns_over_https_is_refused(
    web: Web, sns_signer: SnsSigner, cert_url: str
) -> None:
    web.sent(ANNA)
    response = ses(web, sns_signer, "ses-bounce-permanent.json", cert_url=cert_url)
    assert_problem(response, 403, "SigningCertURL")
    assert web.fetcher.fetched == []
    assert_nothing_recorded(web, ANNA)


def test_ses_notification_from_an_unlisted_topic_is_refused(
    web: Web, sns_signer: SnsSigner
) -> None:
    web.sent(ANNA)
    other = "arn:aws:sns:eu-west-1:999999999999:someone-elses-topic"
    response = ses(web, sns_signer, "ses-bounce-permanent.json", topic=other)
    assert_problem(response, 403, "DISTRIBUTOR_SES_TOPIC_ARNS")
    assert_nothing_recorded(web, ANNA)


def test_sns_subscription_is_confirmed_through_its_subscribe_url(
    web: Web, sns_signer: SnsSigner
) -> None:
    envelope = sns_signer.envelope("SubscriptionConfirmation", "You have chosen to subscribe…")
    assert web.post("/webhooks/ses", as_json(envelope)).status_code == 200
    assert web.fetcher.fetched == [CERT_URL, SUBSCRIBE_URL]


def test_sns_subscription_elsewhere_than_sns_is_not_confirmed(
    web: Web, sns_signer: SnsSigner
) -> None:
    envelope = sns_signer.envelope("SubscriptionConfirmation", "You have chosen to subscribe…")
    envelope["SubscribeURL"] = "https://attacker.example/confirm"
    response = web.post("/webhooks/ses", as_json(envelope))
    assert response.status_code == 403
    assert SUBSCRIBE_URL not in web.fetcher.fetched
    assert "https://attacker.example/confirm" not in web.fetcher.fetched


# SendGrid


def test_sendgrid_events_are_judged_by_kind(web: Web, sendgrid_signer: SendGridSigner) -> None:
    web.sent(ANNA, BEN, CLARA, DEV)
    body = payload("sendgrid-events.json")
    response = web.post("/webhooks/sendgrid", body, sendgrid_signer.headers(body))
    assert response.status_code == 200
    assert response.json() == {"recorded": 4, "repeated": 0}  # the "delivered" event is no bounce
    kinds = {record.recipient: record.classification for record in records(web)}
    assert kinds == {
        ANNA: BounceClass.HARD,
        BEN: BounceClass.DELAYED,
        CLARA: BounceClass.COMPLAINT,
        DEV: BounceClass.BLOCK,
    }
    assert suppression(web, ANNA) is SuppressionReason.HARD_BOUNCE
    assert suppression(web, CLARA) is SuppressionReason.COMPLAINT
    assert not is_suppressed(web.session, BEN)
    assert not is_suppressed(web.session, DEV)  # a block never blames the address


def test_sendgrid_forged_signature_is_refused(web: Web, sendgrid_signer: SendGridSigner) -> None:
    web.sent(ANNA)
    body = payload("sendgrid-events.json")
    headers = sendgrid_signer.headers(b"[]")
    response = web.post("/webhooks/sendgrid", body, headers)
    assert_problem(response, 403, "SendGrid signature does not verify")
    assert_nothing_recorded(web, ANNA)


def test_sendgrid_request_signed_a_month_ago_is_refused(
    web: Web, sendgrid_signer: SendGridSigner
) -> None:
    web.sent(ANNA)
    body = payload("sendgrid-events.json")
    month_ago = str(int(time.time()) - 30 * 86400)
    response = web.post("/webhooks/sendgrid", body, sendgrid_signer.headers(body, month_ago))
    assert_problem(response, 403, "old")
    assert_nothing_recorded(web, ANNA)


def test_sendgrid_replayed_request_changes_nothing(
    web: Web, sendgrid_signer: SendGridSigner
) -> None:
    web.sent(ANNA, BEN, CLARA, DEV)
    body = payload("sendgrid-events.json")
    headers = sendgrid_signer.headers(body)
    assert web.post("/webhooks/sendgrid", body, headers).json() == {"recorded": 4, "repeated": 0}
    assert web.post("/webhooks/sendgrid", body, headers).json() == {"recorded": 0, "repeated": 4}
    assert len(records(web)) == 4


def test_sendgrid_retry_signed_anew_records_its_events_once(
    web: Web, sendgrid_signer: SendGridSigner
) -> None:
    web.sent(ANNA, BEN, CLARA, DEV)
    body = payload("sendgrid-events.json")
    retried = str(int(time.time()) + 60)
    assert web.post("/webhooks/sendgrid", body, sendgrid_signer.headers(body)).status_code == 200
    response = web.post("/webhooks/sendgrid", body, sendgrid_signer.headers(body, retried))
    assert response.json() == {"recorded": 0, "repeated": 4}
    assert len(records(web)) == 4


def test_sendgrid_timestamp_that_is_not_a_number_is_refused(
    web: Web, sendgrid_signer: SendGridSigner
) -> None:
    web.sent(ANNA)
    body = payload("sendgrid-events.json")
    response = web.post("/webhooks/sendgrid", body, sendgrid_signer.headers(body, "yesterday"))
    assert_problem(response, 403, "timestamp is not a number")
    assert_nothing_recorded(web, ANNA)


def test_sendgrid_without_a_key_configured_is_refused(
    web: Web, sendgrid_signer: SendGridSigner, engine: Any, tmp_path: Any
) -> None:
    web.configure(web_settings(engine, tmp_path / "unkeyed"))
    web.sent(ANNA)
    body = payload("sendgrid-events.json")
    response = web.post("/webhooks/sendgrid", body, sendgrid_signer.headers(body))
    assert_problem(response, 403, "DISTRIBUTOR_SENDGRID_WEBHOOK_KEY")
    assert_nothing_recorded(web, ANNA)


# Postmark


@pytest.mark.parametrize(
    ("name", "email", "reason"),
    [
        ("postmark-hard-bounce.json", ANNA, SuppressionReason.HARD_BOUNCE),
        ("postmark-spam-complaint.json", CLARA, SuppressionReason.COMPLAINT),
    ],
    ids=["hard-bounce", "spam-complaint"],
)
def test_postmark_bounce_or_complaint_suppresses_the_address(
    web: Web, name: str, email: str, reason: SuppressionReason
) -> None:
    web.sent(email)
    assert web.post("/webhooks/postmark", payload(name), POSTMARK_HEADERS).status_code == 200
    (record,) = records(web)
    assert record.provider == "postmark"
    assert suppression(web, email) is reason


def test_postmark_soft_bounce_is_counted(web: Web) -> None:
    web.sent(BEN)
    body = payload("postmark-soft-bounce.json")
    assert web.post("/webhooks/postmark", body, POSTMARK_HEADERS).status_code == 200
    (record,) = records(web)
    assert (record.classification, record.status_code) == (BounceClass.SOFT, "4.2.2")
    assert not is_suppressed(web.session, BEN)


def test_postmark_event_sent_twice_is_recorded_once(web: Web) -> None:
    web.sent(BEN)
    body = payload("postmark-soft-bounce.json")
    for _ in range(2):
        assert web.post("/webhooks/postmark", body, POSTMARK_HEADERS).status_code == 200
    (record,) = records(web)
    assert record.provider_event_id == "4323372036854775808"


def test_postmark_wrong_credentials_are_refused(web: Web) -> None:
    web.sent(ANNA)
    wrong = {"Authorization": "Basic " + base64.b64encode(b"postmark:guess").decode()}
    response = web.post("/webhooks/postmark", payload("postmark-hard-bounce.json"), wrong)
    assert_problem(response, 403, "basic auth")
    assert_nothing_recorded(web, ANNA)


# Mailgun


@pytest.mark.parametrize(
    ("name", "email", "kind"),
    [
        ("mailgun-failed-permanent.json", ANNA, BounceClass.HARD),
        ("mailgun-failed-temporary.json", BEN, BounceClass.SOFT),
        ("mailgun-complained.json", CLARA, BounceClass.COMPLAINT),
    ],
    ids=["permanent", "temporary", "complained"],
)
def test_mailgun_event_is_tied_to_its_delivery_by_message_id(
    web: Web, name: str, email: str, kind: BounceClass
) -> None:
    web.sent(email)
    assert web.post("/webhooks/mailgun", mailgun_body(name)).status_code == 200
    (record,) = records(web)
    assert (record.provider, record.classification) == ("mailgun", kind)
    assert record.original_message_id == MESSAGE_IDS[email]
    assert record.delivery_id is not None
    assert is_suppressed(web.session, email) is (kind is not BounceClass.SOFT)


def test_mailgun_bad_signature_is_refused(web: Web) -> None:
    web.sent(ANNA)
    body = json.loads(mailgun_body("mailgun-failed-permanent.json"))
    body["signature"]["signature"] = "0" * 64
    response = web.post("/webhooks/mailgun", as_json(body))
    assert_problem(response, 403, "Mailgun signature does not verify")
    assert_nothing_recorded(web, ANNA)


def test_mailgun_signature_older_than_five_minutes_is_refused(web: Web) -> None:
    web.sent(ANNA)
    body = mailgun_body("mailgun-failed-permanent.json", timestamp=time.time() - 3600)
    assert_problem(web.post("/webhooks/mailgun", body), 403, "old")
    assert_nothing_recorded(web, ANNA)


def test_mailgun_replayed_request_changes_nothing(web: Web) -> None:
    web.sent(BEN)
    body = mailgun_body("mailgun-failed-temporary.json")
    assert web.post("/webhooks/mailgun", body).json() == {"recorded": 1, "repeated": 0}
    assert web.post("/webhooks/mailgun", body).json() == {"recorded": 0, "repeated": 1}
    (record,) = records(web)
    assert record.decision is not None
    assert record.decision.startswith("counted: soft bounce 1 of 3")


def test_mailgun_retry_with_a_new_token_records_its_event_once(web: Web) -> None:
    web.sent(BEN)
    for _ in range(2):  # Mailgun signs each attempt anew
        body = mailgun_body("mailgun-failed-temporary.json")
        assert web.post("/webhooks/mailgun", body).status_code == 200
    assert len(records(web)) == 1


# Every provider


def _to_every_provider(web: Web, body: bytes, sendgrid_signer: SendGridSigner) -> list[Any]:
    """`body` posted to each provider's webhook with the credentials it asks for."""
    cases = {
        "ses": {},
        "sendgrid": sendgrid_signer.headers(body),
        "postmark": POSTMARK_HEADERS,
        "mailgun": {},
    }
    return [web.post(f"/webhooks/{name}", body, headers) for name, headers in cases.items()]


def test_malformed_json_gets_problem_details_naming_the_fault(
    web: Web, sendgrid_signer: SendGridSigner
) -> None:
    broken = b'{"notificationType": "Bounce",'
    for response in _to_every_provider(web, broken, sendgrid_signer):
        assert_problem(response, 400, "is not JSON")
    assert records(web) == []


def test_json_nested_too_deeply_gets_problem_details_not_a_server_error(
    web: Web, sendgrid_signer: SendGridSigner
) -> None:
    nested = b"[" * 100_000 + b"]" * 100_000
    for response in _to_every_provider(web, nested, sendgrid_signer):
        assert_problem(response, 400, "nested too deeply")
    assert records(web) == []


@pytest.mark.parametrize("provider", ["ses", "sendgrid", "postmark", "mailgun"])
def test_a_body_of_many_megabytes_is_refused_before_it_is_read_or_checked(
    web: Web, provider: str
) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(64):  # 64 MB, sent as it is made: never held whole by the test
            yield b"[" + b" " * (1024 * 1024 - 2) + b"]"

    response = web.client.post(f"/webhooks/{provider}", content=chunks())

    assert response.status_code == 413
    assert records(web) == []


def test_an_sns_topic_given_as_a_list_is_named_not_a_server_error(web: Web) -> None:
    body = json.dumps({"Type": "Notification", "TopicArn": [TOPIC], "Message": "{}"}).encode()

    response = web.post("/webhooks/ses", body)

    assert_problem(response, 400, "TopicArn: expected a string")
    assert records(web) == []


def test_sendgrid_event_of_the_wrong_shape_is_named(
    web: Web, sendgrid_signer: SendGridSigner
) -> None:
    body = b'[{"event": "bounce", "email": ["not", "a", "string"]}]'
    response = web.post("/webhooks/sendgrid", body, sendgrid_signer.headers(body))
    assert_problem(response, 400, "email: expected a string")


def test_healthz_reports_the_database_reachable(web: Web) -> None:
    response = web.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
