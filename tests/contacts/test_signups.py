"""The newsroom sign-up: pending until the emailed link confirms it, consent recorded, no enumeration."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings, load_settings
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import archive_list, create_list
from distributor.contacts.signups import (
    ListOffer,
    SignupExpired,
    SignupForm,
    SignupRefused,
    UnknownSignup,
    confirm_signup,
    make_token,
    open_signup,
    request_signup,
    signup_offer,
)
from distributor.contacts.subscriptions import subscribe
from distributor.contacts.suppressions import add_suppression
from distributor.errors import Conflict
from distributor.models import (
    AuditEntry,
    Contact,
    LegalBasis,
    MailingList,
    Subscription,
    SuppressionReason,
)
from distributor.models.base import utcnow
from distributor.sending.notices import send_signup_confirmation
from tests.smtp_server import CaptureServer, smtp_server

ANNA = "anna.berg@tageblatt.example"
FORM = SignupForm(ANNA, "Anna Berg", "Tageblatt", ("science", "press"), consent=True)
LINK = re.compile(r"https://press\.example\.org/newsroom/confirm/(\S+)")


@pytest.fixture
def capture() -> Iterator[CaptureServer]:
    with smtp_server() as server:
        yield server


def _settings(tmp_path: Path, capture: CaptureServer, **values: str) -> Settings:
    return load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"),
            "DISTRIBUTOR_SMTP_URL": capture.url(tls="none"),
            "DISTRIBUTOR_SECRET_KEY": "test-secret-0123456789abcdef0123456789",
            "DISTRIBUTOR_BASE_URL": "https://press.example.org",
            "DISTRIBUTOR_FROM": "Ministry Press Office <press@ministry.example>",
            "DISTRIBUTOR_SIGNUP_LISTS": "science,press,archived",
            **{f"DISTRIBUTOR_{name.upper()}": value for name, value in values.items()},
        }
    )


@pytest.fixture
def settings(tmp_path: Path, capture: CaptureServer) -> Settings:
    return _settings(tmp_path, capture)


@pytest.fixture
def lists(session: Session) -> None:
    create_list(session, "science", SYSTEM, name="Science desk")
    create_list(session, "press", SYSTEM, name="Press desk")
    create_list(session, "culture", SYSTEM, name="Culture desk")
    create_list(session, "archived", SYSTEM, name="Old desk")
    archive_list(session, "archived", SYSTEM)
    session.flush()


def _sign_up(session: Session, settings: Settings, form: SignupForm = FORM) -> None:
    request_signup(session, settings, form, utcnow(), partial(send_signup_confirmation, settings))
    session.commit()


def _token(capture: CaptureServer) -> str:
    [mail] = [m.message() for m in capture.messages]
    text = mail.get_body(("plain",))
    assert text is not None
    found = LINK.search(text.get_content())
    assert found is not None
    return found.group(1)


def _statuses(session: Session, email: str = ANNA) -> dict[str, str]:
    rows = session.execute(
        select(MailingList.slug, Subscription.status)
        .join(Subscription, Subscription.list_id == MailingList.id)
        .join(Contact, Contact.id == Subscription.contact_id)
        .where(Contact.email == email)
    )
    return {slug: status.value for slug, status in rows}


def _contact(session: Session) -> Contact:
    return session.scalars(select(Contact).where(Contact.email == ANNA)).one()


def _audit_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


@pytest.mark.usefixtures("lists")
def test_the_form_offers_the_listed_lists_that_exist_and_are_not_archived(
    session: Session, settings: Settings
) -> None:
    assert signup_offer(session, settings) == (
        ListOffer("science", "Science desk"),
        ListOffer("press", "Press desk"),
    )


@pytest.mark.usefixtures("lists")
def test_without_signup_lists_nothing_is_offered(
    session: Session, tmp_path: Path, capture: CaptureServer
) -> None:
    assert signup_offer(session, _settings(tmp_path, capture, signup_lists="")) == ()


@pytest.mark.usefixtures("lists")
def test_signing_up_mails_one_confirmation_link_to_the_address(
    session: Session, settings: Settings, capture: CaptureServer
) -> None:
    _sign_up(session, settings)

    [captured] = capture.messages
    assert captured.recipients == [ANNA]
    [mail] = [m.message() for m in capture.messages]
    assert mail["To"] == ANNA  # no name: nothing typed into the form is written in the mail
    assert "Confirm your sign-up" in mail["Subject"]
    assert _token(capture)


@pytest.mark.usefixtures("lists")
def test_the_confirmation_subject_names_the_office(
    session: Session, tmp_path: Path, capture: CaptureServer
) -> None:
    _sign_up(session, _settings(tmp_path, capture, organization="Ministry of Science"))

    [mail] = [m.message() for m in capture.messages]
    assert mail["Subject"] == "Confirm your sign-up for press releases from Ministry of Science"


@pytest.mark.usefixtures("lists")
def test_without_an_office_name_the_confirmation_subject_takes_the_from_name(
    session: Session, settings: Settings, capture: CaptureServer
) -> None:
    _sign_up(session, settings)

    [mail] = [m.message() for m in capture.messages]
    assert mail["Subject"].endswith("from Ministry Press Office")


@pytest.mark.usefixtures("lists")
def test_a_new_address_is_pending_on_the_chosen_lists_until_confirmed(
    session: Session, settings: Settings
) -> None:
    _sign_up(session, settings)

    assert _statuses(session) == {"science": "pending", "press": "pending"}
    contact = _contact(session)
    assert (contact.name, contact.outlet) == ("Anna Berg", "Tageblatt")
    assert contact.consent_at is None


@pytest.mark.usefixtures("lists")
def test_confirming_subscribes_the_address_and_records_its_consent(
    session: Session, settings: Settings, capture: CaptureServer
) -> None:
    _sign_up(session, settings)

    confirm_signup(session, settings, _token(capture), utcnow())
    session.commit()

    assert _statuses(session) == {"science": "subscribed", "press": "subscribed"}
    contact = _contact(session)
    assert contact.legal_basis is LegalBasis.CONSENT
    assert contact.consent_at is not None
    assert contact.consent_record is not None
    record = json.loads(contact.consent_record)
    assert record["consent_text"] == settings.signup_consent
    assert record["lists"] == ["science", "press"]
    assert record["form_url"] == "https://press.example.org/newsroom/signup"
    assert record["submitted_at"] <= record["confirmed_at"]
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_id == str(contact.id))
    ).all()
    assert "contact.legal_basis" in actions


@pytest.mark.usefixtures("lists")
def test_confirming_twice_changes_nothing_the_second_time(
    session: Session, settings: Settings, capture: CaptureServer
) -> None:
    _sign_up(session, settings)
    token = _token(capture)
    confirm_signup(session, settings, token, utcnow())
    session.commit()
    consent_at, entries = _contact(session).consent_at, _audit_count(session)

    again = confirm_signup(session, settings, token, utcnow())

    assert again.confirmed
    assert (_contact(session).consent_at, _audit_count(session)) == (consent_at, entries)


@pytest.mark.usefixtures("lists")
def test_opening_the_link_changes_nothing(
    session: Session, settings: Settings, capture: CaptureServer
) -> None:
    _sign_up(session, settings)

    pending = open_signup(session, settings, _token(capture), utcnow())

    assert [choice.slug for choice in pending.lists] == ["science", "press"]
    assert not pending.confirmed
    assert _statuses(session) == {"science": "pending", "press": "pending"}


@pytest.mark.usefixtures("lists")
def test_an_altered_token_names_no_sign_up(
    session: Session, settings: Settings, capture: CaptureServer
) -> None:
    _sign_up(session, settings)
    token = _token(capture)
    altered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")

    for forged in (altered, "not-a-token", make_token(settings, ANNA, ["press"], utcnow()) + "x"):
        with pytest.raises(UnknownSignup):
            confirm_signup(session, settings, forged, utcnow())
    assert _statuses(session) == {"science": "pending", "press": "pending"}


@pytest.mark.usefixtures("lists")
def test_a_link_older_than_signup_max_age_has_expired(session: Session, settings: Settings) -> None:
    _sign_up(session, settings)
    submitted = utcnow() - timedelta(days=3, minutes=1)

    with pytest.raises(SignupExpired):
        confirm_signup(
            session, settings, make_token(settings, ANNA, ["press"], submitted), utcnow()
        )
    assert _statuses(session) == {"science": "pending", "press": "pending"}


@pytest.mark.usefixtures("lists")
def test_a_link_sent_before_the_consent_text_changed_has_expired(
    session: Session, settings: Settings, capture: CaptureServer, tmp_path: Path
) -> None:
    _sign_up(session, settings)
    changed = _settings(tmp_path, capture, signup_consent="New terms.")

    with pytest.raises(SignupExpired):
        confirm_signup(session, changed, _token(capture), utcnow())


@pytest.mark.usefixtures("lists")
def test_a_suppressed_address_gets_no_mail_and_becomes_no_contact(
    session: Session, settings: Settings, capture: CaptureServer
) -> None:
    add_suppression(session, ANNA, SuppressionReason.UNSUBSCRIBED, SYSTEM)
    session.commit()

    _sign_up(session, settings)

    assert capture.messages == []
    assert session.scalar(select(Contact).where(Contact.email == ANNA)) is None


@pytest.mark.usefixtures("lists")
def test_an_address_already_on_every_chosen_list_gets_no_mail(
    session: Session, settings: Settings, capture: CaptureServer
) -> None:
    add_contact(session, {"email": ANNA}, SYSTEM)
    subscribe(session, ANNA, "science", SYSTEM)
    subscribe(session, ANNA, "press", SYSTEM)
    session.commit()

    _sign_up(session, settings)

    assert capture.messages == []


@pytest.mark.usefixtures("lists")
def test_a_known_contact_keeps_its_details_and_lists_until_it_confirms(
    session: Session, settings: Settings, capture: CaptureServer
) -> None:
    add_contact(session, {"email": ANNA, "name": "Anna Berg", "outlet": "Kurier"}, SYSTEM)
    subscribe(session, ANNA, "science", SYSTEM)
    session.commit()

    _sign_up(session, settings, SignupForm(ANNA, "Mallory", "Evil", ("science", "press"), True))

    assert len(capture.messages) == 1
    contact = _contact(session)
    assert (contact.name, contact.outlet) == ("Anna Berg", "Kurier")
    assert _statuses(session) == {"science": "subscribed", "press": "pending"}


@pytest.mark.usefixtures("lists")
def test_a_second_sign_up_within_the_mail_interval_sends_no_second_mail(
    session: Session, settings: Settings, capture: CaptureServer
) -> None:
    _sign_up(session, settings)
    _sign_up(session, settings, SignupForm(ANNA.upper(), "Anna", "", ("press",), True))

    assert len(capture.messages) == 1


@pytest.mark.usefixtures("lists")
def test_a_sign_up_after_the_mail_interval_sends_another_mail(
    session: Session, capture: CaptureServer, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, capture, signup_mail_interval="0")

    _sign_up(session, settings)
    _sign_up(session, settings)

    assert len(capture.messages) == 2


@pytest.mark.usefixtures("lists")
def test_an_address_gets_at_most_three_confirmation_mails_a_day_however_many_ask(
    session: Session, capture: CaptureServer, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, capture, signup_mail_interval="0")
    send = partial(send_signup_confirmation, settings)
    start = utcnow()

    for minutes in range(0, 50, 10):
        request_signup(session, settings, FORM, start + timedelta(minutes=minutes), send)
    request_signup(session, settings, FORM, start + timedelta(days=1, minutes=1), send)

    assert len(capture.messages) == 4


@pytest.mark.usefixtures("lists")
def test_the_confirmation_mail_carries_none_of_the_text_typed_into_the_form(
    session: Session, settings: Settings, capture: CaptureServer
) -> None:
    typed = SignupForm(ANNA, "WIN A PRIZE at prize.example", "Call +1 555 0100", ("press",), True)

    _sign_up(session, settings, typed)

    [mail] = [m.message() for m in capture.messages]
    parts = [part.get_content() for part in mail.walk() if part.get_content_maintype() == "text"]
    written = "\n".join([*map(str, mail.values()), *parts])
    assert "PRIZE" not in written
    assert "555 0100" not in written
    assert mail["To"] == ANNA


@pytest.mark.usefixtures("lists")
def test_mistakes_in_the_form_are_named_field_by_field(
    session: Session, settings: Settings, capture: CaptureServer
) -> None:
    form = SignupForm("not-an-address", " ", "x" * 300, ("culture", "archived"), consent=False)

    with pytest.raises(SignupRefused) as refused:
        _sign_up(session, settings, form)

    assert set(refused.value.problems) == {"email", "name", "outlet", "lists", "consent"}
    assert capture.messages == []
    assert session.scalar(select(func.count()).select_from(Contact)) == 0


@pytest.mark.usefixtures("lists")
def test_a_line_break_in_the_name_stays_out_of_the_headers(
    session: Session, settings: Settings, capture: CaptureServer
) -> None:
    form = SignupForm(ANNA, "Anna\r\nBcc: victim@other.example", "", ("press",), True)

    _sign_up(session, settings, form)

    [captured] = capture.messages
    assert captured.recipients == [ANNA]
    headers = captured.data.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in headers
    assert _contact(session).name == "Anna Bcc: victim@other.example"


@pytest.mark.usefixtures("lists")
def test_an_address_suppressed_after_signing_up_cannot_confirm(
    session: Session, settings: Settings, capture: CaptureServer
) -> None:
    _sign_up(session, settings)
    add_suppression(session, ANNA, SuppressionReason.COMPLAINT, SYSTEM)
    session.commit()

    with pytest.raises(Conflict, match="suppressed"):
        confirm_signup(session, settings, _token(capture), utcnow())
