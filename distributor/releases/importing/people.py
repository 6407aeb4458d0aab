"""Telling a person's name from other short text, for quotes' lead-ins and contact blocks."""

from __future__ import annotations

_PARTICLES = {"de", "van", "von", "der", "da", "di", "du", "la", "le", "del", "dos", "bin", "al"}


def looks_like_name(text: str) -> bool:
    """Two to five words, each capitalised (or a particle: "Ursula von der Leyen"), no digits."""
    words = text.split()
    if not 2 <= len(words) <= 5 or any(character.isdigit() for character in text):
        return False
    return all(word[0].isupper() or word in _PARTICLES for word in words)
