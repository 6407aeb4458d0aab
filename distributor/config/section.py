"""What every section of the settings shares: the model's behaviour and the duration type."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from distributor.config.times import parse_duration


def _seconds(value: Any) -> Any:
    return parse_duration(value) if isinstance(value, str) else value


Duration = Annotated[float, BeforeValidator(_seconds)]
"""Seconds, given as a number or as a duration such as `90s`, `5m`, `2h` or `3d`."""


class Section(BaseModel):
    """A group of settings on one concern; `Settings` is all of them together."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class DataFolderSettings(Section):
    """The data folder, under which the embedded defaults live."""

    data_dir: Path = Field(
        default=Path("var"),
        validate_default=True,
        description="Folder for the embedded defaults: SQLite files, broker queue, outbox, secret key.",
    )

    @field_validator("data_dir")
    @classmethod
    def _absolute_data_dir(cls, value: Path) -> Path:
        return value.expanduser().resolve()
