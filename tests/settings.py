"""Test settings: the real database of DATABASE_URL (SQLite by default, PostgreSQL in CI),
jobs run inline, and a fast password hasher."""

from linli.settings import *  # noqa: F401,F403
from linli.settings import HUEY

HUEY = {**HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "1000/min"}}  # noqa: F405
