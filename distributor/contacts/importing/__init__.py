"""Contact files in, clean contacts out: readers for CSV, XLSX and JSON lines, column mapping, the import.

`import_contacts` is the one service the CLI, the web app and the API call.
"""

import lazy_loader

# The names listed in __init__.pyi, each imported from its module when first used: the
# column mapping and the report's types load without the pipeline and its readers.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
