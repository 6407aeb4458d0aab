"""A form as a person filled it in: what they typed, and what is wrong with it, field by field.

Every admin form that refuses a value shows itself again, filled in as it was posted, with
the reason beside the field in the press officer's words. Services keep the wording of the
command line and the API; a page says what its own fields mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

# The answer to a form with mistakes: the request was understood, its values were not accepted.
REFUSED = HTTPStatus.UNPROCESSABLE_ENTITY


@dataclass
class Form:
    """The values posted (or the starting values of an empty form) and the errors found."""

    values: Mapping[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str, default: Any = "") -> Any:
        """What the field `name` holds, for filling the form in again."""
        return self.values.get(name, default)

    def refuse(self, name: str, message: str) -> None:
        """Say what is wrong with field `name`; the first reason found for a field stays."""
        self.errors.setdefault(name, message)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def status(self) -> HTTPStatus:
        """The status of the page showing this form: 422 while it has errors."""
        return REFUSED if self.errors else HTTPStatus.OK
