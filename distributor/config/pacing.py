"""The pace of sending: throttle limits, batches, leases, retries and the dispatcher's beat."""

from __future__ import annotations

from pydantic import Field, field_validator

from distributor.config.section import Duration, Section
from distributor.config.throttle_limits import ThrottleLimits


class PacingSettings(Section):
    """How fast, how many at a time and how long to keep trying."""

    send_rate: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="Messages per second for all workers together; default: unlimited.",
    )
    domain_limits: str = Field(
        default="",
        description="Per recipient domain, e.g. `gmail.com=20/s,4; *=50/s`: a rate "
        "(N/s, N/min, N/h) and/or a number of messages in flight; `*` is every other domain.",
    )
    batch_size: int = Field(
        default=100, ge=1, le=1000, description="Deliveries a worker claims and sends at a time."
    )
    send_parallelism: int = Field(
        default=4, ge=1, le=64, description="Batch tasks working on one send-out at once."
    )
    lease_seconds: Duration = Field(
        default=20.0,
        gt=0,
        description="How long a claimed batch stays a worker's unless renewed: a live worker "
        "renews it every third of this, so a dead worker's batch is taken over after it.",
    )
    retry_base: Duration = Field(
        default=60.0, gt=0, description="First wait before retrying a deferred delivery."
    )
    slow_down: Duration = Field(
        default=30.0,
        gt=0,
        description="How long a destination rests after its server asked to slow down (421).",
    )
    retry_max_age: Duration = Field(
        default=3 * 86400.0,
        gt=0,
        description="A delivery still deferred this long after it was queued fails.",
    )
    dispatch_interval: Duration = Field(
        default=5.0, gt=0, description="How often beat starts due send-outs and idle batches."
    )

    @field_validator("domain_limits")
    @classmethod
    def _valid_domain_limits(cls, value: str) -> str:
        ThrottleLimits.parse(None, value)
        return value

    @property
    def throttle_limits(self) -> ThrottleLimits:
        """DISTRIBUTOR_SEND_RATE and DISTRIBUTOR_DOMAIN_LIMITS, parsed."""
        return ThrottleLimits.parse(self.send_rate, self.domain_limits)
