"""Check the broker before a worker starts, so a wrong URL is one clear line, not endless retries."""

from __future__ import annotations

import os

from kombu import Connection
from kombu.exceptions import KombuError
from kombu.utils.url import maybe_sanitize_url

from distributor.config import Settings
from distributor.errors import BrokerUnavailable
from distributor.tasks.app import broker_transport_options

#: Seconds to wait for the broker to accept a connection.
CONNECT_TIMEOUT = 2.0


def check_broker(settings: Settings) -> str:
    """Connect to the broker once and describe it; raise BrokerUnavailable naming the fix."""
    if settings.broker_is_embedded:
        return _check_folder_queue(settings)
    url = maybe_sanitize_url(settings.broker)
    options = broker_transport_options(settings) | {
        "socket_connect_timeout": CONNECT_TIMEOUT,
        "socket_timeout": CONNECT_TIMEOUT,
    }
    connection = Connection(
        settings.broker, transport_options=options, connect_timeout=CONNECT_TIMEOUT
    )
    errors: tuple[type[BaseException], ...] = (
        KombuError,
        *connection.connection_errors,
        *connection.channel_errors,
    )
    try:
        connection.ensure_connection(max_retries=0)
    except errors as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise BrokerUnavailable(
            f"cannot reach the broker at {url} ({reason}); "
            "start Redis, or fix DISTRIBUTOR_BROKER_URL"
        ) from None
    finally:
        connection.release()
    return url


def _check_folder_queue(settings: Settings) -> str:
    folder = settings.broker_folder
    try:
        options = broker_transport_options(settings)  # creates the folders
        for key in ("data_folder_in", "control_folder"):
            if not os.access(options[key], os.W_OK):
                raise PermissionError(f"cannot write to {options[key]}")
    except OSError as exc:
        raise BrokerUnavailable(
            f"cannot use the embedded broker's folder {folder} ({exc}); "
            "make it writable, or set DISTRIBUTOR_DATA_DIR or DISTRIBUTOR_BROKER_URL"
        ) from None
    return f"folder queue in {folder}"
