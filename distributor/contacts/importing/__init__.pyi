from .pipeline import import_contacts
from .report import ImportReport, Issue

__all__ = ["ImportReport", "Issue", "import_contacts"]
