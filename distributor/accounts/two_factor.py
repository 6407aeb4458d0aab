"""Two-step login: after the password, a code from an authenticator app (TOTP, RFC 6238), or one
of ten recovery codes kept for a lost phone. API keys are not affected.

Each code is taken once: the time step of the last accepted code is kept, and a code of
that step or an earlier one is refused, so a code seen over a shoulder is worth nothing.
Recovery codes are kept as SHA-256 hashes, like the sessions' secrets.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from distributor.audit import Actor, record
from distributor.errors import Conflict, InvalidInput
from distributor.models import RecoveryCode, User

RECOVERY_CODES = 10
# A code is accepted one step (30 s) either side of the server's clock: phones drift.
STEPS_EITHER_SIDE = 1
_APP_CODE = re.compile(r"\d{6}")
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


@dataclass(frozen=True)
class Enrolment:
    """What an authenticator app needs: the secret, typed or read from a QR code of `uri`."""

    secret: str
    uri: str


def start_two_factor(user: User, issuer: str) -> Enrolment:
    """A new secret for `user`, not yet on: it is turned on by a code made from it."""
    if user.totp_enabled_at is not None:
        raise Conflict("two-step login is on already: turn it off first to use another phone")
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    return enrolment(user, issuer)


def enrolment(user: User, issuer: str) -> Enrolment:
    """The secret `user` is enrolling with, for the QR code shown again."""
    if user.totp_secret is None:
        raise Conflict("no two-step login is being set up")
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)
    return Enrolment(user.totp_secret, uri)


def confirm_two_factor(
    session: Session, user: User, code: str, actor: Actor, now: datetime
) -> list[str]:
    """Turn two-step login on once `code` comes from the secret being enrolled; the new
    recovery codes, shown once."""
    if user.totp_secret is None or user.totp_enabled_at is not None:
        raise Conflict("no two-step login is being set up")
    step = _app_code_step(user.totp_secret, code, now)
    if step is None:
        raise InvalidInput("the code is not the one the app shows now")
    user.totp_enabled_at = now
    user.totp_last_step = step
    record(session, actor, "user.two_factor_on", "user", user.id)
    return new_recovery_codes(session, user, actor)


def new_recovery_codes(session: Session, user: User, actor: Actor) -> list[str]:
    """Ten new recovery codes for `user`, the old ones no longer good; shown once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    record(session, actor, "user.recovery_codes", "user", user.id, count=len(codes))
    return codes


def check_second_step(session: Session, user: User, code: str, now: datetime) -> bool:
    """Whether `code`, from the app or a recovery code, lets `user` in; either is used up."""
    code = "".join(code.split()).lower()
    if user.totp_secret is None or user.totp_enabled_at is None:
        return False
    if _APP_CODE.fullmatch(code):
        step = _app_code_step(user.totp_secret, code, now)
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            return False
        user.totp_last_step = step
        return True
    found = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if found is None:
        return False
    found.used_at = now
    return True


def recovery_codes_left(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def turn_off_two_factor(session: Session, user: User, actor: Actor) -> None:
    """Back to the password alone: the secret and the recovery codes are forgotten."""
    was_on = user.totp_enabled_at is not None
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    if was_on:
        record(session, actor, "user.two_factor_off", "user", user.id)


def _app_code_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code `code` is, within a step of `now`; None when none is."""
    code = "".join(code.split())
    if not _APP_CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // totp.interval
    for step in range(current - STEPS_EITHER_SIDE, current + STEPS_EITHER_SIDE + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _recovery_code() -> str:
    letters = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{letters[:5]}-{letters[5:]}"


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").encode()).hexdigest()
