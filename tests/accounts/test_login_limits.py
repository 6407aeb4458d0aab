"""Login limits: five failures per fifteen minutes per (email, client), in memory and on Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from distributor.accounts.login_limits import (
    LoginLimiter,
    LoginLimits,
    MemoryLoginLimiter,
    RedisLoginLimiter,
    create_login_limiter,
)
from distributor.config import load_settings

LIMITS = LoginLimits(failures=5, client_failures=30, window=900.0)
EMAIL = "alice@press.example"
CLIENT = "192.0.2.10"


class Clock:
    """Time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["memory", "redis"])
def limiter(request: pytest.FixtureRequest, clock: Clock) -> Iterator[LoginLimiter]:
    """A limiter of each backend; on Redis under a key prefix of its own, removed afterwards."""
    if request.param == "memory":
        yield MemoryLoginLimiter(LIMITS, clock=clock)
        return
    url = request.getfixturevalue("redis_url")
    prefix = f"test:login:{uuid.uuid4().hex}:"
    shared = RedisLoginLimiter(redis.Redis.from_url(url), LIMITS, clock=clock, prefix=prefix)
    yield shared
    shared.close()
    with redis.Redis.from_url(url) as client:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


def _fail(limiter: LoginLimiter, times: int, email: str = EMAIL, client: str = CLIENT) -> None:
    for _ in range(times):
        limiter.failed(email, client)


def test_fewer_failures_than_the_limit_do_not_block(limiter: LoginLimiter) -> None:
    _fail(limiter, LIMITS.failures - 1)
    assert limiter.retry_after(EMAIL, CLIENT) == 0


def test_the_limit_of_failures_blocks_for_the_rest_of_the_window(
    limiter: LoginLimiter, clock: Clock
) -> None:
    _fail(limiter, LIMITS.failures)
    clock.now += 60
    assert limiter.retry_after(EMAIL, CLIENT) == pytest.approx(LIMITS.window - 60)


def test_the_block_ends_when_the_first_failure_leaves_the_window(
    limiter: LoginLimiter, clock: Clock
) -> None:
    limiter.failed(EMAIL, CLIENT)
    clock.now += 300
    _fail(limiter, LIMITS.failures - 1)
    clock.now += LIMITS.window - 300
    assert limiter.retry_after(EMAIL, CLIENT) == 0
    limiter.failed(EMAIL, CLIENT)
    assert limiter.retry_after(EMAIL, CLIENT) == pytest.approx(300)


def test_a_reset_after_a_successful_login_forgets_the_failures(limiter: LoginLimiter) -> None:
    _fail(limiter, LIMITS.failures)
    limiter.reset(EMAIL, CLIENT)
    assert limiter.retry_after(EMAIL, CLIENT) == 0
    _fail(limiter, LIMITS.failures - 1)
    assert limiter.retry_after(EMAIL, CLIENT) == 0


def test_failures_count_per_email_and_client(limiter: LoginLimiter) -> None:
    _fail(limiter, LIMITS.failures)
    assert limiter.retry_after(EMAIL, "192.0.2.11") == 0
    assert limiter.retry_after("bob@press.example", CLIENT) == 0


def test_many_accounts_tried_from_one_client_block_that_client(limiter: LoginLimiter) -> None:
    for number in range(LIMITS.client_failures):
        limiter.failed(f"user{number}@press.example", CLIENT)
    assert limiter.retry_after("someone.else@press.example", CLIENT) > 0
    assert limiter.retry_after("someone.else@press.example", "192.0.2.11") == 0


def test_a_successful_login_keeps_the_clients_other_failures(limiter: LoginLimiter) -> None:
    for number in range(LIMITS.client_failures):
        limiter.failed(f"user{number}@press.example", CLIENT)
    limiter.reset(EMAIL, CLIENT)
    assert limiter.retry_after("someone.else@press.example", CLIENT) > 0


def test_the_email_is_counted_in_any_case(limiter: LoginLimiter) -> None:
    _fail(limiter, LIMITS.failures, email="Alice@Press.Example")
    assert limiter.retry_after(EMAIL, CLIENT) > 0


def test_an_address_with_a_display_name_is_counted_as_the_address(limiter: LoginLimiter) -> None:
    for number in range(LIMITS.failures):
        limiter.failed(f'"x{number}" <{EMAIL}>', CLIENT)
    assert limiter.retry_after(EMAIL, CLIENT) > 0


def test_two_redis_limiters_share_the_count(redis_url: str, clock: Clock) -> None:
    prefix = f"test:login:{uuid.uuid4().hex}:"
    web = [
        RedisLoginLimiter(redis.Redis.from_url(redis_url), LIMITS, clock=clock, prefix=prefix)
        for _ in range(2)
    ]
    try:
        _fail(web[0], LIMITS.failures - 1)
        web[1].failed(EMAIL, CLIENT)
        assert web[0].retry_after(EMAIL, CLIENT) > 0
        web[0].reset(EMAIL, CLIENT)
        assert web[1].retry_after(EMAIL, CLIENT) == 0
    finally:
        for limiter in web:
            limiter.close()


def test_a_redis_broker_gives_a_shared_limiter_and_the_embedded_one_a_local(
    redis_url: str,
) -> None:
    shared = create_login_limiter(load_settings({"DISTRIBUTOR_BROKER_URL": redis_url}))
    local = create_login_limiter(load_settings({}))
    try:
        assert isinstance(shared, RedisLoginLimiter)
        assert isinstance(local, MemoryLoginLimiter)
    finally:
        shared.close()
