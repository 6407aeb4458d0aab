"""Contact files in, clean contacts out: readers for CSV, XLSX and JSON lines, column mapping, the import.

`import_contacts` is the one service the CLI, the web app and the API call.
"""

from distributor.contacts.importing.pipeline import import_contacts
from distributor.contacts.importing.report import ImportReport, Issue

__all__ = ["ImportReport", "Issue", "import_contacts"]
