"""Inbound mail: bounces, complaints and replies, parsed, classified and judged by the bounce policy.

Each source is a module of its own: received mail (`intake`, fed by the receiver's
spool and the mailbox poller), provider webhooks (`providers`, one module per
provider behind one protocol) and the relay's refusals at SMTP time
(`rejections`). Each ties what it reports to a delivery (`deliveries`) and ends in
`judging` before the bounce policy (`policy`).
"""
