"""Release to email: Jinja2 over templates/email/, CSS inlined once, cheap per-recipient fill-in."""

import lazy_loader

# The names listed in __init__.pyi, each imported from its module when first used.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
