"""A copy of the test database that other processes can open, for what needs real processes:
a billing command killed with SIGKILL, payments from several threads with their own connections.

The test's own SQLite database lives in memory and cannot be opened by another process (and its
shared cache refuses concurrent writers instead of queueing them), so the copy is a file written
with SQLite's backup API; on PostgreSQL it is a database created from the test database as its
template. Either way the copy has the schema and whatever the test committed before copying."""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


@contextmanager
def scratch_copy(directory: Path):
    """Yield the DATABASE_URL of a copy of the test database as it is now."""
    if connection.vendor == "sqlite":
        path = directory / "scratch.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        yield f"sqlite:///{path}"
        return
    import psycopg

    params = connection.settings_dict
    server = f"postgres://{quote(params['USER'] or '')}:{quote(params['PASSWORD'] or '')}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    name = f"{params['NAME']}_scratch_{os.getpid()}"
    connection.close()  # a template must have no other sessions
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{params["NAME"]}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scenario_env(url: str, directory: Path) -> dict:
    env = dict(os.environ, DATABASE_URL=url, LINLI_VAR_DIR=str(directory), DJANGO_SETTINGS_MODULE="linli.settings",
               PYTHONPATH=str(ROOT), LINLI_HUEY_IMMEDIATE="1")
    env.pop("REDIS_URL", None)
    return env


def scenario_process(url: str, directory: Path, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.support.scenarios", *map(str, args)], cwd=ROOT,
                            env=scenario_env(url, directory), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def scenario(url: str, directory: Path, *args) -> dict:
    """Run a scenario to the end; its last line of output is JSON."""
    process = scenario_process(url, directory, *args)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])
