"""Users: creation with normalized addresses, login, roles, passwords, deactivation, the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.accounts.login_sessions import live_login_session, start_login_session
from distributor.accounts.passwords import needs_rehash
from distributor.accounts.permissions import Principal
from distributor.accounts.users import (
    authenticate,
    change_password,
    create_user,
    deactivate,
    get_user,
    list_users,
    log_out_everywhere,
    set_password,
    set_role,
)
from distributor.audit import Actor
from distributor.errors import Conflict, InvalidInput, NotFound, PermissionDenied, WrongPassword
from distributor.models import AuditEntry, Role, User

ADMIN = Actor("test:admin", Role.ADMIN)
OFFICER = Actor("test:officer", Role.PRESS_OFFICER)
PASSWORD = "correct horse battery"
DAY = timedelta(hours=12)


def _user(session: Session, email: str = "alice@press.example", role: Role = Role.VIEWER) -> User:
    return create_user(session, email, role, PASSWORD, ADMIN)


def _audit(session: Session) -> list[tuple[str, str | None]]:
    return [
        (entry.action, entry.entity_id)
        for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    ]


def test_created_user_has_the_normalized_address_and_is_audited(session: Session) -> None:
    user = create_user(
        session, "  Alice@Press.Example ", Role.PRESS_OFFICER, PASSWORD, ADMIN, name=" Alice  B "
    )
    assert (user.email, user.name, user.role) == (
        "alice@press.example",
        "Alice B",
        Role.PRESS_OFFICER,
    )
    assert get_user(session, "ALICE@press.example").id == user.id
    assert _audit(session) == [("user.create", str(user.id))]


def test_the_password_is_stored_only_as_an_argon2_hash(session: Session) -> None:
    user = _user(session)
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in str(session.scalars(select(AuditEntry.details)).all())


def test_an_invalid_address_is_refused(session: Session) -> None:
    with pytest.raises(InvalidInput, match="not an email address"):
        create_user(session, "alice-at-press", Role.VIEWER, PASSWORD, ADMIN)


def test_a_duplicate_address_in_another_case_is_a_conflict(session: Session) -> None:
    _user(session)
    with pytest.raises(Conflict, match="already exists"):
        create_user(session, "ALICE@press.example", Role.ADMIN, PASSWORD, ADMIN)


def test_a_short_password_refuses_the_user(session: Session) -> None:
    with pytest.raises(InvalidInput, match="at least 10 characters"):
        create_user(session, "alice@press.example", Role.VIEWER, "short", ADMIN)
    assert list_users(session) == []


def test_only_an_admin_creates_users(session: Session) -> None:
    with pytest.raises(PermissionDenied, match="managing users"):
        create_user(session, "alice@press.example", Role.VIEWER, PASSWORD, OFFICER)


def test_the_right_password_logs_in_and_notes_the_time(session: Session) -> None:
    user = _user(session)
    assert user.last_login_at is None
    assert authenticate(session, "Alice@Press.Example", PASSWORD) is user
    assert user.last_login_at is not None


def test_a_wrong_password_does_not_log_in(session: Session) -> None:
    user = _user(session)
    assert authenticate(session, user.email, PASSWORD + "!") is None
    assert user.last_login_at is None


@pytest.mark.parametrize("email", ["bob@press.example", "not an address"])
def test_an_unknown_email_does_not_log_in(session: Session, email: str) -> None:
    _user(session)
    assert authenticate(session, email, PASSWORD) is None


def test_a_deactivated_user_cannot_log_in(session: Session) -> None:
    user = _user(session)
    deactivate(session, user, ADMIN)
    assert authenticate(session, user.email, PASSWORD) is None
    assert _audit(session)[-1] == ("user.deactivate", str(user.id))


def test_a_user_without_a_password_cannot_log_in(session: Session) -> None:
    user = _user(session)
    user.password_hash = None
    assert authenticate(session, user.email, PASSWORD) is None


def test_login_upgrades_a_hash_made_with_older_parameters(session: Session) -> None:
    user = _user(session)
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(
        PASSWORD
    )
    assert authenticate(session, user.email, PASSWORD) is user
    assert not needs_rehash(user.password_hash)
    assert authenticate(session, user.email, PASSWORD) is user


def test_set_role_changes_the_role_and_records_both(session: Session) -> None:
    _user(session, "root@press.example", Role.ADMIN)
    user = _user(session)
    set_role(session, user, Role.PRESS_OFFICER, ADMIN)
    assert get_user(session, user.email).role == Role.PRESS_OFFICER
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.set_role")).one()
    assert entry.details == {"before": "viewer", "after": "press_officer"}


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(session: Session) -> None:
    root = _user(session, "root@press.example", Role.ADMIN)
    with pytest.raises(Conflict, match="last active admin"):
        set_role(session, root, Role.VIEWER, ADMIN)
    with pytest.raises(Conflict, match="last active admin"):
        deactivate(session, root, ADMIN)
    _user(session, "deputy@press.example", Role.ADMIN)
    assert set_role(session, root, Role.VIEWER, ADMIN).role == Role.VIEWER


def test_a_new_password_replaces_the_old_one(session: Session) -> None:
    user = _user(session)
    set_password(session, user, "another long passphrase", ADMIN)
    assert authenticate(session, user.email, PASSWORD) is None
    assert authenticate(session, user.email, "another long passphrase") is user
    assert _audit(session)[-1] == ("user.set_password", str(user.id))


def test_users_change_their_own_password_but_not_anyone_elses(session: Session) -> None:
    alice = _user(session)
    bob = _user(session, "bob@press.example")
    as_alice = Principal.of_user(alice).actor
    set_password(session, alice, "alice's new passphrase", as_alice)
    with pytest.raises(PermissionDenied):
        set_password(session, bob, "bob's new passphrase", as_alice)


def test_an_admin_setting_a_users_password_ends_every_session_of_theirs(session: Session) -> None:
    user = _user(session)
    _, first = start_login_session(session, user, DAY)
    _, second = start_login_session(session, user, DAY)

    set_password(session, user, "another long passphrase", ADMIN)

    assert live_login_session(session, first) is None
    assert live_login_session(session, second) is None
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    assert entry.details == {"sessions_ended": 2}


def test_changing_ones_own_password_ends_the_other_sessions_only(session: Session) -> None:
    user = _user(session)
    this, this_secret = start_login_session(session, user, DAY)
    _, other_secret = start_login_session(session, user, DAY)

    change_password(
        session, user, PASSWORD, "another long passphrase", Principal.of_user(user).actor, this.id
    )

    assert live_login_session(session, this_secret) is not None
    assert live_login_session(session, other_secret) is None
    assert authenticate(session, user.email, "another long passphrase") is user


def test_changing_a_password_needs_the_current_one(session: Session) -> None:
    user = _user(session)
    _, secret = start_login_session(session, user, DAY)

    with pytest.raises(WrongPassword, match="current password"):
        change_password(
            session, user, "a wrong guess", "another long passphrase", Principal.of_user(user).actor
        )

    assert authenticate(session, user.email, PASSWORD) is user
    assert live_login_session(session, secret) is not None
    assert _audit(session)[-1] == ("user.create", str(user.id))


def test_a_new_password_follows_the_same_rules_as_a_new_users(session: Session) -> None:
    user = _user(session)

    with pytest.raises(InvalidInput, match="at least 10 characters"):
        change_password(session, user, PASSWORD, "short", Principal.of_user(user).actor)


def test_nobody_changes_another_users_password_with_theirs(session: Session) -> None:
    alice, bob = _user(session), _user(session, "bob@press.example")

    with pytest.raises(WrongPassword):
        change_password(
            session, bob, PASSWORD, "bob's new passphrase", Principal.of_user(alice).actor
        )


def test_logging_out_everywhere_ends_every_session_and_is_audited(session: Session) -> None:
    user = _user(session)
    secrets = [start_login_session(session, user, DAY)[1] for _ in range(3)]

    assert log_out_everywhere(session, user, Principal.of_user(user).actor) == 3
    assert [live_login_session(session, secret) for secret in secrets] == [None] * 3
    assert _audit(session)[-1] == ("user.log_out_everywhere", str(user.id))


def test_list_users_is_by_email_and_get_user_names_the_command(session: Session) -> None:
    _user(session, "zoe@press.example")
    _user(session, "alice@press.example")
    assert [u.email for u in list_users(session)] == ["alice@press.example", "zoe@press.example"]
    with pytest.raises(NotFound, match="distributor users list"):
        get_user(session, "nobody@press.example")
