"""docker-compose.yml: the production set names every service and runs commands the CLI knows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main
import yaml
from typer.core import TyperGroup

from distributor.cli import app

COMPOSE = Path(__file__).resolve().parents[1] / "docker-compose.yml"
APP_SERVICES = {"migrate", "web", "worker", "beat", "bounces"}


def _services() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text())
    services: dict[str, Any] = document["services"]
    return services


def test_compose_names_the_production_set() -> None:
    assert {"postgres", "redis", "mailpit"} | APP_SERVICES <= set(_services())


def test_app_services_are_configured_only_by_environment() -> None:
    for name in APP_SERVICES:
        environment = _services()[name]["environment"]
        assert environment["DISTRIBUTOR_DATABASE_URL"].startswith("postgresql://"), name
        assert environment["DISTRIBUTOR_BROKER_URL"].startswith("redis://"), name


def test_app_services_run_commands_of_the_cli() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    with typer.Context(group) as context:
        for name in APP_SERVICES:
            command = _services()[name]["command"]
            assert group.get_command(context, command[0]), f"{name}: unknown command {command[0]!r}"


def test_long_running_services_have_health_checks() -> None:
    for name in APP_SERVICES - {"migrate"}:
        assert _services()[name]["healthcheck"]["test"][1:] == ["distributor", "health"], name


def test_only_the_web_app_and_the_bounce_receiver_are_published_to_the_network() -> None:
    published = {
        name
        for name, service in _services().items()
        for port in service.get("ports", [])
        if not str(port).startswith("127.0.0.1:")
    }
    assert published == {"web", "bounces"}


def test_the_database_and_redis_are_on_the_internal_network_alone() -> None:
    document = yaml.safe_load(COMPOSE.read_text())
    assert document["networks"]["internal"]["internal"] is True
    for name in ("postgres", "redis"):
        assert _services()[name]["networks"] == ["internal"], name
        assert "ports" not in _services()[name], name
