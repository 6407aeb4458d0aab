"""The health ping: the one task that returns a result, to prove a worker takes and answers tasks."""

from __future__ import annotations

from distributor.tasks.app import celery_app


@celery_app.task(name="distributor.ping", ignore_result=False)
def ping() -> str:
    """Answer "pong" through the result backend."""
    return "pong"
