"""Real `distributor` processes for the logging tests: the `start` fixture of tests/tasks."""

from tests.tasks.conftest import start

__all__ = ["start"]
