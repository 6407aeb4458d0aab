"""Log records: text or one JSON object a line, with their extra fields, and never a secret."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from distributor.config import Settings, load_settings
from distributor.observability.logs import configure_logging
from tests.environment import process_env
from tests.servers import free_port
from tests.tasks.conftest import Service, Start

DISTRIBUTOR = [sys.executable, "-m", "distributor"]
log = logging.getLogger("distributor.test")


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _settings(tmp_path: Path, **values: str) -> Settings:
    env = {"DISTRIBUTOR_DATA_DIR": str(tmp_path)}
    env.update({f"DISTRIBUTOR_{name.upper()}": value for name, value in values.items()})
    return load_settings(env)


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().err.splitlines()


def test_json_format_writes_one_object_a_line_with_the_extra_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(tmp_path, log_format="json"))

    log.info("sent %d messages", 3, extra={"sendout_id": 7, "domain": "news.example"})

    (line,) = _lines(capsys)
    entry = json.loads(line)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "distributor.test"
    assert entry["message"] == "sent 3 messages"
    assert (entry["sendout_id"], entry["domain"]) == (7, "news.example")
    assert entry["time"].endswith("Z")


def test_json_format_keeps_the_traceback_in_the_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(tmp_path, log_format="json"))
    try:
        raise RuntimeError("relay gone")
    except RuntimeError:
        log.exception("batch failed")

    (line,) = _lines(capsys)
    assert "RuntimeError: relay gone" in json.loads(line)["exception"]


def test_text_format_names_level_process_and_logger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(tmp_path))

    log.warning("slowing down")

    (line,) = _lines(capsys)
    assert line.endswith("WARNING/MainProcess] distributor.test: slowing down")


def test_smtp_url_password_is_masked_in_a_log_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(tmp_path))

    log.info("relay %s refused", "smtp://press:hunter2@relay.example:587")

    (line,) = _lines(capsys)
    assert "smtp://press:***@relay.example:587" in line
    assert "hunter2" not in line


def test_secret_settings_are_masked_in_messages_and_extra_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(
        tmp_path,
        log_format="json",
        secret_key="signing-secret-0123-0123456789abcdef0123456789",
        mailgun_webhook_key="key-mailgun-abcdef",
        postmark_webhook_auth="postmark:correct-horse",
        smtp_url="smtp://press:p%40ss-word@relay.example",
    )
    configure_logging(settings)

    log.info(
        "keys signing-secret-0123-0123456789abcdef0123456789 and key-mailgun-abcdef, password p@ss-word",
        extra={"header": "Basic postmark:correct-horse", "nested": {"auth": "correct-horse"}},
    )

    line = _lines(capsys)[0]
    for secret in (
        "signing-secret-0123-0123456789abcdef0123456789",
        "key-mailgun-abcdef",
        "p@ss-word",
        "correct-horse",
    ):
        assert secret not in line
    assert json.loads(line)["message"] == "keys *** and ***, password ***"


def test_bearer_tokens_and_api_keys_are_masked_keeping_the_key_prefix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(tmp_path))

    log.info("Authorization: Bearer dst_0a1b2c3d_s3cr3t-Value_x")

    (line,) = _lines(capsys)
    assert line.endswith("Authorization: Bearer ***")
    log.info("key dst_0a1b2c3d_s3cr3t-Value_x revoked")
    assert _lines(capsys)[0].endswith("key dst_0a1b2c3d_*** revoked")


def test_link_tokens_in_request_paths_are_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(tmp_path))

    log.info('127.0.0.1:5000 - "POST /u/1z-0a1b2c3d4e5f HTTP/1.1" 200')

    (line,) = _lines(capsys)
    assert line.endswith('"POST /u/*** HTTP/1.1" 200')


def test_signatures_and_keys_in_query_strings_are_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(tmp_path))

    log.info('1.2.3.4:5 - "GET /media/budget/chart.png?size=web&sig=Zx9-aB_c HTTP/1.1" 200')
    log.info('1.2.3.4:5 - "GET /releases/budget?key=3f-Ab12Cd34Ef56Gh78 HTTP/1.1" 200')

    assert [line.split(" - ", 1)[1] for line in _lines(capsys)] == [
        '"GET /media/budget/chart.png?size=web&sig=*** HTTP/1.1" 200',
        '"GET /releases/budget?key=*** HTTP/1.1" 200',
    ]


def test_passwords_in_a_traceback_are_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(tmp_path))
    try:
        raise ConnectionError("cannot reach imaps://bounces:letmein@mail.example:993")
    except ConnectionError:
        log.exception("poll failed")

    output = capsys.readouterr().err
    assert "imaps://bounces:***@mail.example:993" in output
    assert "letmein" not in output


def test_configuring_again_replaces_the_handler_instead_of_adding_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(tmp_path))
    configure_logging(_settings(tmp_path, log_format="json"), "DEBUG")

    log.debug("once")

    (line,) = _lines(capsys)
    assert json.loads(line)["message"] == "once"


def _json_records(service: Service) -> list[dict[str, Any]]:
    """Every line the process wrote, each parsed as JSON (a line that is not fails the test)."""
    return [json.loads(line) for line in service.output().splitlines() if line.strip()]


def test_bounce_receiver_writes_one_json_object_a_line(start: Start, tmp_path: Path) -> None:
    env = process_env(tmp_path / "data", log_format="json")
    subprocess.run([*DISTRIBUTOR, "db", "upgrade"], env=env, capture_output=True, check=True)
    port = free_port()

    with start("bounces", "serve", "--port", str(port), env=env) as receiver:
        receiver.wait_for_output(f"listening on 127.0.0.1:{port}")
        assert receiver.stop() == 0

    messages = [r["message"] for r in _json_records(receiver)]
    assert any(m.startswith(f"listening on 127.0.0.1:{port}") for m in messages)


def test_web_app_writes_its_server_and_access_records_as_json(start: Start, tmp_path: Path) -> None:
    env = process_env(tmp_path / "data", log_format="json")
    subprocess.run([*DISTRIBUTOR, "db", "upgrade"], env=env, capture_output=True, check=True)
    port = free_port()

    with start("web", "--port", str(port), env=env) as web:
        web.wait_for_output("Uvicorn running")
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200
        web.wait_for_output("/healthz")
        web.stop()

    records = _json_records(web)
    assert {"uvicorn.error", "uvicorn.access"} <= {r["logger"] for r in records}
