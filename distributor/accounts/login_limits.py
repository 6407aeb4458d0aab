"""Login attempts limited per (account, client address) and per client address: after a
few failures, wait.

An account tried from one address is locked after `failures`; an address that tries many
accounts (a guess of one password across the office) after `client_failures` in all.
Failures are counted over a sliding window. With a Redis broker the count is shared by
every web process on every machine; on the embedded defaults each process keeps its own.
The web app asks `retry_after` before checking a password, then reports the outcome.
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

DEFAULT_PREFIX = "distributor:login-failures:"
# The in-memory table is swept of forgotten entries when it grows past this size.
_SWEEP_ABOVE = 10_000


@dataclass(frozen=True)
class LoginLimits:
    failures: int = 5
    """Failed attempts at one account from one client allowed within `window`; the next waits."""
    client_failures: int = 30
    """Failed attempts from one client, at any accounts, allowed within `window`."""
    window: float = 15 * 60.0
    """Seconds a failure counts for."""


class LoginLimiter(Protocol):
    def retry_after(self, email: str, client: str) -> float:
        """Seconds until `email` may be tried from `client` again; 0 when it may be now."""

    def failed(self, email: str, client: str) -> None:
        """Count a failed attempt."""

    def reset(self, email: str, client: str) -> None:
        """Forget the failures, after a successful login."""

    def close(self) -> None:
        """Release connections."""


def _keys(email: str, client: str, limits: LoginLimits) -> tuple[tuple[str, int], ...]:
    """The keys an attempt is counted under, each with the failures it allows."""
    return (
        (_key(email, client), limits.failures),
        (_client_key(client), limits.client_failures),
    )


def _client_key(client: str) -> str:
    return hashlib.sha256(f"client\0{client}".encode()).hexdigest()


def _key(email: str, client: str) -> str:
    """The key an attempt is counted under: the account's address as logging in reads it
    (`Name <address>` and any case are the same account), hashed, so none is kept in clear."""
    try:
        account = normalized_address(email)
    except InvalidInput:  # no account has it; counted as typed
        account = email.strip().lower()
    return hashlib.sha256(f"{account}\0{client}".encode()).hexdigest()


def _wait(failures: Sequence[float], allowed: int, now: float, window: float) -> float:
    """Seconds until fewer than `allowed` of the times in `failures` (ascending) are recent."""
    recent = [at for at in failures if at > now - window]
    if len(recent) < allowed:
        return 0.0
    return recent[len(recent) - allowed] + window - now


class MemoryLoginLimiter:
    """The limiter of one process, thread-safe: on the embedded defaults."""

    def __init__(
        self, limits: LoginLimits = LoginLimits(), clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}

    def retry_after(self, email: str, client: str) -> float:
        with self._lock:
            now = self._clock()
            return max(
                _wait(self._failures.get(key, ()), allowed, now, self._limits.window)
                for key, allowed in _keys(email, client, self._limits)
            )

    def failed(self, email: str, client: str) -> None:
        with self._lock:
            now = self._clock()
            if len(self._failures) > _SWEEP_ABOVE:
                self._sweep(now)
            for key, allowed in _keys(email, client, self._limits):
                # Only the last `allowed` times can ever block.
                self._failures.setdefault(key, deque(maxlen=allowed)).append(now)

    def reset(self, email: str, client: str) -> None:
        with self._lock:
            self._failures.pop(_key(email, client), None)

    def close(self) -> None:
        """Nothing to release: the counts live and die with the process."""

    def _sweep(self, now: float) -> None:
        for key in [
            k for k, times in self._failures.items() if times[-1] <= now - self._limits.window
        ]:
            del self._failures[key]


class RedisLoginLimiter:
    """The limiter shared through Redis: a sorted set of failure times per key, expiring
    with the window. Times come from `clock`, so web hosts must keep their clocks in sync
    (NTP). The limiter owns `client` and closes it."""

    def __init__(
        self,
        client: redis.Redis,
        limits: LoginLimits = LoginLimits(),
        *,
        clock: Callable[[], float] = time.time,
        prefix: str = DEFAULT_PREFIX,
    ) -> None:
        self._client = client
        self._limits = limits
        self._clock = clock
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str, limits: LoginLimits = LoginLimits()) -> RedisLoginLimiter:
        return cls(redis.Redis.from_url(url), limits)

    def retry_after(self, email: str, client: str) -> float:
        now = self._clock()
        keys = _keys(email, client, self._limits)
        with self._client.pipeline(transaction=False) as pipeline:
            for key, _ in keys:
                pipeline.zrangebyscore(
                    self._prefix + key, f"({now - self._limits.window}", "+inf", withscores=True
                )
            found = cast(list[list[tuple[bytes, float]]], pipeline.execute())
        return max(
            _wait([at for _, at in failures], allowed, now, self._limits.window)
            for (_, allowed), failures in zip(keys, found, strict=True)
        )

    def failed(self, email: str, client: str) -> None:
        now = self._clock()
        with self._client.pipeline(transaction=True) as pipeline:
            for key, _ in _keys(email, client, self._limits):
                pipeline.zremrangebyscore(self._prefix + key, "-inf", now - self._limits.window)
                pipeline.zadd(self._prefix + key, {uuid.uuid4().hex: now})
                pipeline.pexpire(self._prefix + key, math.ceil(self._limits.window * 1000) + 1000)
            pipeline.execute()

    def reset(self, email: str, client: str) -> None:
        self._client.delete(self._prefix + _key(email, client))

    def close(self) -> None:
        self._client.close()


def create_login_limiter(settings: Settings, limits: LoginLimits = LoginLimits()) -> LoginLimiter:
    """A limiter shared through the broker's Redis when there is one, else one in memory."""
    if settings.shared_redis_url:
        return RedisLoginLimiter.from_url(settings.shared_redis_url, limits)
    return MemoryLoginLimiter(limits)
