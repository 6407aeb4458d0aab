"""Send-outs over time: creating and scheduling them, the checks before they go, their
states, the dispatcher that turns them into deliveries, follow-ups, progress and reactions.
"""

import lazy_loader

# The names listed in __init__.pyi, each imported from its module when first used.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
