"""Attempt limits (those of logging in): five per fifteen minutes per (email, client), thirty per
client, in memory and on Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
import redis

from distributor.accounts.attempt_limits import (
    LOGIN_LIMITS,
    AttemptLimiter,
    MemoryAttemptLimiter,
    RedisAttemptLimiter,
    create_attempt_limiter,
)
from distributor.config import load_settings

LIMITS = LOGIN_LIMITS
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
def limiter(request: pytest.FixtureRequest, clock: Clock) -> Iterator[AttemptLimiter]:
    """A limiter of each backend; on Redis under a key prefix of its own, removed afterwards."""
    if request.param == "memory":
        yield MemoryAttemptLimiter(LIMITS, clock=clock)
        return
    url = request.getfixturevalue("redis_url")
    limits = replace(LIMITS, prefix=f"test:login:{uuid.uuid4().hex}:")
    prefix = limits.prefix
    shared = RedisAttemptLimiter(redis.Redis.from_url(url), limits, clock=clock)
    yield shared
    shared.close()
    with redis.Redis.from_url(url) as client:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


def _fail(limiter: AttemptLimiter, times: int, email: str = EMAIL, client: str = CLIENT) -> None:
    for _ in range(times):
        limiter.record(email, client)


def test_fewer_failures_than_the_limit_do_not_block(limiter: AttemptLimiter) -> None:
    _fail(limiter, LIMITS.per_subject - 1)
    assert limiter.retry_after(EMAIL, CLIENT) == 0


def test_the_limit_of_failures_blocks_for_the_rest_of_the_window(
    limiter: AttemptLimiter, clock: Clock
) -> None:
    _fail(limiter, LIMITS.per_subject)
    clock.now += 60
    assert limiter.retry_after(EMAIL, CLIENT) == pytest.approx(LIMITS.window - 60)


def test_the_block_ends_when_the_first_failure_leaves_the_window(
    limiter: AttemptLimiter, clock: Clock
) -> None:
    limiter.record(EMAIL, CLIENT)
    clock.now += 300
    _fail(limiter, LIMITS.per_subject - 1)
    clock.now += LIMITS.window - 300
    assert limiter.retry_after(EMAIL, CLIENT) == 0
    limiter.record(EMAIL, CLIENT)
    assert limiter.retry_after(EMAIL, CLIENT) == pytest.approx(300)


def test_a_reset_after_a_successful_login_forgets_the_failures(limiter: AttemptLimiter) -> None:
    _fail(limiter, LIMITS.per_subject)
    limiter.reset(EMAIL, CLIENT)
    assert limiter.retry_after(EMAIL, CLIENT) == 0
    _fail(limiter, LIMITS.per_subject - 1)
    assert limiter.retry_after(EMAIL, CLIENT) == 0


def test_failures_count_per_email_and_client(limiter: AttemptLimiter) -> None:
    _fail(limiter, LIMITS.per_subject)
    assert limiter.retry_after(EMAIL, "192.0.2.11") == 0
    assert limiter.retry_after("bob@press.example", CLIENT) == 0


def test_many_accounts_tried_from_one_client_block_that_client(limiter: AttemptLimiter) -> None:
    for number in range(LIMITS.per_client):
        limiter.record(f"user{number}@press.example", CLIENT)
    assert limiter.retry_after("someone.else@press.example", CLIENT) > 0
    assert limiter.retry_after("someone.else@press.example", "192.0.2.11") == 0


def test_a_successful_login_keeps_the_clients_other_failures(limiter: AttemptLimiter) -> None:
    for number in range(LIMITS.per_client):
        limiter.record(f"user{number}@press.example", CLIENT)
    limiter.reset(EMAIL, CLIENT)
    assert limiter.retry_after("someone.else@press.example", CLIENT) > 0


def test_the_email_is_counted_in_any_case(limiter: AttemptLimiter) -> None:
    _fail(limiter, LIMITS.per_subject, email="Alice@Press.Example")
    assert limiter.retry_after(EMAIL, CLIENT) > 0


def test_an_address_with_a_display_name_is_counted_as_the_address(limiter: AttemptLimiter) -> None:
    for number in range(LIMITS.per_subject):
        limiter.record(f'"x{number}" <{EMAIL}>', CLIENT)
    assert limiter.retry_after(EMAIL, CLIENT) > 0


def test_two_redis_limiters_share_the_count(redis_url: str, clock: Clock) -> None:
    limits = replace(LIMITS, prefix=f"test:login:{uuid.uuid4().hex}:")
    web = [
        RedisAttemptLimiter(redis.Redis.from_url(redis_url), limits, clock=clock) for _ in range(2)
    ]
    try:
        _fail(web[0], LIMITS.per_subject - 1)
        web[1].record(EMAIL, CLIENT)
        assert web[0].retry_after(EMAIL, CLIENT) > 0
        web[0].reset(EMAIL, CLIENT)
        assert web[1].retry_after(EMAIL, CLIENT) == 0
    finally:
        for limiter in web:
            limiter.close()


def test_a_redis_broker_gives_a_shared_limiter_and_the_embedded_one_a_local(
    redis_url: str,
) -> None:
    shared = create_attempt_limiter(load_settings({"DISTRIBUTOR_BROKER_URL": redis_url}), LIMITS)
    local = create_attempt_limiter(load_settings({}), LIMITS)
    try:
        assert isinstance(shared, RedisAttemptLimiter)
        assert isinstance(local, MemoryAttemptLimiter)
    finally:
        shared.close()
