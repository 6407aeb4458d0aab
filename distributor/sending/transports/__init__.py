"""The relay side of sending: one `Transport` protocol, its SMTP and folder implementations,
the transport the settings name, and what became of each recipient (`Outcome`).
"""

import lazy_loader

# The names listed in __init__.pyi, each imported from its module when first used.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
