"""Checks made when a send-out is scheduled: quiet hours, night and weekend share, daily limit."""

from __future__ import annotations

from datetime import time

from pydantic import Field, field_validator

from distributor.config.section import Section
from distributor.config.times import parse_quiet_hours


class SchedulingSettings(Section):
    """When scheduling a send-out asks for confirmation instead of going ahead."""

    quiet_hours: str = Field(
        default="22:00-07:00",
        description="Local hours (HH:MM-HH:MM) in which a journalist should not get a release; "
        "scheduling warns when too many would. `off`: nights are not checked.",
    )
    guard_share: float = Field(
        default=0.2,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="Share of recipients getting a send-out at night or on a weekend, or "
        "unreached, above which scheduling asks for confirmation; 1: never asks.",
    )
    daily_release_limit: int = Field(
        default=2,
        ge=0,
        description="Releases one journalist may get from the office on one local day before "
        "scheduling asks for confirmation; 0: no limit.",
    )

    @field_validator("quiet_hours")
    @classmethod
    def _valid_quiet_hours(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value.strip().lower()

    @property
    def quiet_window(self) -> tuple[time, time] | None:
        """DISTRIBUTOR_QUIET_HOURS as (start, end), end possibly past midnight; None when off."""
        return parse_quiet_hours(self.quiet_hours)
