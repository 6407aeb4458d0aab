"""Settings, read once from `DISTRIBUTOR_*` environment variables and validated at start.

Nothing else in the code reads the environment. With nothing set, distributor runs
on embedded defaults under a data folder: an SQLite database, a file-based Celery
broker, and a file transport that keeps every outgoing message as an .eml file.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from distributor.errors import ConfigError

if TYPE_CHECKING:
    from distributor.sending.throttle import ThrottleLimits

ENV_PREFIX = "DISTRIBUTOR_"
DEFAULT_FROM = "Press Office <press@newsroom.example>"
DEFAULT_SIGNUP_CONSENT = (
    "I agree that the press office may keep my name, email address and outlet to send me "
    "the press releases of the lists I chose. I can unsubscribe at any time with the link "
    "in every email."
)

_DATABASE_EXAMPLES = (
    "postgresql://user:password@host:5432/distributor or sqlite:///path/to/file.sqlite3"
)
_BROKER_SCHEMES = {"redis", "rediss", "filesystem", "memory"}
_TRANSPORT_SCHEMES = {"smtp", "smtps", "file", "maildir"}
_TLS_MODES = ("auto", "required", "none")
# DISTRIBUTOR_REPLY_ADDRESS: a bare address whose local part can take a "+token".
_REPLY_ADDRESS = re.compile(
    r"[a-z0-9!#$%&'*/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*/=?^_`{|}~-]+)*@[a-z0-9-]+(?:\.[a-z0-9-]+)+"
)
_REPLY_LOCAL_MAX = 39  # with "+" and a token of up to 24 characters: within 64
_BARE_ADDRESS = re.compile(r"[^\s@<>\"(),;:]+@[^\s@<>\"(),;:]+\.[^\s@<>\"(),;:]+")
DEFAULT_SMTP_TIMEOUT = 30.0
_MAILBOX_EXAMPLE = "imaps://user:pass@mail.example.org:993/INBOX"


@dataclass(frozen=True)
class TransportTarget:
    """A parsed `DISTRIBUTOR_SMTP_URL`: an SMTP relay, or a folder that keeps messages.

    For SMTP, `tls` is `auto` (STARTTLS when the relay offers it), `required` (never send
    in clear) or `none`; `timeout` bounds the connect and each command, in seconds;
    `cafile` names the CA certificates that verify the relay instead of the system's.
    """

    scheme: Literal["smtp", "smtps", "file", "maildir"]
    host: str = ""
    port: int = 0
    username: str | None = None
    password: str | None = None
    path: Path | None = None
    tls: Literal["auto", "required", "none"] = "auto"
    timeout: float = DEFAULT_SMTP_TIMEOUT
    cafile: Path | None = None

    @property
    def address(self) -> str:
        """`scheme://host:port` (or the folder), without credentials: safe to log and show."""
        return (
            f"{self.scheme}://{self.host}:{self.port}"
            if self.path is None
            else f"{self.scheme}://{self.path}"
        )


def parse_transport_urls(value: str, base_dir: Path | None = None) -> list[TransportTarget]:
    """Parse a comma-separated list of relays tried in order (fail-over); a folder stands alone.

    Errors name the URL at fault by position; a comma inside a password must be written %2C.
    """
    urls = [url.strip() for url in value.split(",")]
    targets = []
    for number, url in enumerate(urls, start=1):
        try:
            targets.append(parse_transport_url(url, base_dir))
        except ValueError as exc:
            if len(urls) == 1:
                raise
            raise ValueError(
                f"URL {number} of {len(urls)} ({_mask_password(url)!r}): {exc}"
            ) from None
    if len(targets) > 1 and any(target.path is not None for target in targets):
        raise ValueError("only smtp:// and smtps:// relays can be listed for fail-over")
    return targets


def parse_transport_url(url: str, base_dir: Path | None = None) -> TransportTarget:
    """Parse `smtp://user:pass@host:port?tls=required&timeout=10&cafile=/ca.pem`, `smtps://…`,
    `file:///dir` or `maildir:///dir`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _TRANSPORT_SCHEMES:
        raise ValueError(
            f"unknown scheme {parts.scheme!r}; use smtp://user:pass@host:port, "
            "smtps://…, file:///folder or maildir:///folder"
        )
    if scheme in ("file", "maildir"):
        raw = unquote(parts.netloc + parts.path)
        if not raw:
            raise ValueError(f"{scheme}:// needs a folder, e.g. {scheme}:///var/mail/outbox")
        path = Path(raw).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        return TransportTarget(scheme=scheme, path=path)  # type: ignore[arg-type]
    if not parts.hostname:
        raise ValueError(
            f"{scheme}:// needs a host, e.g. {scheme}://user:pass@mail.example.org:587"
        )
    try:
        port = parts.port or (465 if scheme == "smtps" else 25)
    except ValueError as exc:
        raise ValueError(f"the port is not a number between 0 and 65535 ({exc})") from None
    return TransportTarget(
        scheme=scheme,  # type: ignore[arg-type]
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        **_smtp_options(parts.query, scheme),
    )


def _smtp_options(query: str, scheme: str) -> dict[str, Any]:
    """The `?tls=…&timeout=…&cafile=…` options of an SMTP (or IMAP) URL, checked."""
    options: dict[str, Any] = {}
    for name, values in parse_qs(query, keep_blank_values=True).items():
        value = values[-1]
        if name == "tls":
            if value not in _TLS_MODES or (scheme in ("smtps", "imaps") and value == "none"):
                raise ValueError(
                    f"tls={value!r}: use tls=auto, tls=required or tls=none "
                    f"({scheme.removesuffix('s')}:// only)"
                )
            options["tls"] = value
        elif name == "timeout":
            try:
                options["timeout"] = float(value)
            except ValueError:
                options["timeout"] = 0.0
            if not options["timeout"] > 0:
                raise ValueError(f"timeout={value!r}: use a number of seconds, e.g. timeout=10")
        elif name == "cafile":
            options["cafile"] = Path(value).expanduser()
        else:
            raise ValueError(f"unknown option {name!r}; known: tls, timeout, cafile")
    return options


@dataclass(frozen=True)
class MailboxTarget:
    """A parsed `DISTRIBUTOR_BOUNCE_IMAP_URL`: the IMAP folder that bounces are routed to.

    `imaps://` is TLS from the first byte. Every poll sends the password, so `imap://`
    upgrades with STARTTLS and, by default (`tls=required`), refuses a server that does not
    offer it; `tls=auto` logs in in clear then, `tls=none` never upgrades. `cafile` names
    the CA certificates that verify the server instead of the system's.
    """

    scheme: Literal["imap", "imaps"]
    host: str
    port: int
    username: str
    password: str
    folder: str = "INBOX"
    tls: Literal["auto", "required", "none"] = "required"
    timeout: float = DEFAULT_SMTP_TIMEOUT
    cafile: Path | None = None

    @property
    def address(self) -> str:
        """`scheme://user@host:port/folder`, without the password: safe to log and show."""
        return f"{self.scheme}://{self.username}@{self.host}:{self.port}/{self.folder}"


def parse_mailbox_url(url: str) -> MailboxTarget:
    """Parse `imaps://user:pass@host:993/INBOX?cafile=/ca.pem&timeout=10` or
    `imap://user:pass@host:143/Bounces?tls=required`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("imap", "imaps"):
        raise ValueError(f"unknown scheme {parts.scheme!r}; use {_MAILBOX_EXAMPLE} or imap://…")
    if not parts.hostname or not parts.username or parts.password is None:
        raise ValueError(f"needs a host, a user and a password, e.g. {_MAILBOX_EXAMPLE}")
    try:
        port = parts.port or (993 if scheme == "imaps" else 143)
    except ValueError as exc:
        raise ValueError(f"the port is not a number between 0 and 65535 ({exc})") from None
    return MailboxTarget(
        scheme=scheme,  # type: ignore[arg-type]
        host=parts.hostname,
        port=port,
        username=unquote(parts.username),
        password=unquote(parts.password),
        folder=unquote(parts.path.strip("/")) or "INBOX",
        **_smtp_options(parts.query, scheme),
    )


_DURATION_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str) -> float:
    """Seconds from `90`, `90s`, `5m`, `2h` or `3d`."""
    value = text.strip().lower()
    unit = _DURATION_UNITS.get(value[-1:], 0.0)
    try:
        return float(value[:-1] if unit else value) * (unit or 1.0)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a duration; use seconds or a number with s, m, h or d, e.g. 5m"
        ) from None


_QUIET_HOURS = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-3]):([0-5]\d)")


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """(start, end) from `22:00-07:00` (it may wrap past midnight); None from `off`."""
    value = text.strip().lower().replace(" ", "")
    if value in ("off", "none"):
        return None
    found = _QUIET_HOURS.fullmatch(value)
    if found is None:
        raise ValueError(f"{text!r}: expected hours such as 22:00-07:00, or off")
    start_hour, start_minute, end_hour, end_minute = (int(part) for part in found.groups())
    if (start_hour, start_minute) == (end_hour, end_minute):
        raise ValueError(f"{text!r}: the quiet hours start and end at the same time; use off")
    return time(start_hour, start_minute), time(end_hour, end_minute)


def normalize_database_url(url: str) -> URL:
    """Parse a database URL and pick the driver this project ships (psycopg 3 for PostgreSQL)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(
            f"cannot parse it as a database URL; expected {_DATABASE_EXAMPLES}"
        ) from None
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return parsed
    raise ValueError(f"unsupported database {backend!r}; expected {_DATABASE_EXAMPLES}")


class Settings(BaseModel):
    """Every setting distributor has, with its embedded default.

    Each field `name` is read from `DISTRIBUTOR_<NAME>` (`from_address` from DISTRIBUTOR_FROM).
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    data_dir: Path = Field(
        default=Path("var"),
        validate_default=True,
        description="Folder for the embedded defaults: SQLite files, broker queue, outbox, secret key.",
    )
    database_url: str = Field(
        default="", description="SQLAlchemy URL; default: SQLite in the data folder."
    )
    broker_url: str = Field(default="", description="Celery broker; default: a folder-based queue.")
    result_backend: str = Field(
        default="", description="Celery results; default: beside the broker."
    )
    smtp_url: str = Field(
        default="", description="Outgoing mail; default: .eml files in the data folder."
    )
    base_url: str = Field(default="http://localhost:8000", description="Public URL of the web app.")
    secret_key: SecretStr | None = Field(
        default=None, description="Signs links; default: generated once."
    )
    from_address: str = Field(default=DEFAULT_FROM, description="The From of every email.")
    bounce_domain: str = Field(
        default="", description="Domain of VERP return paths; default: From's."
    )
    reply_address: str = Field(
        default="",
        description="Where journalists' replies go, e.g. replies@bounces.example.org: each "
        "message's Reply-To is this address with the delivery's token, and `distributor bounces "
        "serve` forwards the replies to the press contact; empty: Reply-To is the press contact.",
    )
    reply_forward_to: str = Field(
        default="",
        description="Where replies are forwarded when the release names no press contact with "
        "an email; default: the From address.",
    )
    reply_forwards_per_delivery: int = Field(
        default=5,
        ge=1,
        description="Replies to one delivery forwarded in an hour; the rest are recorded only.",
    )
    reply_forwards_per_sender: int = Field(
        default=20,
        ge=1,
        description="Replies from one sender forwarded in an hour; the rest are recorded only.",
    )
    reply_authserv_id: str = Field(
        default="",
        description="The authserv-id of the MTA in front of `bounces serve` whose "
        "Authentication-Results SPF verdict on replies is believed; empty: none is.",
    )
    dkim_selector: str | None = None
    dkim_key_file: Path | None = None
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
    batch_size: int = Field(
        default=100, ge=1, le=1000, description="Deliveries a worker claims and sends at a time."
    )
    send_parallelism: int = Field(
        default=4, ge=1, le=64, description="Batch tasks working on one send-out at once."
    )
    lease_seconds: float = Field(
        default=300.0,
        gt=0,
        description="How long a claimed batch stays a worker's before others may take it over.",
    )
    retry_base: float = Field(
        default=60.0, gt=0, description="First wait before retrying a deferred delivery."
    )
    slow_down: float = Field(
        default=30.0,
        gt=0,
        description="How long a destination rests after its server asked to slow down (421).",
    )
    retry_max_age: float = Field(
        default=3 * 86400.0,
        gt=0,
        description="A delivery still deferred this long after it was queued fails.",
    )
    link_max_age: float = Field(
        default=365 * 86400.0,
        gt=0,
        description="How long after a delivery was sent its unsubscribe and preferences links work.",
    )
    session_max_age: float = Field(
        default=12 * 3600.0,
        gt=0,
        description="How long an admin login lasts before the browser must log in again.",
    )
    dispatch_interval: float = Field(
        default=5.0, gt=0, description="How often beat starts due send-outs and idle batches."
    )
    track_clicks: bool = Field(
        default=False,
        description="Whether new send-outs lead links through the web app to count clicks.",
    )
    track_opens: bool = Field(
        default=False,
        description="Whether new send-outs carry an image that counts opens (an unreliable figure).",
    )
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
    soft_bounce_limit: int = Field(
        default=3, ge=1, description="Soft bounces after which an address is suppressed."
    )
    soft_bounce_days: float = Field(
        default=14.0,
        ge=0,
        allow_inf_nan=False,
        description="Days the soft bounces must spread over, with no success between them.",
    )
    bounce_keep_bytes: int = Field(
        default=262144, ge=0, description="Bytes of each received bounce kept as evidence."
    )
    bounce_max_bytes: int = Field(
        default=50 * 1024 * 1024,
        ge=1024,
        description="Largest message `distributor bounces serve` accepts; bigger ones get 552.",
    )
    bounce_max_connections: int = Field(
        default=100,
        ge=1,
        description="Connections `distributor bounces serve` takes at once; more get 421.",
    )
    bounce_max_connections_per_client: int = Field(
        default=10,
        ge=1,
        description="Connections it takes at once from one client address (an IPv6 /64); "
        "more get 421.",
    )
    bounce_idle_timeout: float = Field(
        default=60.0,
        gt=0,
        allow_inf_nan=False,
        description="How long a connection to it may stay silent before it is closed with 421.",
    )
    bounce_command_timeout: float = Field(
        default=300.0,
        gt=0,
        allow_inf_nan=False,
        description="How long a client may take over one command, a message's DATA included, "
        "before the connection is closed with 421.",
    )
    bounce_line_max_bytes: int = Field(
        default=64 * 1024,
        ge=1001,
        description="Longest line it takes (RFC 5321 allows 1000 octets; broken MTAs send "
        "longer); a longer one gets 500.",
    )
    upload_max_bytes: int = Field(
        default=100 * 1024 * 1024,
        ge=1024,
        description="Largest contact file the admin pages accept for an import; bigger ones are refused.",
    )
    media_max_bytes: int = Field(
        default=50 * 1024 * 1024,
        ge=1024,
        description="Largest image or document a release's media kit accepts; bigger ones are refused.",
    )
    attachment_max_bytes: int = Field(
        default=5 * 1024 * 1024,
        ge=1024,
        description="Most bytes of documents a send-out may attach (--attach-documents) to each email.",
    )
    bounce_processes: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Processes that take received bounces in; 0: one per core (at most 4) "
        "on PostgreSQL, one on SQLite.",
    )
    bounce_imap_url: str = Field(
        default="",
        description="IMAP folder that bounces are routed to, polled by beat; default: none.",
    )
    bounce_imap_interval: float = Field(
        default=60.0, gt=0, description="How often beat polls DISTRIBUTOR_BOUNCE_IMAP_URL."
    )
    ses_topic_arns: str = Field(
        default="",
        description="SNS topics (ARNs, comma-separated) whose SES notifications are accepted; "
        "unset: the SES webhook refuses everything.",
    )
    sendgrid_webhook_key: SecretStr | None = Field(
        default=None,
        description="SendGrid's signed event webhook verification key (base64); unset: refused.",
    )
    postmark_webhook_auth: SecretStr | None = Field(
        default=None,
        description="`user:pass` Postmark sends as HTTP basic auth with its webhooks; unset: refused.",
    )
    mailgun_webhook_key: SecretStr | None = Field(
        default=None, description="Mailgun's webhook signing key; unset: refused."
    )
    signup_lists: str = Field(
        default="",
        description="Slugs of the lists (comma-separated) a visitor may join on the newsroom's "
        "sign-up form; empty: no sign-up form.",
    )
    signup_max_age: float = Field(
        default=3 * 86400.0,
        gt=0,
        description="How long the confirmation link of a newsroom sign-up works.",
    )
    signup_mail_interval: float = Field(
        default=300.0,
        ge=0,
        description="Least time between two sign-up confirmation emails to one address.",
    )
    signup_consent: str = Field(
        default=DEFAULT_SIGNUP_CONSENT,
        description="What a visitor agrees to on the sign-up form, recorded with their consent.",
    )

    @field_validator("postmark_webhook_auth")
    @classmethod
    def _user_and_password(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and ":" not in value.get_secret_value():
            raise ValueError("expected user:password, the credentials set on Postmark's webhook")
        return value

    @field_validator("signup_lists")
    @classmethod
    def _valid_signup_lists(cls, value: str) -> str:
        # imported here, not at the top: settings load without the database models
        from distributor.contacts.lists import validate_slug
        from distributor.errors import InvalidInput

        for slug in value.split(","):
            if slug.strip():
                try:
                    validate_slug(slug.strip())
                except InvalidInput as exc:
                    raise ValueError(str(exc)) from None
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _valid_quiet_hours(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value.strip().lower()

    @field_validator("signup_consent")
    @classmethod
    def _valid_signup_consent(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must say what a visitor agrees to; leave it unset for the default")
        return value.strip()

    @field_validator("data_dir")
    @classmethod
    def _absolute_data_dir(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator(
        "lease_seconds",
        "retry_base",
        "slow_down",
        "retry_max_age",
        "link_max_age",
        "session_max_age",
        "dispatch_interval",
        "bounce_imap_interval",
        "bounce_idle_timeout",
        "bounce_command_timeout",
        "signup_max_age",
        "signup_mail_interval",
        mode="before",
    )
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_log_format(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _valid_database_url(cls, value: str) -> str:
        if value:
            normalize_database_url(value)
        return value

    @field_validator("broker_url", "result_backend")
    @classmethod
    def _valid_broker_url(cls, value: str) -> str:
        if not value:
            return value
        parts = urlsplit(value)
        scheme = parts.scheme.split("+")[0].lower()
        if scheme not in _BROKER_SCHEMES and scheme not in ("db", "sqla"):
            raise ValueError(
                f"unsupported scheme {parts.scheme!r}; expected redis://host:6379/0 "
                "(or leave it unset for the embedded broker)"
            )
        if scheme in ("redis", "rediss"):
            if not parts.hostname:
                raise ValueError("a redis URL needs a host, e.g. redis://127.0.0.1:6379/0")
            try:
                parts.port  # noqa: B018 - urlsplit validates the port lazily
            except ValueError:
                raise ValueError("the port is not a number between 0 and 65535") from None
        return value

    @field_validator("smtp_url")
    @classmethod
    def _valid_smtp_url(cls, value: str) -> str:
        if value:
            parse_transport_urls(value)
        return value

    @field_validator("bounce_imap_url")
    @classmethod
    def _valid_bounce_imap_url(cls, value: str) -> str:
        if value:
            parse_mailbox_url(value)
        return value

    @field_validator("domain_limits")
    @classmethod
    def _valid_domain_limits(cls, value: str) -> str:
        # imported here, not at the top: the throttle module imports this one
        from distributor.sending.throttle import ThrottleLimits

        ThrottleLimits.parse(None, value)
        return value

    @field_validator("base_url")
    @classmethod
    def _valid_base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("expected an http(s) URL such as https://press.example.org")
        return value.rstrip("/")

    @field_validator("from_address")
    @classmethod
    def _valid_from(cls, value: str) -> str:
        if "\r" in value or "\n" in value:
            raise ValueError("must not contain line breaks")
        _, address = parseaddr(value)
        if "@" not in address or address.startswith("@") or address.endswith("@"):
            raise ValueError('expected an address such as "Press Office <press@example.org>"')
        return value

    @field_validator("bounce_domain")
    @classmethod
    def _valid_bounce_domain(cls, value: str) -> str:
        value = value.strip().lower().rstrip(".")
        if value and ("@" in value or "/" in value or " " in value or "." not in value):
            raise ValueError("expected a bare domain such as bounces.example.org")
        return value

    @field_validator("reply_address")
    @classmethod
    def _valid_reply_address(cls, value: str) -> str:
        value = value.strip().lower()
        local = value.partition("@")[0]
        if local in ("bounces", "unsubscribe"):
            raise ValueError(f"{local}@ is the address of {local}; use another, e.g. replies@")
        if value and (_REPLY_ADDRESS.fullmatch(value) is None or len(local) > _REPLY_LOCAL_MAX):
            raise ValueError(
                "expected a bare address without a + such as replies@bounces.example.org, at "
                f"most {_REPLY_LOCAL_MAX} characters before the @ (each message adds +token)"
            )
        return value

    @field_validator("reply_forward_to")
    @classmethod
    def _valid_reply_forward_to(cls, value: str) -> str:
        value = value.strip()
        if value and _BARE_ADDRESS.fullmatch(value) is None:
            raise ValueError("expected a bare address such as press@example.org")
        return value

    @model_validator(mode="after")
    def _dkim_pair(self) -> Settings:
        if bool(self.dkim_selector) != bool(self.dkim_key_file):
            raise ValueError(
                "DISTRIBUTOR_DKIM_SELECTOR and DISTRIBUTOR_DKIM_KEY_FILE go together: set both or neither"
            )
        if self.dkim_key_file is not None and not self.dkim_key_file.is_file():
            raise ValueError(f"DISTRIBUTOR_DKIM_KEY_FILE: no such file {self.dkim_key_file}")
        return self

    # Derived values: the embedded defaults live under data_dir.

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

    @property
    def transport(self) -> TransportTarget:
        """The first (or only) transport target."""
        return self.transports[0]

    @property
    def transports(self) -> list[TransportTarget]:
        """Every relay in fail-over order, or the one folder that keeps messages."""
        return parse_transport_urls(
            self.smtp_url or f"file://{self.data_dir / 'outbox'}", self.data_dir
        )

    @property
    def bounce_mailbox(self) -> MailboxTarget | None:
        """DISTRIBUTOR_BOUNCE_IMAP_URL, parsed; None when bounces are not polled from IMAP."""
        return parse_mailbox_url(self.bounce_imap_url) if self.bounce_imap_url else None

    @property
    def throttle_limits(self) -> ThrottleLimits:
        """DISTRIBUTOR_SEND_RATE and DISTRIBUTOR_DOMAIN_LIMITS, parsed."""
        from distributor.sending.throttle import ThrottleLimits

        return ThrottleLimits.parse(self.send_rate, self.domain_limits)

    @property
    def signup_list_slugs(self) -> tuple[str, ...]:
        """DISTRIBUTOR_SIGNUP_LISTS, parsed; empty when the newsroom has no sign-up form."""
        return tuple(dict.fromkeys(s.strip() for s in self.signup_lists.split(",") if s.strip()))

    @property
    def quiet_window(self) -> tuple[time, time] | None:
        """DISTRIBUTOR_QUIET_HOURS as (start, end), end possibly past midnight; None when off."""
        return parse_quiet_hours(self.quiet_hours)

    @property
    def ses_topics(self) -> frozenset[str]:
        return frozenset(arn.strip() for arn in self.ses_topic_arns.split(",") if arn.strip())

    @property
    def envelope_domain(self) -> str:
        return self.bounce_domain or parseaddr(self.from_address)[1].rpartition("@")[2].lower()

    def signing_key(self) -> str:
        """The secret for signed links; generated once into the data folder when unset."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        key_file = self.data_dir / "secret.key"
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return key_file.read_text().strip()


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


_SECRETS = ("secret_key", "sendgrid_webhook_key", "postmark_webhook_auth", "mailgun_webhook_key")


def _describe(exc: ValidationError, env: Mapping[str, str]) -> str:
    first = exc.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    message = str(first["msg"]).removeprefix("Value error, ")
    if not field:
        return f"invalid settings: {message}"
    name = ENV_PREFIX + ("FROM" if field == "from_address" else field.upper())
    shown = "***" if field in _SECRETS else _mask_password(env.get(name, ""))
    return f"{name}={shown!r}: {message}"


def _mask_password(value: str) -> str:
    for url in value.split(","):
        parts = urlsplit(url.strip()) if "://" in url else None
        if parts is not None and parts.password:
            value = value.replace(f":{parts.password}@", ":***@")
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests call `get_settings.cache_clear()` after changing env)."""
    return load_settings()
