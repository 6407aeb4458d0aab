"""The grammar of DISTRIBUTOR_SEND_RATE and DISTRIBUTOR_DOMAIN_LIMITS: the send throttle's limits.

`ThrottleLimits.parse` reads them; the throttle in `distributor.sending` enforces them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

GLOBAL = "*"
_RATE_UNITS = {"s": 1.0, "min": 60.0, "h": 3600.0}
_DOMAIN = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")
_FORMAT = "expected DOMAIN=RATE/s[,CONCURRENCY], e.g. gmail.com=20/s,4 or *=50/s"


def normalize_domain(domain: str) -> str:
    """The form limits and shared state are keyed by: lower-case IDNA, no trailing dot."""
    domain = domain.strip().rstrip(".").lower()
    return domain if domain.isascii() else domain.encode("idna").decode("ascii")


@dataclass(frozen=True)
class DomainLimit:
    rate: float | None = None
    """Messages per second to the domain; None is unlimited."""
    concurrency: int | None = None
    """Messages in flight at once to the domain; None is unlimited."""


@dataclass(frozen=True)
class ThrottleLimits:
    rate: float | None = None
    """Messages per second for all workers together; None is unlimited."""
    domains: Mapping[str, DomainLimit] = field(default_factory=dict)
    """Per recipient domain, keyed by `normalize_domain`."""
    default: DomainLimit = DomainLimit()
    """For every domain not listed (the `*` entry)."""

    def for_domain(self, domain: str) -> DomainLimit:
        return self.domains.get(normalize_domain(domain), self.default)

    @classmethod
    def parse(cls, rate: float | None, domain_limits: str) -> ThrottleLimits:
        """Read `gmail.com=20/s,4; outlook.com=10/min; *=50/s` (`*` is every other domain).

        A rate is `N/s`, `N/min` or `N/h`; a whole number is the concurrency; either may be
        left out. Errors name the entry at fault.
        """
        if rate is not None and not (math.isfinite(rate) and rate > 0):
            raise ValueError(
                f"the send rate must be a positive number of messages per second, not {rate}"
            )
        limits: dict[str, DomainLimit] = {}
        for entry in (raw.strip() for raw in domain_limits.split(";")):
            if not entry:
                continue
            try:
                domain, limit = _parse_entry(entry)
            except ValueError as exc:
                raise ValueError(f"entry {entry!r}: {exc}; {_FORMAT}") from None
            if domain in limits:
                raise ValueError(f"entry {entry!r}: {domain} is listed twice")
            limits[domain] = limit
        default = limits.pop(GLOBAL, DomainLimit())
        return cls(rate=rate, domains=limits, default=default)


def _parse_entry(entry: str) -> tuple[str, DomainLimit]:
    name, equals, spec = entry.partition("=")
    if not equals:
        raise ValueError("no '='")
    try:
        domain = normalize_domain(name)
    except UnicodeError:
        domain = ""
    if domain != GLOBAL and not _DOMAIN.fullmatch(domain):
        raise ValueError(f"{name.strip()!r} is not a domain")
    rate: float | None = None
    concurrency: int | None = None
    for part in (raw.strip() for raw in spec.split(",")):
        if "/" in part:
            if rate is not None:
                raise ValueError("two rates")
            rate = _parse_rate(part)
        elif part.isdigit() and int(part) > 0:
            if concurrency is not None:
                raise ValueError("two concurrencies")
            concurrency = int(part)
        else:
            raise ValueError(f"{part!r} is neither a rate nor a concurrency of at least 1")
    return domain, DomainLimit(rate=rate, concurrency=concurrency)


def _parse_rate(text: str) -> float:
    number, _, unit = text.partition("/")
    try:
        count = float(number)
    except ValueError:
        count = math.nan
    if unit.strip() not in _RATE_UNITS or not (math.isfinite(count) and count > 0):
        raise ValueError(f"{text!r} is not a rate such as 20/s, 300/min or 1000/h")
    return count / _RATE_UNITS[unit.strip()]
