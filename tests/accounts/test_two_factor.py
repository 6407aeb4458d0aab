"""Two-step login: a code from the enrolled secret turns it on; each code is taken once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp
import pytest
from sqlalchemy.orm import Session

from distributor.accounts.two_factor import (
    RECOVERY_CODES,
    check_second_step,
    confirm_two_factor,
    new_recovery_codes,
    recovery_codes_left,
    start_two_factor,
    turn_off_two_factor,
)
from distributor.audit import Actor
from distributor.errors import Conflict, InvalidInput
from distributor.models import Role, User, utcnow

ME = Actor("user:alice@press.example", Role.ADMIN)


@pytest.fixture
def user(session: Session) -> User:
    made = User(email="alice@press.example", role=Role.ADMIN)
    session.add(made)
    session.flush()
    return made


def app_code(user: User, at: datetime) -> str:
    """The code an authenticator app shows at `at` for `user`'s secret."""
    assert user.totp_secret is not None
    return pyotp.TOTP(user.totp_secret).at(at)


@pytest.fixture
def enrolled(session: Session, user: User) -> tuple[User, list[str]]:
    """`user` with two-step login on, turned on a minute ago, and their recovery codes."""
    start_two_factor(user, "distributor")
    earlier = utcnow() - timedelta(minutes=1)
    return user, confirm_two_factor(session, user, app_code(user, earlier), ME, earlier)


def test_enrolment_gives_a_secret_and_an_otpauth_uri_naming_the_user(user: User) -> None:
    enrolment = start_two_factor(user, "distributor")

    assert len(enrolment.secret) == 32
    assert enrolment.uri.startswith("otpauth://totp/distributor:alice%40press.example?secret=")
    assert user.totp_enabled_at is None


def test_a_code_from_the_new_secret_turns_it_on_with_ten_recovery_codes(
    session: Session, user: User
) -> None:
    start_two_factor(user, "distributor")
    now = utcnow()

    codes = confirm_two_factor(session, user, app_code(user, now), ME, now)

    assert user.totp_enabled_at == now
    assert len(set(codes)) == RECOVERY_CODES
    assert recovery_codes_left(session, user) == RECOVERY_CODES


def test_a_wrong_code_leaves_it_off(session: Session, user: User) -> None:
    start_two_factor(user, "distributor")

    with pytest.raises(InvalidInput):
        confirm_two_factor(session, user, "000000", ME, utcnow())

    assert user.totp_enabled_at is None


def test_a_second_phone_cannot_be_enrolled_over_the_first(enrolled: tuple[User, list[str]]) -> None:
    user, _ = enrolled
    with pytest.raises(Conflict):
        start_two_factor(user, "distributor")


def test_the_apps_code_logs_in_once(session: Session, enrolled: tuple[User, list[str]]) -> None:
    user, _ = enrolled
    now = utcnow()
    code = app_code(user, now)

    assert check_second_step(session, user, code, now) is True
    assert check_second_step(session, user, code, now) is False  # seen over a shoulder


def test_a_code_from_a_phone_half_a_minute_behind_is_taken(
    session: Session, enrolled: tuple[User, list[str]]
) -> None:
    user, _ = enrolled
    now = utcnow()

    assert check_second_step(session, user, app_code(user, now - timedelta(seconds=30)), now)


def test_a_code_two_minutes_old_is_refused(
    session: Session, enrolled: tuple[User, list[str]]
) -> None:
    user, _ = enrolled
    now = utcnow() + timedelta(minutes=5)

    assert not check_second_step(session, user, app_code(user, now - timedelta(minutes=2)), now)


def test_a_recovery_code_logs_in_once_however_it_is_typed(
    session: Session, enrolled: tuple[User, list[str]]
) -> None:
    user, codes = enrolled
    typed = f" {codes[0].upper().replace('-', '')} "

    assert check_second_step(session, user, typed, utcnow()) is True
    assert check_second_step(session, user, codes[0], utcnow()) is False
    assert recovery_codes_left(session, user) == RECOVERY_CODES - 1


def test_new_recovery_codes_void_the_old_ones(
    session: Session, enrolled: tuple[User, list[str]]
) -> None:
    user, old = enrolled

    new = new_recovery_codes(session, user, ME)

    assert not check_second_step(session, user, old[1], utcnow())
    assert check_second_step(session, user, new[1], utcnow())


def test_turned_off_the_secret_and_codes_are_forgotten(
    session: Session, enrolled: tuple[User, list[str]]
) -> None:
    user, codes = enrolled

    turn_off_two_factor(session, user, ME)

    assert (user.totp_secret, user.totp_enabled_at) == (None, None)
    assert recovery_codes_left(session, user) == 0
    assert not check_second_step(session, user, codes[2], utcnow())
