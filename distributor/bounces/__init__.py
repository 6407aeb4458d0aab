"""Inbound mail: bounces, complaints and replies, parsed, classified and judged by the bounce policy.

Each source is a module of its own: received mail (`intake`, fed by the receiver's
spool and the mailbox poller), provider webhooks (`providers`, one module per
provider behind one protocol) and the relay's refusals at SMTP time
(`rejections`). Each ties what it reports to a delivery (`deliveries`) and ends in
`judging` before the bounce policy (`policy`).
"""

import lazy_loader

# The names listed in __init__.pyi, each imported from its module when first used.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
