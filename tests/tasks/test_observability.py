"""`distributor worker` observed: JSON log lines, and the metrics of all its processes on one port."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from distributor.config import load_settings
from distributor.tasks.app import create_celery_app
from tests.environment import process_env
from tests.press_office import press_office
from tests.servers import free_port
from tests.tasks.conftest import Service, Start

SCRAPE_TIMEOUT = 30.0


def _scrape(port: int, worker: Service) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The samples the worker serves, once it serves them."""
    deadline = time.monotonic() + SCRAPE_TIMEOUT
    while True:
        worker.assert_running()
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"no metrics served:\n{worker.output()}"
            time.sleep(0.1)
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_worker_serves_what_its_pool_processes_sent_on_the_metrics_port(
    start: Start, sqlite_engine: Engine, tmp_path: Path
) -> None:
    port = free_port()
    with press_office(sqlite_engine, "", tmp_path / "data", start) as office:
        sendout = office.send_out(5)
        worker_args = ("worker", "--concurrency", "2", "--metrics-port", str(port))
        with office.start(*worker_args, env=office.env()) as worker, office.beat():
            office.services.append(("worker", worker))
            office.wait_until_completed(sendout)
            samples = _scrape(port, worker)

    assert samples[("distributor_messages_sent_total", (("domain", "news.example"),))] == 5
    assert samples[("distributor_send_seconds_count", ())] == 5


def test_worker_writes_json_lines_when_asked(start: Start, tmp_path: Path) -> None:
    env = process_env(tmp_path / "data", log_format="json")
    client = create_celery_app(load_settings(env))
    try:
        with start("worker", "--concurrency", "1", env=env) as worker:
            worker.wait_for_output("ready.")
            assert client.send_task("distributor.ping").get(timeout=60) == "pong"
            worker.stop()
    finally:
        client.close()

    records = [json.loads(line) for line in worker.output().splitlines() if line.startswith("{")]
    assert {"celery.apps.worker", "celery.app.trace"} <= {r["logger"] for r in records}
    assert not [line for line in worker.output().splitlines() if line.startswith("[")]
