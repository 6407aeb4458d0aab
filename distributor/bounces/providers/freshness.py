"""Signed requests taken once and while fresh: a captured request cannot be played again.

A provider that signs a timestamp with each request (Mailgun, SendGrid) has it checked
against the clock, and the request's unique part (a token, a signature) remembered
while it could still pass that check.
"""

from __future__ import annotations

import threading
from datetime import datetime

from distributor.bounces.providers.base import WebhookRefused

MAX_AGE = 300.0  # seconds a signed timestamp stays acceptable, either side of the clock


def check_fresh(provider: str, timestamp: str, now: datetime) -> float:
    """`now` in Unix seconds, once the signed `timestamp` is within MAX_AGE of it; else
    WebhookRefused naming the provider."""
    moment = now.timestamp()
    try:
        age = moment - float(timestamp)
    except ValueError:
        raise WebhookRefused(f"the {provider} signature's timestamp is not a number") from None
    if abs(age) > MAX_AGE:
        raise WebhookRefused(
            f"the {provider} signature is {age:.0f} s old; at most {MAX_AGE:.0f} s is accepted"
        )
    return moment


class SeenTokens:
    """Tokens used within the last `max_age` seconds, so a request is accepted once (per process)."""

    def __init__(self, max_age: float = MAX_AGE) -> None:
        self.max_age = max_age
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_use(self, token: str, now: float) -> bool:
        with self._lock:
            self._seen = {t: at for t, at in self._seen.items() if now - at <= self.max_age}
            if token in self._seen:
                return False
            self._seen[token] = now
            return True
