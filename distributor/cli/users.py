"""`distributor users`: the people who log in to the web app, and their API keys.

The command line acts as a trusted local operator with every right, as any shell on
the server could; this is how the first admin comes to exist.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from distributor.accounts import (
    LONGEST_KEY_LIFETIME,
    Principal,
    create_api_key,
    create_user,
    get_user,
    list_api_keys,
    list_users,
    revoke_api_key,
    turn_off_two_factor,
)
from distributor.accounts import deactivate as deactivate_user
from distributor.accounts import set_password as set_user_password
from distributor.accounts import set_role as set_user_role
from distributor.audit import Actor
from distributor.cli.context import database_session
from distributor.cli.output import JSON_OPTION, console, emit_json
from distributor.config import parse_duration
from distributor.errors import InvalidInput
from distributor.models import ApiKey, Role, User, utcnow

app = typer.Typer(
    help=(
        "Users of the web app and their API keys. Make the first admin with "
        "`distributor users create EMAIL --role admin`."
    ),
    no_args_is_help=True,
)
keys_app = typer.Typer(
    help="API keys for the REST API: create (shown once), list, revoke.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")

EMAIL_ARGUMENT = typer.Argument(..., help="The user's email address, used to log in.")
PASSWORD_STDIN_OPTION = typer.Option(
    False,
    "--password-stdin",
    help="Read the password from the first line of standard input instead of asking twice.",
)
ROLE_OPTION = typer.Option(
    Role.VIEWER, "--role", help="What the user may do; make the first admin with --role admin."
)
ROLE_ARGUMENT = typer.Argument(..., help="The new role.")
KEY_ROLE_OPTION = typer.Option(
    None, "--role", help="A lower role than the user's, to limit the key; default: theirs."
)


def _operator() -> Actor:
    return Principal.local_operator().actor


def _user_dict(user: User) -> dict[str, object]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "active": user.is_active,
        "two_step_login": user.totp_enabled_at is not None,
        "last_login_at": user.last_login_at,
        "created_at": user.created_at,
    }


def _key_dict(key: ApiKey) -> dict[str, object]:
    return {
        "id": key.id,
        "prefix": key.prefix,
        "name": key.name,
        "user": key.user.email,
        "role": key.role.value,
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
        "expires_at": key.expires_at,
        "revoked_at": key.revoked_at,
    }


def _report_user(user: User, as_json: bool, done: str) -> None:
    if as_json:
        emit_json(_user_dict(user))
    else:
        state = "" if user.is_active else ", deactivated"
        console.print(f"{done} user {escape(user.email)} ({user.role.value}{state}).")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@app.command("create")
def create(
    email: str = EMAIL_ARGUMENT,
    role: Role = ROLE_OPTION,
    name: str | None = typer.Option(None, "--name", help="The user's name, for people."),
    password_stdin: bool = PASSWORD_STDIN_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Create a user who logs in with EMAIL and a password of at least 10 characters."""
    password = _read_password(password_stdin)
    with database_session() as session:
        user = create_user(session, email, role, password, _operator(), name=name)
        _report_user(user, as_json, "Created")


@app.command("list")
def list_command(as_json: bool = JSON_OPTION) -> None:
    """Show every user with their role, whether they can log in, and their last login."""
    with database_session() as session:
        found = list_users(session)
    if as_json:
        emit_json({"users": [_user_dict(user) for user in found]})
        return
    if not found:
        console.print(
            "No users yet; create an admin with `distributor users create EMAIL --role admin`."
        )
        return
    table = Table(box=None, pad_edge=False)
    for column in ("email", "name", "role", "active", "last login"):
        table.add_column(column)
    for user in found:
        table.add_row(
            Text(user.email),
            Text(user.name or ""),
            user.role.value,
            "yes" if user.is_active else "no",
            _when(user.last_login_at),
        )
    console.print(table)


@app.command("set-role")
def set_role(
    email: str = EMAIL_ARGUMENT,
    role: Role = ROLE_ARGUMENT,
    as_json: bool = JSON_OPTION,
) -> None:
    """Give a user another role; their API keys never act above it."""
    with database_session() as session:
        user = set_user_role(session, get_user(session, email), role, _operator())
        _report_user(user, as_json, "Updated")


@app.command("set-password")
def set_password(
    email: str = EMAIL_ARGUMENT,
    password_stdin: bool = PASSWORD_STDIN_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Give a user a new password (at least 10 characters); every browser of theirs is logged out."""
    password = _read_password(password_stdin)
    with database_session() as session:
        user = set_user_password(session, get_user(session, email), password, _operator())
        _report_user(user, as_json, "Set a new password for")


@app.command("deactivate")
def deactivate(email: str = EMAIL_ARGUMENT, as_json: bool = JSON_OPTION) -> None:
    """Stop a user from logging in, log out their browsers and stop their API keys from working;
    the audit log keeps them."""
    with database_session() as session:
        user = deactivate_user(session, get_user(session, email), _operator())
        _report_user(user, as_json, "Deactivated")


@app.command("two-step-off")
def two_step_off(email: str = EMAIL_ARGUMENT, as_json: bool = JSON_OPTION) -> None:
    """Turn a user's two-step login off, for one who lost both the phone and the recovery codes.

    Their password alone logs them in again; they can set two-step login up anew in the
    admin, under Your settings. Recorded in the audit log.
    """
    with database_session() as session:
        user = get_user(session, email)
        turn_off_two_factor(session, user, _operator())
        _report_user(user, as_json, "Two-step login is off for")


@keys_app.command("create")
def create_key(
    email: str = typer.Argument(..., help="The user the key acts for."),
    name: str = typer.Option(..., "--name", help="What uses the key, e.g. 'newsroom CMS'."),
    role: Role | None = KEY_ROLE_OPTION,
    expires: str | None = typer.Option(
        None, "--expires", help="Stop working after this long, e.g. 90d or 12h; default: never."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Create an API key and print it once: it cannot be shown again, only revoked."""
    expires_at = None if expires is None else utcnow() + _duration(expires)
    with database_session() as session:
        user = get_user(session, email)
        key, plaintext = create_api_key(
            session, user, name, _operator(), role=role, expires_at=expires_at
        )
        details = _key_dict(key)
    if as_json:
        emit_json(details | {"key": plaintext})
        return
    console.print(
        f"Created key {key.prefix} ({escape(key.name)}) for {escape(user.email)} "
        f"as {key.role.value}. Keep it now; it is not shown again:"
    )
    typer.echo(plaintext)


@keys_app.command("list")
def list_keys(as_json: bool = JSON_OPTION) -> None:
    """Show every API key by prefix, with its user, role and when it was last used."""
    with database_session() as session:
        found = list_api_keys(session)
    if as_json:
        emit_json({"keys": [_key_dict(key) for key in found]})
        return
    if not found:
        console.print(
            "No API keys yet; create one with `distributor users keys create EMAIL --name NAME`."
        )
        return
    table = Table(box=None, pad_edge=False)
    for column in ("prefix", "name", "user", "role", "last used", "expires", "revoked"):
        table.add_column(column)
    for key in found:
        table.add_row(
            key.prefix,
            Text(key.name),
            Text(key.user.email),
            key.role.value,
            *(_when(at) for at in (key.last_used_at, key.expires_at, key.revoked_at)),
        )
    console.print(table)


@keys_app.command("revoke")
def revoke_key(
    prefix: str = typer.Argument(..., help="The key's prefix, as `users keys list` shows it."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Stop an API key from working, for good."""
    with database_session() as session:
        key = revoke_api_key(session, prefix, _operator())
        details = _key_dict(key)
    if as_json:
        emit_json(details)
    else:
        console.print(f"Revoked key {key.prefix} ({escape(key.name)}).")


def _duration(text: str) -> timedelta:
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise InvalidInput(f"--expires: {exc}") from None
    if not 0 < seconds <= LONGEST_KEY_LIFETIME.total_seconds():
        raise InvalidInput(f"--expires: {text!r} is not between a second and ten years")
    return timedelta(seconds=seconds)


def _when(at: datetime | None) -> str:
    return "" if at is None else at.isoformat(timespec="minutes")
