"""The rule a list slug follows, here because a setting names lists by slug (SIGNUP_LISTS)."""

from __future__ import annotations

import re

from distributor.errors import InvalidInput

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 100


def validate_slug(slug: str) -> str:
    """The slug as given, or InvalidInput saying what a slug may contain."""
    if len(slug) > MAX_SLUG or not SLUG_PATTERN.match(slug):
        raise InvalidInput(
            f"list slug {slug!r} is not valid: use lowercase letters, digits and single hyphens "
            f"between them, at most {MAX_SLUG} characters (e.g. film-critics-fr)"
        )
    return slug
