"""The broker check: a worker facing a wrong or stopped broker says so in one line, quickly."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from distributor.config import load_settings
from distributor.errors import BrokerUnavailable
from distributor.tasks.broker import check_broker
from tests.environment import process_env
from tests.servers import free_port


def test_embedded_broker_is_ready_without_a_server(tmp_path: Path) -> None:
    description = check_broker(load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path)}))
    assert str(tmp_path / "broker") in description


@pytest.mark.redis
def test_running_redis_is_reachable(redis_url: str) -> None:
    assert check_broker(load_settings({"DISTRIBUTOR_BROKER_URL": redis_url})) == redis_url


def test_closed_port_fails_fast_in_one_line_without_the_password() -> None:
    port = free_port()
    settings = load_settings({"DISTRIBUTOR_BROKER_URL": f"redis://:s3cret@127.0.0.1:{port}/0"})
    started = time.monotonic()
    with pytest.raises(BrokerUnavailable) as caught:
        check_broker(settings)
    assert time.monotonic() - started < 3
    message = str(caught.value)
    assert "\n" not in message
    assert f"127.0.0.1:{port}/0" in message
    assert "s3cret" not in message
    assert "start Redis, or fix DISTRIBUTOR_BROKER_URL" in message


def test_worker_command_refuses_to_start_on_an_unreachable_broker(tmp_path: Path) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    result = subprocess.run(
        [sys.executable, "-m", "distributor", "worker"],
        env=process_env(tmp_path, broker_url=url),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == BrokerUnavailable.exit_code
    assert result.stderr.startswith("error: cannot reach the broker at " + url)
    assert len(result.stderr.splitlines()) == 1, result.stderr
