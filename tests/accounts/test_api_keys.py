"""API keys: shown once, stored hashed, verified in constant time, capped by role, revoked, expiring."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.accounts.api_keys import (
    create_api_key,
    list_api_keys,
    revoke_api_key,
    verify_api_key,
)
from distributor.accounts.permissions import Principal
from distributor.accounts.users import create_user, deactivate, set_role
from distributor.audit import Actor
from distributor.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from distributor.models import AuditEntry, Role, User
from distributor.models.base import utcnow

ADMIN = Actor("test:admin", Role.ADMIN)


@pytest.fixture
def officer(session: Session) -> User:
    create_user(session, "root@press.example", Role.ADMIN, "a root passphrase", ADMIN)
    return create_user(
        session, "olga@press.example", Role.PRESS_OFFICER, "olga's passphrase", ADMIN
    )


def test_the_plaintext_has_the_scheme_and_prefix_and_only_its_hash_is_stored(
    session: Session, officer: User
) -> None:
    key, plaintext = create_api_key(session, officer, "newsroom CMS", ADMIN)
    scheme, prefix, secret = plaintext.split("_", 2)
    assert (scheme, prefix) == ("dst", key.prefix)
    assert len(prefix) == 8
    assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(session.scalars(select(AuditEntry.details)).all())


def test_a_key_acts_for_its_user_with_its_role(session: Session, officer: User) -> None:
    key, plaintext = create_api_key(session, officer, "newsroom CMS", ADMIN)
    assert key.role == Role.PRESS_OFFICER
    assert verify_api_key(session, plaintext) == Principal(
        role=Role.PRESS_OFFICER, label=f"api-key:{key.prefix}", user_id=officer.id
    )


TAMPERINGS: dict[str, Callable[[str], str]] = {
    "another secret": lambda text: text[:-1] + ("A" if text[-1] != "A" else "B"),
    "another scheme": lambda text: "xyz" + text[3:],
    "no secret": lambda text: text.rsplit("_", 1)[0],
    "an unknown prefix": lambda text: "dst_00000000_" + text.split("_", 2)[2],
    "nothing": lambda text: "",
}


@pytest.mark.parametrize("tamper", TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_a_wrong_or_malformed_key_is_refused(
    session: Session, officer: User, tamper: Callable[[str], str]
) -> None:
    _, plaintext = create_api_key(session, officer, "newsroom CMS", ADMIN)
    assert verify_api_key(session, tamper(plaintext)) is None


def test_a_revoked_key_is_refused_and_revocation_is_audited(
    session: Session, officer: User
) -> None:
    key, plaintext = create_api_key(session, officer, "newsroom CMS", ADMIN)
    revoke_api_key(session, key.prefix, ADMIN)
    assert key.revoked_at is not None
    assert verify_api_key(session, plaintext) is None
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-1] == "api_key.revoke"


def test_revoking_an_unknown_prefix_names_the_listing_command(session: Session) -> None:
    with pytest.raises(NotFound, match="distributor users keys list"):
        revoke_api_key(session, "deadbeef", ADMIN)


def test_an_expired_key_is_refused(session: Session, officer: User) -> None:
    expires_at = utcnow() + timedelta(days=1)
    _, plaintext = create_api_key(session, officer, "CMS", ADMIN, expires_at=expires_at)
    assert verify_api_key(session, plaintext, now=expires_at - timedelta(seconds=1)) is not None
    assert verify_api_key(session, plaintext, now=expires_at) is None


def test_an_expiry_in_the_past_is_refused(session: Session, officer: User) -> None:
    with pytest.raises(InvalidInput, match="in the future"):
        create_api_key(session, officer, "CMS", ADMIN, expires_at=utcnow() - timedelta(days=1))


def test_a_key_of_a_deactivated_user_is_refused(session: Session, officer: User) -> None:
    _, plaintext = create_api_key(session, officer, "CMS", ADMIN)
    deactivate(session, officer, ADMIN)
    assert verify_api_key(session, plaintext) is None
    with pytest.raises(Conflict, match="deactivated"):
        create_api_key(session, officer, "another", ADMIN)


def test_a_key_can_have_a_lower_role_than_its_user(session: Session, officer: User) -> None:
    key, plaintext = create_api_key(session, officer, "dashboard", ADMIN, role=Role.VIEWER)
    principal = verify_api_key(session, plaintext)
    assert principal is not None
    assert (key.role, principal.role) == (Role.VIEWER, Role.VIEWER)


def test_a_key_never_has_a_higher_role_than_its_user(session: Session, officer: User) -> None:
    with pytest.raises(PermissionDenied, match="at most the press_officer role"):
        create_api_key(session, officer, "CMS", ADMIN, role=Role.ADMIN)


def test_a_key_acts_with_no_more_than_its_users_role_today(session: Session, officer: User) -> None:
    _, plaintext = create_api_key(session, officer, "CMS", ADMIN)
    set_role(session, officer, Role.VIEWER, ADMIN)
    principal = verify_api_key(session, plaintext)
    assert principal is not None
    assert principal.role == Role.VIEWER


def test_users_make_their_own_keys_but_not_others_nor_above_the_key_they_act_with(
    session: Session, officer: User
) -> None:
    viewer = create_user(session, "vera@press.example", Role.VIEWER, "vera's passphrase", ADMIN)
    as_officer = Principal.of_user(officer).actor
    create_api_key(session, officer, "own", as_officer)
    with pytest.raises(PermissionDenied):
        create_api_key(session, viewer, "someone else's", as_officer)
    _, plaintext = create_api_key(session, officer, "read only", as_officer, role=Role.VIEWER)
    as_read_only_key = verify_api_key(session, plaintext)
    assert as_read_only_key is not None
    with pytest.raises(PermissionDenied):
        create_api_key(
            session, officer, "escalated", as_read_only_key.actor, role=Role.PRESS_OFFICER
        )


def test_use_is_noted_at_most_once_a_minute(session: Session, officer: User) -> None:
    key, plaintext = create_api_key(session, officer, "CMS", ADMIN)
    first = utcnow()
    verify_api_key(session, plaintext, now=first)
    verify_api_key(session, plaintext, now=first + timedelta(seconds=59))
    assert key.last_used_at == first
    verify_api_key(session, plaintext, now=first + timedelta(seconds=60))
    assert key.last_used_at == first + timedelta(seconds=60)


def test_list_shows_every_key_oldest_first_or_one_users(session: Session, officer: User) -> None:
    root = session.scalars(select(User).where(User.email == "root@press.example")).one()
    create_api_key(session, officer, "first", ADMIN)
    create_api_key(session, root, "second", ADMIN)
    assert [k.name for k in list_api_keys(session)] == ["first", "second"]
    assert [k.name for k in list_api_keys(session, root)] == ["second"]


def test_a_key_needs_a_name(session: Session, officer: User) -> None:
    with pytest.raises(InvalidInput, match="needs a name"):
        create_api_key(session, officer, "  ", ADMIN)
