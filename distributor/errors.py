"""The one exception family: every message names the thing, the place and the fix.

The CLI prints `str(error)` on one line and exits with `exit_code`; the web app
turns the same errors into problem details; workers record them on deliveries.
"""

from __future__ import annotations

from typing import Any


class DistributorError(Exception):
    """Base of every error a user can act on (as opposed to bugs)."""

    exit_code = 1

    def details(self) -> dict[str, Any]:
        """What a program needs besides the message (problem details' extension members)."""
        return {}


class ConfigError(DistributorError):
    """A setting in the environment has a value that cannot work."""

    exit_code = 78  # EX_CONFIG


class DatabaseUnavailable(DistributorError):
    """The database server cannot be reached or refused the connection."""

    exit_code = 69  # EX_UNAVAILABLE


class SchemaOutdated(DistributorError):
    """The database is at an older revision than this code (or is empty)."""

    exit_code = 75  # EX_TEMPFAIL: fixed by running the upgrade


class SchemaTooNew(DistributorError):
    """The database was migrated by a newer version of distributor."""

    exit_code = 65


class BrokerUnavailable(DistributorError):
    """The Celery broker cannot be reached."""

    exit_code = 69


class NotFound(DistributorError):
    """A list, contact, segment or release named by the user does not exist."""

    exit_code = 66  # EX_NOINPUT


class Conflict(DistributorError):
    """The change would break a rule: a slug taken, a list still used by a send-out."""

    exit_code = 65  # EX_DATAERR


class InvalidInput(DistributorError):
    """A value given by the user (an argument, a form field, an API body) is not acceptable."""

    exit_code = 65


class CannotWrite(DistributorError):
    """An output file or folder the user named cannot be written: its folder is missing, is a
    file, or is not writable. Checked before any work, so nothing was done or changed."""

    exit_code = 73  # EX_CANTCREAT


class PermissionDenied(DistributorError):
    """The actor's role does not allow this action."""

    exit_code = 77  # EX_NOPERM


class WrongPassword(PermissionDenied):
    """The current password, asked for to confirm a change to an account, is not the right one."""


class Busy(DistributorError):
    """Too much of this is being done at once (password checks in a login flood): come back
    in a moment; nothing was changed."""

    exit_code = 75  # EX_TEMPFAIL


class ReleaseFileError(InvalidInput):
    """A release file cannot be read: the message is `FILE:LINE: field: problem; fix`."""

    def __init__(self, source: str, line: int, field: str, problem: str, *, more: int = 0) -> None:
        self.source = source
        self.line = line
        self.field = field
        self.problem = problem
        suffix = (
            f" (and {more} more problem{'s' if more > 1 else ''} after this one)" if more else ""
        )
        super().__init__(f"{source}:{line}: {field}: {problem}{suffix}")


class HeaderInjection(InvalidInput):
    """A value meant for an email header holds a line break or another character it cannot carry."""

    def __init__(self, header: str, value: str) -> None:
        self.header = header
        super().__init__(
            f"{header}: {value[:60]!r} holds a line break, control character or lone surrogate; "
            "a header cannot carry it (a line break would start another header): remove it "
            "from the source (contact, release or setting)"
        )


class TransportError(DistributorError):
    """Outgoing mail cannot be handed over as configured (bad credentials, unusable folder):
    a fix in DISTRIBUTOR_SMTP_URL or on the relay, not a problem of one recipient."""

    exit_code = 69


class ForwardDeferred(TransportError):
    """The relay cannot take a reply's forward now (down, or a 4xx): keep the reply, try again."""


class ForwardRefused(TransportError):
    """The relay refused a reply's forward for good (a 5xx): a person must look at it."""
