"""The figures press officers read: counts at a glance, send-out results, engagement rates over
weeks, embargo lifts to come, and each send-out's report down to its recipients."""

import lazy_loader

# The names listed in __init__.pyi, each imported from its module when first used.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
