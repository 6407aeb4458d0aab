"""Attempts limited per (subject, client address) and per client address: after a few, wait.

Logging in counts failed attempts at an account (the subject); a newsroom sign-up
counts requests for an address. A subject tried from one client is held after
`per_subject` attempts; a client that tries many subjects (a guess of one password
across the office, sign-ups for a list of strangers) after `per_client` in all.
Attempts are counted over a sliding window. With a Redis broker the count is
shared by every web process on every machine; on the embedded defaults each
process keeps its own. The web app asks `retry_after` before the work, then
records the attempt.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, cast

import redis

from distributor.addresses import normalized_address
from distributor.config import Settings
from distributor.errors import InvalidInput

# The in-memory table is swept of forgotten entries when it grows past this size.
_SWEEP_ABOVE = 10_000


@dataclass(frozen=True)
class AttemptLimits:
    per_subject: int
    """Attempts at one subject from one client allowed within `window`; the next waits."""
    per_client: int
    """Attempts from one client, at any subjects, allowed within `window`."""
    window: float
    """Seconds an attempt counts for."""
    prefix: str
    """What the counts are kept under in Redis."""


# Failed logins: five at an account, thirty from a client, in fifteen minutes.
LOGIN_LIMITS = AttemptLimits(5, 30, 15 * 60.0, "distributor:login-failures:")
# Newsroom sign-ups: three for an address, ten from a client, in an hour.
SIGNUP_LIMITS = AttemptLimits(3, 10, 3600.0, "distributor:signup-requests:")


class AttemptLimiter(Protocol):
    def retry_after(self, subject: str, client: str) -> float:
        """Seconds until `subject` may be tried from `client` again; 0 when it may be now."""

    def record(self, subject: str, client: str) -> None:
        """Count an attempt."""

    def reset(self, subject: str, client: str) -> None:
        """Forget the attempts at `subject` from `client` (a login that succeeded)."""

    def close(self) -> None:
        """Release connections."""


def _keys(subject: str, client: str, limits: AttemptLimits) -> tuple[tuple[str, int], ...]:
    """The keys an attempt is counted under, each with the attempts it allows."""
    return (
        (_key(subject, client), limits.per_subject),
        (_client_key(client), limits.per_client),
    )


def _client_key(client: str) -> str:
    return hashlib.sha256(f"client\0{client}".encode()).hexdigest()


def _key(subject: str, client: str) -> str:
    """The key an attempt is counted under: the subject's address as it is read (`Name
    <address>` and any case are the same), hashed, so none is kept in clear."""
    try:
        address = normalized_address(subject)
    except InvalidInput:  # no address: counted as typed
        address = subject.strip().lower()
    return hashlib.sha256(f"{address}\0{client}".encode()).hexdigest()


def _wait(attempts: Sequence[float], allowed: int, now: float, window: float) -> float:
    """Seconds until fewer than `allowed` of the times in `attempts` (ascending) are recent."""
    recent = [at for at in attempts if at > now - window]
    if len(recent) < allowed:
        return 0.0
    return recent[len(recent) - allowed] + window - now


class MemoryAttemptLimiter:
    """The limiter of one process, thread-safe: on the embedded defaults."""

    def __init__(self, limits: AttemptLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self._limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._attempts: dict[str, deque[float]] = {}

    def retry_after(self, subject: str, client: str) -> float:
        with self._lock:
            now = self._clock()
            return max(
                _wait(self._attempts.get(key, ()), allowed, now, self._limits.window)
                for key, allowed in _keys(subject, client, self._limits)
            )

    def record(self, subject: str, client: str) -> None:
        with self._lock:
            now = self._clock()
            if len(self._attempts) > _SWEEP_ABOVE:
                self._sweep(now)
            for key, allowed in _keys(subject, client, self._limits):
                # Only the last `allowed` times can ever block.
                self._attempts.setdefault(key, deque(maxlen=allowed)).append(now)

    def reset(self, subject: str, client: str) -> None:
        with self._lock:
            self._attempts.pop(_key(subject, client), None)

    def close(self) -> None:
        """Nothing to release: the counts live and die with the process."""

    def _sweep(self, now: float) -> None:
        for key in [
            k for k, times in self._attempts.items() if times[-1] <= now - self._limits.window
        ]:
            del self._attempts[key]


class RedisAttemptLimiter:
    """The limiter shared through Redis: a sorted set of attempt times per key, expiring
    with the window. Times come from `clock`, so web hosts must keep their clocks in sync
    (NTP). The limiter owns `client` and closes it."""

    def __init__(
        self,
        client: redis.Redis,
        limits: AttemptLimits,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._limits = limits
        self._clock = clock
        self._prefix = limits.prefix

    def retry_after(self, subject: str, client: str) -> float:
        now = self._clock()
        keys = _keys(subject, client, self._limits)
        with self._client.pipeline(transaction=False) as pipeline:
            for key, _ in keys:
                pipeline.zrangebyscore(
                    self._prefix + key, f"({now - self._limits.window}", "+inf", withscores=True
                )
            found = cast(list[list[tuple[bytes, float]]], pipeline.execute())
        return max(
            _wait([at for _, at in attempts], allowed, now, self._limits.window)
            for (_, allowed), attempts in zip(keys, found, strict=True)
        )

    def record(self, subject: str, client: str) -> None:
        now = self._clock()
        with self._client.pipeline(transaction=True) as pipeline:
            for key, _ in _keys(subject, client, self._limits):
                pipeline.zremrangebyscore(self._prefix + key, "-inf", now - self._limits.window)
                pipeline.zadd(self._prefix + key, {uuid.uuid4().hex: now})
                pipeline.pexpire(self._prefix + key, math.ceil(self._limits.window * 1000) + 1000)
            pipeline.execute()

    def reset(self, subject: str, client: str) -> None:
        self._client.delete(self._prefix + _key(subject, client))

    def close(self) -> None:
        self._client.close()


def create_attempt_limiter(settings: Settings, limits: AttemptLimits) -> AttemptLimiter:
    """A limiter shared through the broker's Redis when there is one, else one in memory."""
    if settings.shared_redis_url:
        return RedisAttemptLimiter(redis.Redis.from_url(settings.shared_redis_url), limits)
    return MemoryAttemptLimiter(limits)
