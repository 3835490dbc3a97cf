"""Periodic jobs of community operations; huey discovers this package and its modules register
their tasks on import."""

from . import planning  # noqa: F401
