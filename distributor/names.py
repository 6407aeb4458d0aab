"""Names people type for things (lists, users, API keys): one line, spaces tidied, a bounded length."""

from __future__ import annotations

from distributor.errors import InvalidInput


def tidy_name(text: str | None, what: str, max_chars: int) -> str:
    """`text` on one line with runs of whitespace as one space; InvalidInput naming `what` if too long."""
    cleaned = " ".join((text or "").split())
    if len(cleaned) > max_chars:
        raise InvalidInput(
            f"{what} has at most {max_chars} characters; this one has {len(cleaned)}"
        )
    return cleaned
