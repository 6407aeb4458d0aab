"""Reading the settings from `DISTRIBUTOR_*` environment variables, once per process."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache

from pydantic import ValidationError

from distributor.config.settings import Settings
from distributor.config.urls import mask_password
from distributor.errors import ConfigError

ENV_PREFIX = "DISTRIBUTOR_"
_SECRETS = ("secret_key", "sendgrid_webhook_key", "postmark_webhook_auth", "mailgun_webhook_key")


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate settings; a bad value raises ConfigError naming the variable."""
    env = os.environ if environ is None else environ
    values = {
        key[len(ENV_PREFIX) :].lower(): value
        for key, value in env.items()
        if key.startswith(ENV_PREFIX) and value != ""
    }
    if "from" in values:
        values["from_address"] = values.pop("from")
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, env)) from None


def _describe(exc: ValidationError, env: Mapping[str, str]) -> str:
    first = exc.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    message = str(first["msg"]).removeprefix("Value error, ")
    if not field:
        return f"invalid settings: {message}"
    name = ENV_PREFIX + ("FROM" if field == "from_address" else field.upper())
    shown = "***" if field in _SECRETS else mask_password(env.get(name, ""))
    return f"{name}={shown!r}: {message}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests call `get_settings.cache_clear()` after changing env)."""
    return load_settings()
