"""Send-rate throttling, in one process and shared through a real Redis, on a hand-driven clock."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
import redis

from distributor.config import GLOBAL, DomainLimit, ThrottleLimits, load_settings
from distributor.sending.throttle import (
    PAUSE_REFRESH,
    SLOT_LEASE,
    LocalThrottle,
    RedisThrottle,
    Throttle,
    create_throttle,
)

START = 1_000_000.0


class Clock:
    """A clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


MakeThrottle = Callable[[ThrottleLimits], Throttle]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def redis_throttles(redis_url: str, clock: Clock) -> Iterator[MakeThrottle]:
    """RedisThrottles ("workers") sharing one key prefix of their own; keys removed afterwards."""
    prefix = f"test:throttle:{uuid.uuid4().hex}:"
    throttles: list[RedisThrottle] = []

    def make(limits: ThrottleLimits) -> Throttle:
        throttle = RedisThrottle(
            redis.Redis.from_url(redis_url), limits, clock=clock, prefix=prefix
        )
        throttles.append(throttle)
        return throttle

    yield make
    for throttle in throttles:
        throttle.close()
    with redis.Redis.from_url(redis_url) as client:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


@pytest.fixture(params=["local", pytest.param("redis", marks=pytest.mark.redis)])
def make_throttle(request: pytest.FixtureRequest, clock: Clock) -> MakeThrottle:
    """A throttle of each kind on the test's clock."""
    if request.param == "redis":
        return request.getfixturevalue("redis_throttles")  # type: ignore[no-any-return]
    return lambda limits: LocalThrottle(limits, clock=clock)


def admitted(throttle: Throttle, domain: str = "example.org") -> bool:
    return throttle.admit(domain).admitted


def test_global_rate_refuses_one_more_than_the_rate_in_the_same_instant(
    make_throttle: MakeThrottle,
) -> None:
    throttle = make_throttle(ThrottleLimits(rate=5))

    assert all(admitted(throttle, f"d{n}.example") for n in range(5))
    refused = throttle.admit("d5.example")

    assert not refused.admitted
    assert refused.retry_after == pytest.approx(0.2)


def test_global_rate_admits_again_after_one_token_refills(
    make_throttle: MakeThrottle, clock: Clock
) -> None:
    throttle = make_throttle(ThrottleLimits(rate=5))
    for _ in range(5):
        throttle.admit("example.org")

    clock.advance(0.2)

    assert admitted(throttle)
    assert not admitted(throttle)


def test_slow_rate_refills_one_token_per_interval(
    make_throttle: MakeThrottle, clock: Clock
) -> None:
    throttle = make_throttle(ThrottleLimits(rate=0.5))
    assert admitted(throttle)

    assert throttle.admit("example.org").retry_after == pytest.approx(2.0)
    clock.advance(1.5)
    assert throttle.admit("example.org").retry_after == pytest.approx(0.5)
    clock.advance(0.5)
    assert admitted(throttle)


def test_domain_rate_applies_to_its_domain_only(make_throttle: MakeThrottle) -> None:
    limits = ThrottleLimits(domains={"gmail.com": DomainLimit(rate=2)})
    throttle = make_throttle(limits)

    assert admitted(throttle, "gmail.com")
    assert admitted(throttle, "gmail.com")
    assert throttle.admit("gmail.com").retry_after == pytest.approx(0.5)
    assert all(admitted(throttle, "outlook.com") for _ in range(10))


def test_default_limit_applies_to_each_unlisted_domain_separately(
    make_throttle: MakeThrottle,
) -> None:
    throttle = make_throttle(ThrottleLimits(default=DomainLimit(rate=1)))

    assert admitted(throttle, "a.example")
    assert admitted(throttle, "b.example")
    assert not admitted(throttle, "a.example")


def test_concurrency_slot_is_held_until_released(make_throttle: MakeThrottle) -> None:
    throttle = make_throttle(ThrottleLimits(domains={"gmail.com": DomainLimit(concurrency=2)}))
    assert admitted(throttle, "gmail.com")
    assert admitted(throttle, "gmail.com")

    refused = throttle.admit("gmail.com")
    assert not refused.admitted
    assert refused.retry_after > 0
    assert admitted(throttle, "outlook.com")

    throttle.release("gmail.com")
    assert admitted(throttle, "gmail.com")
    assert not admitted(throttle, "gmail.com")


@pytest.mark.redis
def test_slot_of_a_vanished_worker_expires_after_the_lease(
    redis_throttles: MakeThrottle, clock: Clock
) -> None:
    limits = ThrottleLimits(domains={"gmail.com": DomainLimit(concurrency=1)})
    killed, survivor = redis_throttles(limits), redis_throttles(limits)
    assert admitted(killed, "gmail.com")  # and never released

    clock.advance(SLOT_LEASE - 1)
    assert not admitted(survivor, "gmail.com")
    clock.advance(1)
    assert admitted(survivor, "gmail.com")


def test_slow_down_pauses_the_domain_only(make_throttle: MakeThrottle, clock: Clock) -> None:
    throttle = make_throttle(ThrottleLimits())

    throttle.slow_down("gmail.com", 30)

    refused = throttle.admit("gmail.com")
    assert not refused.admitted
    assert refused.retry_after == pytest.approx(30)
    assert admitted(throttle, "outlook.com")
    clock.advance(30)
    assert admitted(throttle, "gmail.com")


def test_slow_down_of_global_pauses_every_domain(make_throttle: MakeThrottle, clock: Clock) -> None:
    throttle = make_throttle(ThrottleLimits())

    throttle.slow_down(GLOBAL, 10)

    assert throttle.admit("gmail.com").retry_after == pytest.approx(10)
    assert throttle.admit("outlook.com").retry_after == pytest.approx(10)
    clock.advance(10)
    assert admitted(throttle, "gmail.com")


def test_slow_down_extends_but_never_shortens_a_pause(make_throttle: MakeThrottle) -> None:
    throttle = make_throttle(ThrottleLimits())

    throttle.slow_down("gmail.com", 30)
    throttle.slow_down("gmail.com", 5)
    assert throttle.admit("gmail.com").retry_after == pytest.approx(30)

    throttle.slow_down("gmail.com", 60)
    assert throttle.admit("gmail.com").retry_after == pytest.approx(60)


def test_refusal_by_domain_rate_takes_no_global_token(make_throttle: MakeThrottle) -> None:
    limits = ThrottleLimits(rate=2, domains={"gmail.com": DomainLimit(rate=1)})
    throttle = make_throttle(limits)
    assert admitted(throttle, "gmail.com")

    assert not admitted(throttle, "gmail.com")
    assert not admitted(throttle, "gmail.com")

    assert admitted(throttle, "outlook.com")


def test_refusal_by_concurrency_takes_no_rate_token(make_throttle: MakeThrottle) -> None:
    limits = ThrottleLimits(rate=2, domains={"gmail.com": DomainLimit(rate=2, concurrency=1)})
    throttle = make_throttle(limits)
    assert admitted(throttle, "gmail.com")

    assert not admitted(throttle, "gmail.com")
    throttle.release("gmail.com")

    assert admitted(throttle, "gmail.com")


def test_without_limits_every_admit_is_immediate(make_throttle: MakeThrottle) -> None:
    throttle = make_throttle(ThrottleLimits())

    admissions = [throttle.admit("gmail.com") for _ in range(1000)]

    assert all(admission.admitted and admission.retry_after == 0 for admission in admissions)


def test_domains_are_matched_case_insensitively_in_idna_form(make_throttle: MakeThrottle) -> None:
    limits = ThrottleLimits.parse(None, "bücher.example=1/s")
    throttle = make_throttle(limits)

    assert admitted(throttle, "xn--bcher-kva.example")
    assert not admitted(throttle, "BÜCHER.example")


@pytest.mark.redis
def test_two_workers_share_one_limit_through_redis(redis_throttles: MakeThrottle) -> None:
    limits = ThrottleLimits(rate=3, domains={"gmail.com": DomainLimit(concurrency=1)})
    first, second = redis_throttles(limits), redis_throttles(limits)

    assert admitted(first, "gmail.com")
    assert not admitted(second, "gmail.com")
    assert admitted(second, "outlook.com")
    assert admitted(first, "outlook.com")
    assert not admitted(second, "outlook.com")


@pytest.mark.redis
def test_a_pause_set_by_one_worker_holds_for_all(redis_throttles: MakeThrottle) -> None:
    first, second = redis_throttles(ThrottleLimits()), redis_throttles(ThrottleLimits())

    first.slow_down("gmail.com", 30)

    assert second.admit("gmail.com").retry_after == pytest.approx(30)


@pytest.mark.redis
def test_without_limits_another_workers_pause_is_seen_within_the_refresh_interval(
    redis_throttles: MakeThrottle, clock: Clock
) -> None:
    first, second = redis_throttles(ThrottleLimits()), redis_throttles(ThrottleLimits())
    assert admitted(second, "gmail.com")  # reads and keeps "no pause"

    first.slow_down("gmail.com", 30)
    clock.advance(PAUSE_REFRESH)

    assert second.admit("gmail.com").retry_after == pytest.approx(30 - PAUSE_REFRESH)


def test_parse_reads_rates_concurrency_and_the_default() -> None:
    limits = ThrottleLimits.parse(
        100, "gmail.com=20/s,4; Outlook.com=600/min ; yahoo.com=3 ;*=50/s,8;"
    )

    assert limits.rate == 100
    assert limits.for_domain("gmail.com") == DomainLimit(rate=20, concurrency=4)
    assert limits.for_domain("outlook.com") == DomainLimit(rate=10)
    assert limits.for_domain("yahoo.com") == DomainLimit(concurrency=3)
    assert limits.for_domain("other.example") == DomainLimit(rate=50, concurrency=8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gmail.com=fast", "entry 'gmail.com=fast'"),
        ("gmail.com=20/s; outlook.com", "entry 'outlook.com': no '='"),
        ("gmail.com=20/day", "not a rate"),
        ("gmail.com=-3/s", "not a rate"),
        ("gmail.com=0", "neither a rate nor a concurrency"),
        ("gmail.com=", "neither a rate nor a concurrency"),
        ("gmail.com=1/s,2/s", "two rates"),
        ("gm ail.com=1/s", "'gm ail.com' is not a domain"),
        ("gmail.com=1/s; GMAIL.com=2/s", "gmail.com is listed twice"),
    ],
)
def test_parse_errors_name_the_entry(text: str, expected: str) -> None:
    with pytest.raises(ValueError, match="entry") as caught:
        ThrottleLimits.parse(None, text)

    assert expected in str(caught.value)


def test_throttle_is_local_on_the_embedded_broker() -> None:
    settings = load_settings({"DISTRIBUTOR_SEND_RATE": "10"})

    throttle = create_throttle(settings)

    assert isinstance(throttle, LocalThrottle)


@pytest.mark.redis
def test_throttle_is_shared_through_a_redis_broker(redis_url: str) -> None:
    settings = load_settings({"DISTRIBUTOR_BROKER_URL": redis_url})

    throttle = create_throttle(settings)
    try:
        assert isinstance(throttle, RedisThrottle)
        assert admitted(throttle)
    finally:
        throttle.close()
