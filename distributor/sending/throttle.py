"""Send-rate throttling: a global rate, per-domain rates and concurrency, and pauses after a 421.

Every worker asks `admit(domain)` before a message goes out. On Redis the state is shared
by every worker on every machine and one Lua script takes all permits atomically; on the
embedded defaults each worker process throttles itself in memory.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis

from distributor.config import GLOBAL, DomainLimit, Settings, ThrottleLimits, normalize_domain

DEFAULT_PREFIX = "distributor:throttle:"
# A Redis concurrency slot is leased, so a worker killed while holding one cannot keep it;
# longer than any one hand-over (SMTP commands time out well before).
SLOT_LEASE = 60.0
# Nothing says when a busy slot frees up, so a refused caller asks again this soon.
POLL_INTERVAL = 0.05
# Without limits only pauses matter; a worker reads them at most this often, so that an
# unthrottled send-out costs no Redis round trip per message. Another worker's pause is
# seen this much later at most.
PAUSE_REFRESH = 1.0
# Refills computed from float clocks land a hair below a whole token.
_EPSILON = 1e-9


@dataclass(frozen=True)
class Admission:
    admitted: bool
    retry_after: float
    """Seconds until it is worth asking again (0 when admitted)."""


ADMITTED = Admission(admitted=True, retry_after=0.0)


class Throttle(Protocol):
    def admit(self, domain: str) -> Admission:
        """Take one send permit for `domain`: global rate token, domain rate token and a domain
        concurrency slot, all or nothing (atomic). Refused while `domain` or GLOBAL is slowed down."""

    def release(self, domain: str) -> None:
        """Give back the concurrency slot taken by a successful admit (after the message was
        handed over or failed)."""

    def slow_down(self, domain: str, seconds: float) -> None:
        """Admit nothing for `domain` (everything when GLOBAL) for `seconds`, as after a 421;
        extends, never shortens, an existing pause."""

    def close(self) -> None:
        """Release connections."""


@dataclass
class _Bucket:
    """A token bucket holding about one second of burst, refilled continuously."""

    rate: float
    tokens: float
    updated: float

    def wait(self, now: float) -> float:
        """Refill up to `now`; seconds until a whole token is there."""
        capacity = max(1.0, self.rate)
        self.tokens = min(capacity, self.tokens + max(0.0, now - self.updated) * self.rate)
        self.updated = max(self.updated, now)
        return 0.0 if self.tokens >= 1 - _EPSILON else (1 - self.tokens) / self.rate


class LocalThrottle:
    """The throttle of one process, thread-safe; on the embedded defaults each worker has its own."""

    def __init__(self, limits: ThrottleLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self._limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._global: _Bucket | None = None
        self._buckets: dict[str, _Bucket] = {}
        self._in_flight: dict[str, int] = {}
        self._paused_until: dict[str, float] = {}

    def admit(self, domain: str) -> Admission:
        domain = normalize_domain(domain)
        limit = self._limits.for_domain(domain)
        with self._lock:
            now = self._clock()
            paused = max(self._paused_until.get(key, now) for key in (GLOBAL, domain)) - now
            if paused > 0:
                return Admission(admitted=False, retry_after=paused)
            buckets = self._buckets_for(domain, limit, now)
            waits = [bucket.wait(now) for bucket in buckets]
            if (
                limit.concurrency is not None
                and self._in_flight.get(domain, 0) >= limit.concurrency
            ):
                waits.append(POLL_INTERVAL)
            wait = max(waits, default=0.0)
            if wait > 0:
                return Admission(admitted=False, retry_after=wait)
            for bucket in buckets:
                bucket.tokens -= 1
            if limit.concurrency is not None:
                self._in_flight[domain] = self._in_flight.get(domain, 0) + 1
            return ADMITTED

    def _buckets_for(self, domain: str, limit: DomainLimit, now: float) -> list[_Bucket]:
        buckets = []
        if self._limits.rate is not None:
            if self._global is None:
                self._global = _Bucket(self._limits.rate, max(1.0, self._limits.rate), now)
            buckets.append(self._global)
        if limit.rate is not None:
            bucket = self._buckets.setdefault(
                domain, _Bucket(limit.rate, max(1.0, limit.rate), now)
            )
            buckets.append(bucket)
        return buckets

    def release(self, domain: str) -> None:
        domain = normalize_domain(domain)
        with self._lock:
            held = self._in_flight.pop(domain, 0)
            if held > 1:
                self._in_flight[domain] = held - 1

    def slow_down(self, domain: str, seconds: float) -> None:
        domain = normalize_domain(domain)
        with self._lock:
            until = self._clock() + seconds
            self._paused_until[domain] = max(until, self._paused_until.get(domain, until))

    def close(self) -> None:
        """Nothing to release: the state lives and dies with the process."""


# KEYS: the pauses (a hash: destination -> paused until), global bucket, domain bucket,
# domain slots. ARGV: now, global rate, domain rate, concurrency ("" = unlimited), slot
# member, lease, poll interval, epsilon, domain.
# Returns {1, "0"} when admitted, else {0, seconds to wait} having changed nothing but
# dropping expired slots. Numbers go out as strings: Redis would truncate them to integers.
_ADMIT = """
local now = tonumber(ARGV[1])
local wait = 0
for _, value in ipairs(redis.call('HMGET', KEYS[1], '*', ARGV[9])) do
  local paused = tonumber(value)
  if paused and paused - now > wait then wait = paused - now end
end
if wait > 0 then return {0, string.format('%.17g', wait)} end

local buckets = {}
for i = 1, 2 do
  local rate = tonumber(ARGV[i + 1])
  if rate then
    local key = KEYS[i + 1]
    local capacity = math.max(1, rate)
    local state = redis.call('HMGET', key, 'tokens', 'updated')
    local tokens = tonumber(state[1]) or capacity
    local updated = tonumber(state[2]) or now
    tokens = math.min(capacity, tokens + math.max(0, now - updated) * rate)
    if tokens < 1 - tonumber(ARGV[8]) then wait = math.max(wait, (1 - tokens) / rate) end
    buckets[#buckets + 1] = {key, tokens, math.max(now, updated), capacity / rate}
  end
end

local concurrency = tonumber(ARGV[4])
local lease = tonumber(ARGV[6])
if concurrency then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
  if redis.call('ZCARD', KEYS[4]) >= concurrency then
    wait = math.max(wait, tonumber(ARGV[7]))
  end
end
if wait > 0 then return {0, string.format('%.17g', wait)} end

for _, bucket in ipairs(buckets) do
  redis.call('HSET', bucket[1], 'tokens', bucket[2] - 1, 'updated', bucket[3])
  redis.call('PEXPIRE', bucket[1], math.ceil(bucket[4] * 1000) + 1000)
end
if concurrency then
  redis.call('ZADD', KEYS[4], now + lease, ARGV[5])
  redis.call('PEXPIRE', KEYS[4], math.ceil(lease * 1000) + 1000)
end
return {1, '0'}
"""

# KEYS: the pauses. ARGV: destination, paused until, time to live in ms. Only ever moves
# a pause's end later; ended pauses stay in the hash until it expires, and are ignored.
_SLOW_DOWN = """
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]))
if not current or tonumber(ARGV[2]) > current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
"""


class RedisThrottle:
    """The throttle shared by every worker on every machine through Redis.

    Time comes from `clock` on the calling side, so every worker must keep its clock in sync
    (NTP); idle keys expire by themselves. The throttle owns `client` and closes it.
    """

    def __init__(
        self,
        client: redis.Redis,
        limits: ThrottleLimits,
        *,
        clock: Callable[[], float] = time.time,
        prefix: str = DEFAULT_PREFIX,
    ) -> None:
        self._client = client
        self._limits = limits
        self._clock = clock
        self._prefix = prefix
        self._admit = client.register_script(_ADMIT)
        self._slow_down = client.register_script(_SLOW_DOWN)
        self._lock = threading.Lock()
        self._held: dict[str, deque[str]] = {}
        self._pauses: tuple[float, dict[str, float]] | None = None  # (read at, pauses)

    @classmethod
    def from_url(cls, url: str, limits: ThrottleLimits) -> RedisThrottle:
        return cls(redis.Redis.from_url(url), limits)

    def admit(self, domain: str) -> Admission:
        domain = normalize_domain(domain)
        limit = self._limits.for_domain(domain)
        if self._limits.rate is None and limit.rate is None and limit.concurrency is None:
            wait = self._pause_left(domain)
            return ADMITTED if wait <= 0 else Admission(admitted=False, retry_after=wait)
        member = uuid.uuid4().hex if limit.concurrency is not None else ""
        admitted, wait = self._admit(
            keys=[
                self._key("pauses"),
                self._key("rate"),
                self._key("rate", domain),
                self._key("slots", domain),
            ],
            args=[
                self._clock(),
                _optional(self._limits.rate),
                _optional(limit.rate),
                _optional(limit.concurrency),
                member,
                SLOT_LEASE,
                POLL_INTERVAL,
                _EPSILON,
                domain,
            ],
        )
        if not admitted:
            return Admission(admitted=False, retry_after=float(wait))
        if member:
            with self._lock:
                self._held.setdefault(domain, deque()).append(member)
        return ADMITTED

    def release(self, domain: str) -> None:
        domain = normalize_domain(domain)
        with self._lock:
            held = self._held.get(domain)
            if not held:
                return
            member = held.popleft()
            if not held:
                del self._held[domain]
        self._client.zrem(self._key("slots", domain), member)

    def slow_down(self, domain: str, seconds: float) -> None:
        if seconds <= 0:
            return
        self._slow_down(
            keys=[self._key("pauses")],
            args=[
                normalize_domain(domain),
                self._clock() + seconds,
                math.ceil(seconds * 1000) + 1000,
            ],
        )
        self._pauses = None  # this worker sees its own pause at once

    def _pause_left(self, domain: str) -> float:
        """Seconds until neither `domain` nor every destination is paused, read now and then."""
        now = self._clock()
        if self._pauses is None or now - self._pauses[0] >= PAUSE_REFRESH:
            table = self._client.hgetall(self._key("pauses"))
            pauses = {_text(key): float(value) for key, value in table.items()}
            self._pauses = (now, pauses)
        pauses = self._pauses[1]
        return max(pauses.get(GLOBAL, 0.0), pauses.get(domain, 0.0)) - now

    def close(self) -> None:
        self._client.close()

    def _key(self, kind: str, domain: str | None = None) -> str:
        return f"{self._prefix}{kind}" if domain is None else f"{self._prefix}{kind}:{domain}"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _optional(value: float | None) -> float | str:
    return "" if value is None else value


def create_throttle(settings: Settings) -> Throttle:
    """A RedisThrottle on the broker's Redis when the broker is Redis, else a LocalThrottle."""
    if settings.shared_redis_url:
        return RedisThrottle.from_url(settings.shared_redis_url, settings.throttle_limits)
    return LocalThrottle(settings.throttle_limits)
