"""`distributor contacts import`: bring a CSV, XLSX or JSON-lines file into a list."""

from __future__ import annotations


def import_contacts() -> None:
    """Import contacts from a CSV, Excel (.xlsx) or JSON-lines file into a list."""
    raise NotImplementedError
