"""/newsroom/signup and /newsroom/confirm/<token> on the served app, mailing a real SMTP server."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings
from distributor.contacts.signups import make_token
from distributor.contacts.suppressions import add_suppression
from distributor.models import Contact, LegalBasis, SuppressionReason
from distributor.models.base import utcnow
from tests.smtp_server import CaptureServer, smtp_server
from tests.web.conftest import ANNA, Fetcher, Served, Web, web_settings
from tests.web.recipients import ESCAPED_XSS, XSS, get, post_form, statuses

BASE = "https://press.example.org"
LINK = re.compile(re.escape(BASE) + r"(/newsroom/confirm/\S+)")
FORM: dict[str, str | list[str]] = {
    "email": ANNA,
    "name": "Anna Berg",
    "outlet": "Tageblatt",
    "list": ["science"],
    "consent": "yes",
}


@pytest.fixture
def capture() -> Iterator[CaptureServer]:
    with smtp_server() as server:
        yield server


def _settings(engine: Engine, tmp_path: Path, capture: CaptureServer, lists: str) -> Settings:
    return web_settings(
        engine,
        tmp_path / "web",
        smtp_url=capture.url(tls="none"),
        base_url=BASE,
        signup_lists=lists,
    )


@pytest.fixture
def web(
    served: Served, session: Session, engine: Engine, tmp_path: Path, capture: CaptureServer
) -> Iterator[Web]:
    web = Web(served, session, Fetcher(b""))
    web.configure(_settings(engine, tmp_path, capture, "science,press"))
    yield web
    web.close()


def _sign_up(web: Web, **changes: str | list[str]) -> httpx.Response:
    return post_form(web, "/newsroom/signup", {**FORM, **changes})


def _link(capture: CaptureServer) -> str:
    """The confirmation link's path, from the text part of the one mail sent."""
    [mail] = [m.message() for m in capture.messages]
    text = mail.get_body(("plain",))
    assert text is not None
    found = LINK.search(text.get_content())
    assert found is not None
    return found.group(1)


def _contact(web: Web, email: str = ANNA) -> Contact | None:
    return web.session.scalar(select(Contact).where(Contact.email == email))


def test_the_form_shows_the_lists_on_offer_and_the_consent_text(web: Web) -> None:
    response = get(web, "/newsroom/signup")

    assert response.status_code == 200
    assert 'name="list" value="science"' in response.text
    assert 'name="list" value="press"' in response.text
    assert 'name="consent"' in response.text
    assert "I agree that the press office may keep my name" in response.text


def test_the_newsroom_links_to_the_form_when_sign_up_is_on(web: Web) -> None:
    assert 'href="/newsroom/signup"' in get(web, "/newsroom").text


def test_sign_up_off_answers_404_and_the_newsroom_has_no_link(
    web: Web, engine: Engine, tmp_path: Path, capture: CaptureServer
) -> None:
    web.configure(_settings(engine, tmp_path, capture, ""))

    assert get(web, "/newsroom/signup").status_code == 404
    assert _sign_up(web).status_code == 404
    assert get(web, "/newsroom/confirm/anything").status_code == 404
    assert "/newsroom/signup" not in get(web, "/newsroom").text
    assert capture.messages == []


def test_signing_up_sends_one_mail_whose_link_confirms(web: Web, capture: CaptureServer) -> None:
    response = _sign_up(web)

    assert response.status_code == 200
    assert "Check your inbox" in response.text
    [captured] = capture.messages
    assert captured.recipients == [ANNA]
    assert statuses(web.session, ANNA) == {"science": "pending"}

    confirmed = post_form(web, _link(capture), {})

    assert confirmed.status_code == 200
    assert "Your sign-up is confirmed" in confirmed.text
    assert statuses(web.session, ANNA) == {"science": "subscribed"}


def test_confirming_records_the_consent_with_the_form_and_the_lists(
    web: Web, capture: CaptureServer
) -> None:
    _sign_up(web, list=["science", "press"])
    post_form(web, _link(capture), {})

    contact = _contact(web)
    assert contact is not None
    assert contact.legal_basis is LegalBasis.CONSENT
    assert contact.consent_at is not None
    assert contact.consent_record is not None
    record = json.loads(contact.consent_record)
    assert record["lists"] == ["science", "press"]
    assert record["form_url"] == f"{BASE}/newsroom/signup"
    assert "I agree" in record["consent_text"]
    assert {"submitted_at", "confirmed_at"} <= set(record)


def test_opening_the_link_shows_a_button_and_changes_nothing(
    web: Web, capture: CaptureServer
) -> None:
    _sign_up(web)
    path = _link(capture)

    response = get(web, path)

    assert response.status_code == 200
    assert f'<form method="post" action="{path}">' in response.text
    assert statuses(web.session, ANNA) == {"science": "pending"}
    contact = _contact(web)
    assert contact is not None
    assert contact.consent_at is None


def test_confirming_twice_is_harmless(web: Web, capture: CaptureServer) -> None:
    _sign_up(web)
    path = _link(capture)
    post_form(web, path, {})

    again = post_form(web, path, {})

    assert again.status_code == 200
    assert statuses(web.session, ANNA) == {"science": "subscribed"}
    assert "confirmed" in get(web, path).text


def test_a_forged_link_is_404_and_changes_nothing(web: Web, capture: CaptureServer) -> None:
    _sign_up(web)
    path = _link(capture)
    forged = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")

    assert get(web, forged).status_code == 404
    assert post_form(web, forged, {}).status_code == 404
    assert post_form(web, "/newsroom/confirm/garbage", {}).status_code == 404
    assert statuses(web.session, ANNA) == {"science": "pending"}


def test_an_expired_link_is_410_and_changes_nothing(
    web: Web, engine: Engine, tmp_path: Path, capture: CaptureServer
) -> None:
    _sign_up(web)
    settings = _settings(engine, tmp_path, capture, "science,press")
    old = make_token(settings, ANNA, ["science"], utcnow() - timedelta(days=4))

    assert get(web, f"/newsroom/confirm/{old}").status_code == 410
    assert post_form(web, f"/newsroom/confirm/{old}", {}).status_code == 410
    assert statuses(web.session, ANNA) == {"science": "pending"}


def test_the_answer_is_the_same_for_new_known_and_suppressed_addresses(
    web: Web, capture: CaptureServer
) -> None:
    known, suppressed = "ben.okafor@kurier.example", "clara.ruiz@diario.example"
    web.newsroom.contact(known)
    add_suppression(web.session, suppressed, SuppressionReason.UNSUBSCRIBED, SYSTEM)

    answers = {
        email: _sign_up(web, email=email, name="Someone") for email in (ANNA, known, suppressed)
    }

    assert {response.status_code for response in answers.values()} == {200}
    shown = {
        response.text.replace(html.escape(email), "EMAIL") for email, response in answers.items()
    }
    assert len(shown) == 1
    assert [m.recipients for m in capture.messages] == [[ANNA]]  # known is on every list


def test_a_suppressed_address_gets_no_mail(web: Web, capture: CaptureServer) -> None:
    add_suppression(web.session, ANNA, SuppressionReason.HARD_BOUNCE, SYSTEM)

    assert _sign_up(web).status_code == 200
    assert capture.messages == []


def test_repeated_sign_ups_send_one_mail(web: Web, capture: CaptureServer) -> None:
    for _ in range(3):
        assert _sign_up(web).status_code == 200

    assert len(capture.messages) == 1


def test_a_line_break_in_the_name_does_not_reach_the_headers(
    web: Web, capture: CaptureServer
) -> None:
    response = _sign_up(web, name="Anna\r\nBcc: victim@other.example", outlet="X\nCc: a@b.example")

    assert response.status_code == 200
    [captured] = capture.messages
    assert captured.recipients == [ANNA]
    headers = captured.data.split(b"\r\n\r\n", 1)[0].lower()
    assert b"\nbcc:" not in headers
    assert b"\ncc:" not in headers


def test_a_script_in_the_name_is_shown_as_text(web: Web, capture: CaptureServer) -> None:
    refused = _sign_up(web, name=XSS, email="not an address")

    assert refused.status_code == 400
    assert ESCAPED_XSS in refused.text
    assert XSS not in refused.text
    _sign_up(web, name=XSS)
    [mail] = [m.message() for m in capture.messages]
    body = mail.get_body(("html",))
    assert body is not None
    assert XSS not in body.get_content()


def test_mistakes_are_shown_beside_their_fields_with_the_values_kept(
    web: Web, capture: CaptureServer
) -> None:
    response = post_form(
        web,
        "/newsroom/signup",
        {"email": "anna@", "name": "Anna Berg", "outlet": "Tageblatt", "list": ["press"]},
    )

    assert response.status_code == 400
    assert 'id="email-error"' in response.text
    assert 'id="consent-error"' in response.text
    assert 'id="name-error"' not in response.text
    assert 'value="anna@"' in response.text
    assert 'value="Tageblatt"' in response.text
    assert 'name="list" value="press" checked' in response.text
    assert capture.messages == []


def test_a_relay_that_refuses_the_mail_leaves_nothing_and_asks_to_try_again(
    web: Web, capture: CaptureServer
) -> None:
    capture.fail_next(1)

    response = _sign_up(web)

    assert response.status_code == 503
    assert "try again" in response.text
    assert _contact(web) is None
    assert _sign_up(web).status_code == 200  # no sign-up was counted: the next one mails
    assert len(capture.messages) == 1


def test_a_client_signing_up_many_addresses_is_asked_to_wait_after_ten(
    web: Web, capture: CaptureServer
) -> None:
    answers = [_sign_up(web, email=f"reader{n}@outlet.example") for n in range(11)]

    assert [a.status_code for a in answers[:10]] == [200] * 10
    assert answers[10].status_code == 429
    assert int(answers[10].headers["Retry-After"]) > 3000
    assert "Too many sign-ups" in answers[10].text
    assert len(capture.messages) == 10
    assert _contact(web, "reader10@outlet.example") is None


def test_one_address_signed_up_again_and_again_from_one_client_is_asked_to_wait(
    web: Web, capture: CaptureServer
) -> None:
    answers = [_sign_up(web, email=ANNA.upper() if n % 2 else ANNA) for n in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]


def test_mistakes_in_the_form_do_not_count_towards_the_wait(web: Web) -> None:
    for _ in range(12):
        assert _sign_up(web, email="not an address").status_code == 400

    assert _sign_up(web).status_code == 200
