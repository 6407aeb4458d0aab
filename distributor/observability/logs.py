"""Logging for every distributor process: one line per record, as text or JSON, secrets masked.

The CLI, the web app, the bounce receiver, the worker and beat all call
`configure_logging` (the worker and beat through Celery's `setup_logging` signal,
so that Celery installs no handler of its own). DISTRIBUTOR_LOG_FORMAT=json makes
each record one JSON object with its `extra=` fields (sendout_id, delivery_id,
domain, …), for a log collector to index.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr

from distributor import urls
from distributor.config import Settings

# Celery's own layout, with the logger's name: the worker's records read as they always did.
TEXT_FORMAT = "[%(asctime)s: %(levelname)s/%(processName)s] %(name)s: %(message)s"
MASK = "***"
# Shorter values are left alone: masking "ab" everywhere would garble every line.
MIN_SECRET_LENGTH = 4

# What a LogRecord carries by itself; anything else on a record came with `extra=`.
_STANDARD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# Where a public address carries a signed token: what comes before `{token}` in its pattern.
_BEFORE_TOKENS = "|".join(
    re.escape(pattern.partition("{token}")[0]) for pattern in urls.PUBLIC if "{token}" in pattern
)
_QUERY_KEYS = "|".join(re.escape(key) for key in (urls.MEDIA_SIGNATURE, urls.EARLY_WEB_KEY))
# Secrets whose values are not known in advance, found by their shape.
_PATTERNS = (
    # the password of any URL: smtp://user:pass@host → smtp://user:***@host
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s:/@]*:)[^\s/]*@", re.IGNORECASE), rf"\g<1>{MASK}@"),
    # HTTP credentials: "Authorization: Bearer …", "Basic …"
    (re.compile(r"\b(bearer|basic)\s+[\w.~+/=-]+", re.IGNORECASE), rf"\g<1> {MASK}"),
    # API keys (dst_<prefix>_<secret>): the prefix names the key and is kept
    (re.compile(r"\b(dst_[0-9a-f]{8}_)[\w-]+"), rf"\g<1>{MASK}"),
    # the tokens of a journalist's links (/u/, /p/, /c/, /o/) and of sign-up confirmations,
    # in access records: whoever holds one can unsubscribe its journalist
    (re.compile(rf"({_BEFORE_TOKENS})[^\s/?#\"']+"), rf"\g<1>{MASK}"),
    # the query values that open a media file or a web version before its embargo lifts
    (re.compile(rf"([?&](?:{_QUERY_KEYS})=)[^\s&#\"']+"), rf"\g<1>{MASK}"),
)


class MaskSecrets(logging.Filter):
    """Replaces secrets in a record's message, `extra=` fields and traceback with ***.

    Known values (the settings' keys and passwords) are replaced wherever they appear;
    URL passwords, bearer tokens and API keys are found by their shape.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # longest first, so that a secret containing another is masked whole
        self._secrets = sorted(
            {s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit: the handler reports it
            return True
        record.msg, record.args = self.mask(message), None
        for name, value in list(vars(record).items()):
            if name not in _STANDARD_FIELDS:
                setattr(record, name, self._masked(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = _PLAIN.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        return True

    def _masked(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, dict):
            return {key: self._masked(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self._masked(item) for item in value]
        return value


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, then the `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            name: value for name, value in vars(record).items() if name not in _STANDARD_FIELDS
        }
        entry |= {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the `sys.stderr` of the moment, which a test runner may have replaced."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


_PLAIN = logging.Formatter()


def secret_values(settings: Settings) -> list[str]:
    """Every secret the settings hold: keys, and the passwords of the URLs they name."""
    values = [v.get_secret_value() for v in vars(settings).values() if isinstance(v, SecretStr)]
    values += [value.partition(":")[2] for value in values if ":" in value]  # user:password
    values += [t.password for t in settings.transports if t.password]
    if settings.bounce_mailbox is not None:
        values.append(settings.bounce_mailbox.password)
    if settings.database.password:
        values.append(str(settings.database.password))
    values += [p for url in (settings.broker, settings.results) if (p := urlsplit(url).password)]
    return values


def configure_logging(settings: Settings, level: str | int | None = None) -> None:
    """Log every record to stderr in DISTRIBUTOR_LOG_FORMAT, at `level` or DISTRIBUTOR_LOG_LEVEL.

    A second call replaces what the first installed (a forked worker process calls it
    after its parent did) and leaves handlers it did not install, such as pytest's, alone.
    """
    root = logging.getLogger()
    for installed in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(installed)
    handler = _StderrHandler()
    handler.setFormatter(
        JsonFormatter() if settings.log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    handler.addFilter(MaskSecrets(secret_values(settings)))
    root.addHandler(handler)
    root.setLevel(level or settings.log_level)
