"""Outgoing mail: send-outs scheduled and checked, their messages built once and filled in per
recipient, sent through one transport under a throttle, and single notices and forwards.

The part's front door: callers import these names from `distributor.sending`. Inside,
the sub-parts stand in layers: `transports` and `throttle`, then `message`, then
`scheduling`, then `pipeline`, `replies` and `notices`.
"""

import lazy_loader

# The names listed in __init__.pyi, each imported from its module when first used.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
