from .app import celery_app
from .broker import check_broker
from .sending import request_dispatch
from .stop_deadline import watch_stop

__all__ = ["celery_app", "check_broker", "request_dispatch", "watch_stop"]
