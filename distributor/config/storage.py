"""Where data lives: the database, the Celery broker and its results."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from sqlalchemy.engine import URL, make_url

from distributor.config.section import DataFolderSettings
from distributor.config.urls import check_broker_url, normalize_database_url


class StorageSettings(DataFolderSettings):
    """The database and the broker; each defaults to an embedded one in the data folder."""

    database_url: str = Field(
        default="", description="SQLAlchemy URL; default: SQLite in the data folder."
    )
    broker_url: str = Field(default="", description="Celery broker; default: a folder-based queue.")
    result_backend: str = Field(
        default="", description="Celery results; default: beside the broker."
    )

    @field_validator("database_url")
    @classmethod
    def _valid_database_url(cls, value: str) -> str:
        if value:
            normalize_database_url(value)
        return value

    @field_validator("broker_url", "result_backend")
    @classmethod
    def _valid_broker_url(cls, value: str) -> str:
        if value:
            check_broker_url(value)
        return value

    @property
    def database(self) -> URL:
        if self.database_url:
            return normalize_database_url(self.database_url)
        return make_url(f"sqlite:///{self.data_dir / 'distributor.sqlite3'}")

    @property
    def broker(self) -> str:
        return self.broker_url or "filesystem://"

    @property
    def broker_is_embedded(self) -> bool:
        return self.broker.startswith("filesystem://")

    @property
    def broker_folder(self) -> Path:
        return self.data_dir / "broker"

    @property
    def shared_redis_url(self) -> str | None:
        """The broker's URL when it is Redis: where processes on every machine share state
        (send throttle, login limits); None on a broker without Redis, where each keeps its own."""
        return self.broker if self.broker.startswith(("redis://", "rediss://")) else None

    @property
    def results(self) -> str:
        if self.result_backend:
            return self.result_backend
        if self.shared_redis_url:
            return self.shared_redis_url
        return f"db+sqlite:///{self.data_dir / 'celery-results.sqlite3'}"
