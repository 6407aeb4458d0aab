"""What every provider module shares: the protocol a provider follows, the events it reads,
the errors it raises, and the readers of the JSON it is sent."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from distributor.bounces.classify import ENHANCED_CODE
from distributor.errors import DistributorError, InvalidInput, PermissionDenied
from distributor.models import BounceClass

if TYPE_CHECKING:
    from distributor.config import Settings

Fetch = Callable[[str], bytes]  # GET an https URL, return its body


class WebhookRefused(PermissionDenied):
    """The request is not proven to come from the provider: nothing of it is kept."""


class MalformedWebhook(InvalidInput):
    """The body is not what the provider sends; the message names the part at fault."""


class WebhookUnavailable(DistributorError):
    """The request cannot be checked now (a certificate cannot be fetched, a key is unusable)."""

    exit_code = 69


@dataclass(frozen=True)
class ProviderEvent:
    """One recipient's bounce, complaint or delay as a provider reported it."""

    provider: str  # the name of the provider that reported it
    kind: BounceClass
    recipient: str | None
    status: str | None  # enhanced status code where the provider gives one
    diagnostic: str | None
    message_id: str | None  # our Message-ID where the provider passes it on, else the provider's
    raw: bytes  # the JSON the provider sent for this event
    # The provider's id of the event, the same in each retry (see `event_id`).
    event_id: str


class WebhookProvider(Protocol):
    """One provider's webhook: it proves each request came from the provider, then reads it."""

    @property
    def name(self) -> str:
        """The provider's name, in its webhook's URL and on the records of its events."""
        ...

    def read(self, body: bytes, headers: Mapping[str, str], now: datetime) -> list[ProviderEvent]:
        """The events of one request (header names lower-cased); raises WebhookRefused,
        MalformedWebhook or WebhookUnavailable."""
        ...


class ProviderKind(Protocol):
    """A provider's class: its name and what its webhook is for, and how settings make one."""

    @property
    def name(self) -> str: ...
    @property
    def summary(self) -> str:
        """What the provider's webhook reports, in a line (the route's summary in the API docs)."""
        ...

    def from_settings(self, settings: Settings, fetch: Fetch) -> WebhookProvider:
        """The provider with the credentials the settings hold (`fetch` GETs https URLs)."""
        ...


def read_json(body: bytes, what: str) -> Any:
    """`body` parsed as JSON; `what` names it in the error if it is not JSON."""
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedWebhook(f"{what} is not JSON: {exc}") from None
    except RecursionError:  # arrays in arrays, thousands deep: no provider sends that
        raise MalformedWebhook(f"{what} is JSON nested too deeply") from None


def json_object(value: Any, where: str) -> dict[str, Any]:
    """A JSON object field; `where` names it in the error if it is something else."""
    if not isinstance(value, dict):
        raise MalformedWebhook(f"{where}: expected a JSON object, got {type(value).__name__}")
    return value


def json_text(value: Any, where: str) -> str | None:
    """A string field (numbers taken as their text); None when absent or empty."""
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise MalformedWebhook(f"{where}: expected a string, got {type(value).__name__}")


def enhanced_code(text: str | None) -> str | None:
    """The enhanced status code (5.1.1) a diagnostic quotes, if any."""
    found = ENHANCED_CODE.search(text or "")
    return found.group(1) if found else None


def event_id(given: object, raw: bytes) -> str:
    """The provider's id of an event, or a digest of what it sent where it names none:
    either is the same when the provider retries, or someone replays, the request."""
    if isinstance(given, str | int) and not isinstance(given, bool) and str(given).strip():
        return str(given).strip()[:300]
    return "sha256:" + hashlib.sha256(raw).hexdigest()
