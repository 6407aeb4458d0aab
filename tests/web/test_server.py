"""`distributor web` runs the app in uvicorn on the host and port it is given, and cuts off
clients that send their headers slowly, or nothing.

Past the first test, the server is uvicorn as `serve` configures it, in process on
loopback, with the head timeout shortened so the tests take a second; the app
answers after `?wait=` seconds.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from distributor.config import load_settings
from distributor.web import server
from tests.environment import process_env
from tests.servers import free_port, wait_for_port

HEAD_TIMEOUT = 0.5


def test_distributor_web_answers_on_the_given_port(tmp_path: Path) -> None:
    env = process_env(tmp_path / "data")
    subprocess.run([sys.executable, "-m", "distributor", "db", "upgrade"], env=env, check=True)
    port = free_port()
    command = [sys.executable, "-m", "distributor", "web", "--port", str(port)]
    process = subprocess.Popen(command, env=env)
    try:
        wait_for_port(port)
        response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
        assert response.json() == {"status": "ok"}
    finally:
        process.terminate()
        process.wait(timeout=30)


ANSWERING = threading.Event()  # set while the app answers a request


async def _app(scope: Scope, receive: Receive, send: Send) -> None:
    assert scope["type"] == "http"
    wait = float(parse_qs(scope["query_string"].decode()).get("wait", ["0"])[0])
    ANSWERING.set()
    await asyncio.sleep(wait)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def address(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, int]]:
    monkeypatch.setattr(server, "HEAD_TIMEOUT", HEAD_TIMEOUT)
    monkeypatch.setattr(server, "MAX_CONCURRENT", 2)
    port = free_port()
    config = server.server_config(_app, "127.0.0.1", port, load_settings({}))
    config.lifespan = "off"
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert thread.is_alive(), "uvicorn stopped"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield "127.0.0.1", port
    running.should_exit = True
    thread.join(timeout=30)


def _closed_by_server(connection: socket.socket) -> bool:
    """True when the server closes the connection within a few seconds."""
    connection.settimeout(5)
    try:
        return connection.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_a_connection_that_sends_nothing_is_closed_after_the_head_timeout(
    address: tuple[str, int],
) -> None:
    with socket.create_connection(address) as connection:
        started = time.monotonic()
        assert _closed_by_server(connection)
        assert time.monotonic() - started >= HEAD_TIMEOUT * 0.9


def test_headers_sent_a_byte_at_a_time_past_the_deadline_are_cut_off(
    address: tuple[str, int],
) -> None:
    with socket.create_connection(address) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        try:
            for _ in range(int(HEAD_TIMEOUT * 2 / 0.1)):
                connection.sendall(b"X")
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            return
        assert _closed_by_server(connection)


def test_a_kept_alive_connection_serves_each_request_sent_in_time(
    address: tuple[str, int],
) -> None:
    with httpx.Client(base_url=f"http://{address[0]}:{address[1]}") as client:
        answers = []
        for _ in range(4):
            answers.append(client.get("/").status_code)
            time.sleep(HEAD_TIMEOUT * 0.6)
        assert answers == [200] * 4


def test_an_answer_slower_than_the_head_timeout_still_arrives(address: tuple[str, int]) -> None:
    answer = httpx.get(f"http://{address[0]}:{address[1]}/?wait={HEAD_TIMEOUT * 3}", timeout=10)
    assert (answer.status_code, answer.text) == (200, "ok")


def test_requests_beyond_the_concurrency_limit_are_answered_503_at_once(
    address: tuple[str, int],
) -> None:
    url = f"http://{address[0]}:{address[1]}/?wait=2"
    ANSWERING.clear()
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(lambda: httpx.get(url, timeout=10).status_code)
        assert ANSWERING.wait(timeout=10), "the first request was not answered"
        # with the first one answered and a limit of 2, three more exceed it at once
        beyond = list(pool.map(lambda _: httpx.get(url, timeout=10).status_code, range(3)))
    assert first.result() == 200
    assert 503 in beyond
