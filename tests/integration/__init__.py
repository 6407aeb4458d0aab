"""Tests through real servers wired together: the sender, a private Postfix and capture servers.

The Postfix of these tests delivers `LOCAL_DOMAIN` itself (only `editor@` exists
there, so anyone else bounces) and routes `BOUNCE_DOMAIN`, where VERP return
paths point, to its own capture server.
"""

LOCAL_DOMAIN = "newsroom.example"
BOUNCE_DOMAIN = "bounces.newsroom.example"
