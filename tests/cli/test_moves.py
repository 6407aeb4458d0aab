"""`distributor contacts moved`: open suggestions listed, accepted and dismissed, in this process."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from distributor.cli import app
from distributor.config import get_settings
from distributor.contacts.directory import contact_details
from distributor.db import engine_from_settings
from distributor.errors import Conflict
from tests.contacts.moves import ANNA, MARIA, Moved, moved_on


def _run(*args: str) -> Any:
    """The JSON object a `--json` command prints last."""
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.splitlines()[-1])


def _details(email: str) -> dict[str, Any]:
    engine = engine_from_settings(get_settings())
    try:
        with Session(engine) as session:
            return contact_details(session, email).as_dict()
    finally:
        engine.dispose()


@pytest.fixture
def moved() -> Moved:
    """Anna on the embedded database, with an open suggestion that Maria took over."""
    assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = engine_from_settings(get_settings())
    with Session(engine, expire_on_commit=False) as session, session.begin():
        made = moved_on(session)
    engine.dispose()
    return made


def test_moved_lists_the_open_suggestions(moved: Moved) -> None:
    (listed,) = _run("contacts", "moved")["moves"]

    assert (listed["id"], listed["email"], listed["new_email"], listed["state"]) == (
        moved.suggestion.id,
        ANNA,
        MARIA,
        "open",
    )


def test_accept_changes_the_address_once(moved: Moved) -> None:
    first = _run("contacts", "moved", "accept", str(moved.suggestion.id))
    again = _run("contacts", "moved", "accept", str(moved.suggestion.id))

    assert (first["changed"], first["state"], first["email"]) == (True, "accepted", MARIA)
    assert again["changed"] is False
    assert _details(MARIA)["id"] == moved.contact.id
    assert _run("contacts", "moved")["moves"] == []


def test_accept_as_colleague_adds_the_colleague_on_the_same_lists(moved: Moved) -> None:
    accepted = _run("contacts", "moved", "accept", str(moved.suggestion.id), "--as-colleague")

    colleague = _details(MARIA)
    assert accepted["colleague_id"] == colleague["id"]
    assert sorted(s["list_slug"] for s in colleague["subscriptions"]) == ["culture", "film"]
    assert _details(ANNA)["id"] == moved.contact.id


def test_dismiss_leaves_the_contact_as_it_was(moved: Moved) -> None:
    dismissed = _run("contacts", "moved", "dismiss", str(moved.suggestion.id))
    refused = CliRunner().invoke(app, ["contacts", "moved", "accept", str(moved.suggestion.id)])

    assert (dismissed["changed"], dismissed["state"]) == (True, "dismissed")
    assert isinstance(refused.exception, Conflict)
    assert _details(ANNA)["id"] == moved.contact.id


def test_show_gives_the_open_suggestion_and_how_to_answer_it(moved: Moved) -> None:
    newest = _run("contacts", "show", ANNA)["timeline"][0]
    shown = CliRunner().invoke(app, ["contacts", "show", ANNA])

    assert (newest["kind"], newest["move_id"], newest["result"]) == (
        "moved",
        moved.suggestion.id,
        "open",
    )
    assert "distributor contacts moved accept ID" in " ".join(shown.output.split())
