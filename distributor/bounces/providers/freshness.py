"""Signed requests taken only while fresh: a captured request cannot be played later.

A provider that signs a time with each request (Mailgun, SendGrid, SNS) has it checked
against the clock. Within that window a replay, like a provider's retry, names events
taken already, which their ids keep from being recorded twice (see `recording`).
"""

from __future__ import annotations

from datetime import datetime

from distributor.bounces.providers.base import WebhookRefused

MAX_AGE = 300.0  # seconds a signed timestamp stays acceptable, either side of the clock


def check_fresh(
    provider: str, timestamp: str | float, now: datetime, max_age: float = MAX_AGE
) -> None:
    """Raise WebhookRefused, naming the provider, unless the signed `timestamp` (Unix
    seconds) is within `max_age` of `now`."""
    try:
        age = now.timestamp() - float(timestamp)
    except ValueError:
        raise WebhookRefused(f"the {provider} signature's timestamp is not a number") from None
    if abs(age) > max_age:
        raise WebhookRefused(
            f"the {provider} signature is {age:.0f} s old; at most {max_age:.0f} s is accepted"
        )
