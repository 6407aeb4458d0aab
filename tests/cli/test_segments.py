"""`distributor segments`: create from --where or JSON, preview, show, update, delete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from distributor.errors import Conflict, InvalidInput, NotFound
from tests.cli.conftest import Run, last_json

FILM_CRITICS = ["--where", "beats has film", "--where", "country in FR,DE", "--where", "language = en", "--where", "not bounced"]  # fmt: skip


@pytest.fixture
def critics(cli: Run) -> Run:
    """Three journalists; the film critics in France or Germany reading English are anna and bruno."""
    for email, country, beats in (
        ("anna@paper.example", "France", "film"),
        ("bruno@radio.example", "DE", "film; tv"),
        ("chloe@tv.example", "IT", "film"),
    ):
        added = cli(
            "contacts", "add", email, "--country", country, "--language", "en", "--beats", beats
        )
        assert added.returncode == 0, added.stderr
    return cli


def test_create_from_where_conditions_prints_the_id_and_normalized_rules(critics: Run) -> None:
    created = last_json(critics("segments", "create", "Film critics", *FILM_CRITICS, "--json"))
    assert created["id"] == 1
    assert created["rules"]["all"][1] == {"field": "country", "op": "in", "value": ["FR", "DE"]}


def test_preview_of_a_saved_segment_counts_suppressed_and_samples(critics: Run) -> None:
    critics("segments", "create", "Film critics", *FILM_CRITICS)
    critics("suppressions", "add", "bruno@radio.example", "--reason", "complaint")
    preview = last_json(critics("segments", "preview", "Film critics", "--sample", "1", "--json"))
    assert (preview["count"], preview["suppressed"], preview["will_receive"]) == (2, 1, 1)
    assert [c["email"] for c in preview["sample"]] == ["anna@paper.example"]


def test_preview_of_unsaved_conditions_prints_count_and_table(critics: Run) -> None:
    result = critics("segments", "preview", "--where", "country = IT")
    assert result.returncode == 0, result.stderr
    assert "1 contact(s) match" in result.stdout
    assert "chloe@tv.example" in result.stdout


def test_rules_json_from_standard_input_allow_or(critics: Run, tmp_path: Path) -> None:
    rules = {"any": [{"field": "country", "op": "eq", "value": "IT"}, {"field": "beats", "op": "has", "value": "tv"}]}  # fmt: skip
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules))
    critics("segments", "create", "IT or TV", "--rules-json", str(path))
    shown = last_json(critics("segments", "show", "IT or TV", "--json"))
    assert (shown["rules"], shown["count"]) == (rules, 2)


def test_bad_rules_are_one_line_naming_the_place(critics: Run, tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text('{"all": [{"field": "country", "op": "like", "value": "F%"}]}')
    result = critics("segments", "create", "Bad", "--rules-json", str(path))
    assert result.returncode == InvalidInput.exit_code
    assert result.stderr.startswith("error: rules.all[0].op: unknown operator 'like'")
    assert result.stderr.count("\n") == 1


def test_broken_json_names_line_and_column(critics: Run, tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text('{"all": [\n  {"field": }]}')
    result = critics("segments", "create", "Bad", "--rules-json", str(path))
    assert result.returncode == InvalidInput.exit_code
    assert f"--rules-json {path}, line 2, column 13" in result.stderr


def test_update_list_and_delete(critics: Run) -> None:
    critics("segments", "create", "Film", "--where", "beats has film")
    assert (
        critics("segments", "create", "Film", "--where", "beats has tv").returncode
        == Conflict.exit_code
    )
    updated = last_json(
        critics("segments", "update", "Film", "--where", "beats has tv", "--name", "TV", "--json")
    )
    assert updated["rules"] == {"all": [{"field": "beats", "op": "has", "value": "tv"}]}
    assert [s["name"] for s in last_json(critics("segments", "list", "--json"))["segments"]] == [
        "TV"
    ]
    assert last_json(critics("segments", "delete", "TV", "--json"))["deleted"] is True
    assert critics("segments", "show", "TV").returncode == NotFound.exit_code


def test_segments_work_on_postgresql(run: Run, postgres_engine: Engine) -> None:
    env = {"DISTRIBUTOR_DATABASE_URL": postgres_engine.url.render_as_string(hide_password=False)}
    assert run("db", "upgrade", env=env).returncode == 0
    run("contacts", "add", "anna@paper.example", "--country", "FR", "--language", "en-GB", "--beats", "film", env=env)  # fmt: skip
    run("segments", "create", "Film critics", *FILM_CRITICS, env=env)
    preview = last_json(run("segments", "preview", "Film critics", "--json", env=env))
    assert preview["count"] == 1


def test_create_for_people_names_the_new_segment(critics: Run) -> None:
    result = critics("segments", "create", "critics-text", *FILM_CRITICS)
    assert result.returncode == 0, result.stderr
    assert "Created segment critics-text" in result.stdout
