"""One message of a send-out: the release prepared once per send-out and language,
the header skeleton and bodies filled in per recipient, attachments, subjects, links and DKIM.
"""

import lazy_loader

# The names listed in __init__.pyi, each imported from its module when first used.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
