"""Asking for a dispatch now: one try at the broker, so the request that asked answers at once."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import pytest
import redis

from distributor.tasks import celery_app, request_dispatch


def use_broker(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Point the process's Celery app at `url`, as a process started with that broker is."""
    monkeypatch.setitem(celery_app.conf, "broker_url", url)
    monkeypatch.setitem(celery_app.conf, "broker_transport", None)


@pytest.fixture
def hanging_up_broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """A port that takes each connection and closes it at once; yields the count of connections."""
    accepted: list[int] = []
    server = socket.create_server(("127.0.0.1", 0))

    def hang_up() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            accepted.append(1)
            connection.close()

    threading.Thread(target=hang_up, daemon=True).start()
    use_broker(monkeypatch, f"redis://127.0.0.1:{server.getsockname()[1]}/0")
    yield accepted
    server.close()


def test_dispatch_request_tries_a_broker_that_hangs_up_once(hanging_up_broker: list[int]) -> None:
    assert request_dispatch() is False
    assert len(hanging_up_broker) == 1


@pytest.mark.redis
def test_dispatch_request_queues_a_dispatch_on_redis(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_broker(monkeypatch, redis_url)
    queue = redis.Redis.from_url(redis_url)
    queue.delete("celery")

    assert request_dispatch() is True

    queued = queue.lpop("celery")
    assert isinstance(queued, bytes)
    message = json.loads(queued)
    assert message["headers"]["task"] == "distributor.dispatch"
    queue.close()
