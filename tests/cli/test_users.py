"""`distributor users`: users and API keys made from the command line, in a real process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from sqlalchemy.orm import Session

from distributor.accounts.api_keys import verify_api_key
from distributor.accounts.login_sessions import live_login_session, start_login_session
from distributor.accounts.two_factor import confirm_two_factor, start_two_factor
from distributor.accounts.users import authenticate, get_user
from distributor.audit import Actor
from distributor.db import make_engine
from distributor.errors import Conflict, InvalidInput, PermissionDenied
from distributor.models import Role
from distributor.models.base import utcnow
from tests.cli.conftest import Run, last_json

PASSWORD = "correct horse battery"
OPERATOR = Actor("test:operator", Role.ADMIN)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Session]:
    """A session on the embedded database the `cli` processes use."""
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'distributor.sqlite3'}")
    with Session(engine) as session:
        yield session
    engine.dispose()


def _create(cli: Run, email: str, *options: str) -> dict[str, object]:
    created: dict[str, object] = last_json(
        cli("users", "create", email, "--password-stdin", "--json", *options, stdin=PASSWORD + "\n")
    )
    return created


def test_create_then_list_as_json(cli: Run) -> None:
    created = _create(cli, "Alice@Press.Example", "--role", "admin", "--name", "Alice")
    assert created["id"] == 1
    listed = last_json(cli("users", "list", "--json"))["users"]
    assert [(u["email"], u["name"], u["role"], u["active"]) for u in listed] == [
        ("alice@press.example", "Alice", "admin", True)
    ]
    assert "alice@press.example" in cli("users", "list").stdout


def test_the_password_read_from_stdin_is_the_one_that_logs_in(cli: Run, database: Session) -> None:
    _create(cli, "alice@press.example")
    assert authenticate(database, "alice@press.example", PASSWORD) is not None
    assert authenticate(database, "alice@press.example", PASSWORD + "\n") is None


def test_a_new_user_is_a_viewer_unless_a_role_is_given(cli: Run) -> None:
    assert _create(cli, "vera@press.example")["role"] == "viewer"
    assert "--role admin" in cli("users", "create", "--help").stdout


def test_a_short_password_is_one_line_with_the_exit_code(cli: Run) -> None:
    result = cli("users", "create", "alice@press.example", "--password-stdin", stdin="short\n")
    assert result.returncode == InvalidInput.exit_code
    assert result.stderr.startswith("error: a password needs at least 10 characters")
    assert result.stderr.count("\n") == 1


def test_a_taken_email_is_a_conflict(cli: Run) -> None:
    _create(cli, "alice@press.example")
    again = cli("users", "create", "ALICE@press.example", "--password-stdin", stdin=PASSWORD)
    assert again.returncode == Conflict.exit_code
    assert "already exists" in again.stderr


def test_set_password_replaces_the_password_and_logs_out_every_browser(
    cli: Run, database: Session
) -> None:
    _create(cli, "olga@press.example")
    user = get_user(database, "olga@press.example")
    _, secret = start_login_session(database, user, timedelta(hours=12))
    database.commit()

    reset = cli(
        "users",
        "set-password",
        "olga@press.example",
        "--password-stdin",
        stdin="a new passphrase\n",
    )

    assert reset.returncode == 0, reset.stderr
    assert "Set a new password for user olga@press.example" in reset.stdout
    database.expire_all()
    assert live_login_session(database, secret) is None
    assert authenticate(database, "olga@press.example", "a new passphrase") is not None


def test_set_role_and_deactivate(cli: Run) -> None:
    _create(cli, "root@press.example", "--role", "admin")
    _create(cli, "olga@press.example")
    promoted = last_json(cli("users", "set-role", "olga@press.example", "press_officer", "--json"))
    assert promoted["role"] == "press_officer"
    deactivated = last_json(cli("users", "deactivate", "olga@press.example", "--json"))
    assert deactivated["active"] is False


def test_a_key_is_printed_once_and_works_until_revoked(cli: Run, database: Session) -> None:
    _create(cli, "olga@press.example", "--role", "press_officer")
    created = last_json(
        cli("users", "keys", "create", "olga@press.example", "--name", "CMS", "--json")
    )
    key = str(created["key"])
    assert key.startswith(f"dst_{created['prefix']}_")
    listed = cli("users", "keys", "list", "--json")
    assert key not in listed.stdout
    [shown] = last_json(listed)["keys"]
    assert (shown["prefix"], shown["user"], shown["role"]) == (
        created["prefix"],
        "olga@press.example",
        "press_officer",
    )
    assert verify_api_key(database, key) is not None
    database.rollback()  # lets go of SQLite's write lock (last use was noted) for the next process
    revoked = last_json(cli("users", "keys", "revoke", str(created["prefix"]), "--json"))
    assert revoked["revoked_at"] is not None
    assert verify_api_key(database, key) is None


def test_a_key_expires_after_the_given_duration(cli: Run) -> None:
    _create(cli, "olga@press.example")
    before = utcnow()
    command = ("users", "keys", "create", "olga@press.example", "--name", "CMS", "--json")
    created = last_json(cli(*command, "--expires", "90d"))
    expires_at = datetime.fromisoformat(str(created["expires_at"]))
    assert before + timedelta(days=90) <= expires_at <= utcnow() + timedelta(days=90)


def test_a_key_above_its_users_role_is_refused(cli: Run) -> None:
    _create(cli, "vera@press.example")
    result = cli("users", "keys", "create", "vera@press.example", "--name", "x", "--role", "admin")
    assert result.returncode == PermissionDenied.exit_code
    assert "at most the viewer role" in result.stderr


def test_two_step_off_lets_a_user_who_lost_the_phone_in_with_the_password(
    cli: Run, database: Session
) -> None:
    _create(cli, "alice@press.example", "--role", "admin")
    user = get_user(database, "alice@press.example")
    start_two_factor(user, "distributor")
    confirm_two_factor(database, user, pyotp.TOTP(user.totp_secret or "").now(), OPERATOR, utcnow())
    database.commit()

    off = last_json(cli("users", "two-step-off", "alice@press.example", "--json"))

    assert off["two_step_login"] is False
    database.expire_all()
    assert get_user(database, "alice@press.example").totp_secret is None
