"""The URL grammars of the settings: mail transports, the bounce mailbox, the database, the broker.

Each parser raises ValueError with a message that says what a good URL looks like.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_SMTP_TIMEOUT = 30.0
_DATABASE_EXAMPLES = (
    "postgresql://user:password@host:5432/distributor or sqlite:///path/to/file.sqlite3"
)
_BROKER_SCHEMES = {"redis", "rediss", "filesystem", "memory"}
_TRANSPORT_SCHEMES = {"smtp", "smtps", "file", "maildir"}
_TLS_MODES = ("auto", "required", "none")
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
                f"URL {number} of {len(urls)} ({mask_password(url)!r}): {exc}"
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


def check_broker_url(url: str) -> None:
    """Check a Celery broker or result-backend URL: Redis with a host, or an embedded one."""
    parts = urlsplit(url)
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


def mask_password(value: str) -> str:
    """`value` with the password of each URL in it (comma-separated) shown as `***`."""
    for url in value.split(","):
        parts = urlsplit(url.strip()) if "://" in url else None
        if parts is not None and parts.password:
            value = value.replace(f":{parts.password}@", ":***@")
    return value
