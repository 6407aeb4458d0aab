"""Journalist lists: import and export, validation, dedupe, segments, suppression, privacy."""

import lazy_loader

# The names listed in __init__.pyi, each imported from its module when first used.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
