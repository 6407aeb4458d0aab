"""Watching distributor run: how it logs and where workers serve Prometheus metrics."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from distributor.config.section import Section


class MonitoringSettings(Section):
    """The log level and format, and the metrics port."""

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="How log records are written: `text` lines, or `json`, one object a line.",
    )
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Port on which `distributor worker` serves Prometheus metrics; default: none.",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_log_format(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value
