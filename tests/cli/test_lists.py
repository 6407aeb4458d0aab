"""`distributor lists`: the contract's `lists create SLUG [--name NAME]`, JSON with ids, one-line errors."""

from __future__ import annotations

from sqlalchemy import Engine

from distributor.errors import Conflict, InvalidInput, NotFound
from tests.cli.conftest import Run, last_json


def test_create_in_the_contract_form_prints_the_id(cli: Run) -> None:
    created = last_json(cli("lists", "create", "film-critics", "--name", "Film critics", "--json"))
    assert created["id"] == 1
    assert (created["slug"], created["name"]) == ("film-critics", "Film critics")
    plain = cli("lists", "create", "tech")
    assert plain.returncode == 0
    assert "Created list tech" in plain.stdout


def test_a_bad_slug_is_one_line_on_stderr_with_the_exit_code(cli: Run) -> None:
    result = cli("lists", "create", "Film Critics")
    assert result.returncode == InvalidInput.exit_code
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: list slug 'Film Critics' is not valid")
    assert "Traceback" not in result.stderr


def test_a_taken_slug_is_a_conflict(cli: Run) -> None:
    cli("lists", "create", "tech")
    result = cli("lists", "create", "tech")
    assert result.returncode == Conflict.exit_code
    assert "already exists" in result.stderr


def test_list_shows_counts_and_hides_archived_lists(cli: Run) -> None:
    cli("lists", "create", "tech")
    cli("lists", "create", "film")
    cli("contacts", "add", "a@x.example", "--list", "tech")
    cli("lists", "archive", "film")
    shown = last_json(cli("lists", "list", "--json"))["lists"]
    assert [(s["slug"], s["subscribed"]) for s in shown] == [("tech", 1)]
    everything = last_json(cli("lists", "list", "--archived", "--json"))["lists"]
    assert [s["slug"] for s in everything] == ["film", "tech"]
    assert "tech" in cli("lists", "list").stdout


def test_show_rename_describe_and_unarchive(cli: Run) -> None:
    cli("lists", "create", "tech")
    renamed = last_json(
        cli("lists", "rename", "tech", "Technology", "--slug", "technology", "--json")
    )
    assert (renamed["slug"], renamed["name"]) == ("technology", "Technology")
    cli("lists", "describe", "technology", "Gadgets and apps")
    cli("lists", "archive", "technology")
    assert last_json(cli("lists", "unarchive", "technology", "--json"))["archived"] is False
    shown = last_json(cli("lists", "show", "technology", "--json"))
    assert (shown["description"], shown["subscribed"]) == ("Gadgets and apps", 0)


def test_showing_a_missing_list_names_the_command_that_creates_it(cli: Run) -> None:
    result = cli("lists", "show", "nope")
    assert result.returncode == NotFound.exit_code
    assert "distributor lists create nope" in result.stderr


def test_delete_asks_first_and_keeps_the_list_when_not_confirmed(cli: Run) -> None:
    cli("lists", "create", "tech")
    refused = cli("lists", "delete", "tech")  # no terminal: the prompt reads end of input
    assert refused.returncode != 0
    assert "Contacts stay" in refused.stdout
    assert last_json(cli("lists", "show", "tech", "--json"))["slug"] == "tech"


def test_delete_with_yes_removes_the_list_but_not_its_contacts(cli: Run) -> None:
    cli("lists", "create", "tech")
    cli("contacts", "add", "a@x.example", "--list", "tech")
    deleted = last_json(cli("lists", "delete", "tech", "--yes", "--json"))
    assert (deleted["slug"], deleted["subscriptions"]) == ("tech", 1)
    assert last_json(cli("contacts", "show", "a@x.example", "--json"))["subscriptions"] == []


def test_lists_work_on_postgresql(run: Run, postgres_engine: Engine) -> None:
    env = {"DISTRIBUTOR_DATABASE_URL": postgres_engine.url.render_as_string(hide_password=False)}
    assert run("db", "upgrade", env=env).returncode == 0
    created = last_json(run("lists", "create", "tech", "--json", env=env))
    run("contacts", "add", "a@x.example", "--list", "tech", env=env)
    shown = last_json(run("lists", "list", "--json", env=env))["lists"]
    assert shown == [{**shown[0], "id": created["id"], "slug": "tech", "subscribed": 1}]
