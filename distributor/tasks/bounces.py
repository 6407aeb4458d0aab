"""The bounce-mailbox poll that beat runs when DISTRIBUTOR_BOUNCE_IMAP_URL is set."""

from __future__ import annotations

import logging
from typing import Any

from distributor.bounces import MailboxUnavailable, poll_mailbox
from distributor.config import get_settings
from distributor.db import engine_from_settings
from distributor.sending import forward_reply
from distributor.tasks.app import celery_app

log = logging.getLogger(__name__)


@celery_app.task(name="distributor.poll_bounce_mailbox")
def poll_bounce_mailbox() -> dict[str, Any]:
    """Take in what waits in the bounce mailbox, up to the per-poll limit.

    An unreachable server is logged in one line and tried again at the next tick.
    """
    settings = get_settings()
    engine = engine_from_settings(settings)
    try:
        result = poll_mailbox(settings, engine, forward=forward_reply)
    except MailboxUnavailable as exc:
        log.warning("bounce mailbox not polled: %s", exc)
        return {"error": str(exc)}
    finally:
        engine.dispose()
    if result.ingested or result.review:
        log.info(
            "bounce mailbox %s: %d taken in, %d flagged for review, %d left for the next poll",
            result.mailbox,
            result.ingested,
            len(result.review),
            result.remaining,
        )
    return result.as_dict()
