"""What a check before a send-out reports: findings with a level, a code, a message and the
same finding in a press officer's words.

Errors refuse the send-out; warnings refuse it unless the press officer confirmed
them. The findings are stored with the send-out (`SendOut.preflight`) as a plain
JSON document, so the admin page, the API and the dispatcher read the same result.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from distributor.errors import Conflict


class Level(enum.StrEnum):
    ERROR = "error"  # the send-out cannot go like this
    WARNING = "warning"  # it can, once someone confirmed they meant it


@dataclass(frozen=True)
class Finding:
    level: Level
    code: str  # stable, for scripts: "link.insecure", "guard.off_hours", …
    message: str  # what is wrong, where, and how to fix it, for the command line and the API
    # The same for the admin pages: no setting, command or code, and a fix a press officer can do.
    plain: str = ""

    def as_dict(self) -> dict[str, str]:
        found = {"level": self.level.value, "code": self.code, "message": self.message}
        return found | ({"plain": self.plain} if self.plain else {})

    @classmethod
    def of(cls, stored: dict[str, Any]) -> Finding:
        return cls(
            Level(stored["level"]),
            str(stored["code"]),
            str(stored["message"]),
            str(stored.get("plain", "")),
        )

    @property
    def words(self) -> str:
        """What a page shows: the plain words (a result stored before they existed: the message)."""
        return self.plain or self.message

    def __str__(self) -> str:
        return f"[{self.level.value}] {self.code}: {self.message}"


def error(code: str, message: str, plain: str = "") -> Finding:
    return Finding(Level.ERROR, code, message, plain)


def warning(code: str, message: str, plain: str = "") -> Finding:
    return Finding(Level.WARNING, code, message, plain)


@dataclass(frozen=True)
class CheckResult:
    """Every finding of one run of the checks, and whether its warnings were confirmed."""

    checked_at: datetime
    findings: tuple[Finding, ...]
    confirmed: bool = False

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level is Level.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level is Level.WARNING)

    @property
    def passed(self) -> bool:
        """No error, and no warning left unconfirmed: the send-out may go."""
        return not self.errors and (self.confirmed or not self.warnings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked_at": self.checked_at.isoformat(),
            "passed": self.passed,
            "confirmed": self.confirmed,
            "findings": [finding.as_dict() for finding in self.findings],
        }

    @classmethod
    def stored(cls, document: dict[str, Any] | None) -> CheckResult | None:
        """The result as `as_dict` stored it; None for a send-out never checked."""
        if not document:
            return None
        return cls(
            datetime.fromisoformat(document["checked_at"]),
            tuple(Finding.of(item) for item in document.get("findings", [])),
            bool(document.get("confirmed")),
        )


class ChecksFailed(Conflict):
    """The checks before a send-out found errors, or warnings nobody confirmed yet."""

    def __init__(self, result: CheckResult) -> None:
        self.result = result
        self.needs_confirmation = not result.errors
        super().__init__(describe(result.errors or result.warnings, self.needs_confirmation))

    def details(self) -> dict[str, Any]:
        return {
            "needs_confirmation": self.needs_confirmation,
            "findings": [finding.as_dict() for finding in self.result.findings],
        }


def describe(findings: Sequence[Finding], needs_confirmation: bool) -> str:
    """One paragraph naming each finding, and what to do about them."""
    listed = "; ".join(str(finding) for finding in findings)
    if needs_confirmation:
        return (
            f"the send-out needs confirmation: {listed}. Confirm to schedule it anyway "
            '(`--confirm` on the command line, the form\'s checkbox, "confirm": true in the API)'
        )
    return f"the send-out cannot go: {listed}. Fix these and try again"


def preflight_errors(stored: dict[str, Any] | None) -> tuple[Finding, ...]:
    """The errors of a send-out's stored result (`SendOut.preflight`); none if never checked."""
    result = CheckResult.stored(stored)
    return result.errors if result is not None else ()
