"""Celery: the app and thin tasks that call the services; `distributor worker` runs them."""

from distributor.tasks.app import celery_app

__all__ = ["celery_app"]
