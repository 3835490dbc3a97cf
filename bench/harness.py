"""What every benchmark shares: a throw-away database (a temporary SQLite file, or a temporary
database on the PostgreSQL server of DATABASE_URL, dropped at the end), Django set up and
migrated on it, and the figures printed as one line of key=value — the line the closing notes
and docs/scale-out.md quote.

    with bench_database("sqlite", "tally") as workdir:
        setup_django()
        figures = run(...)
    print_figures(figures)
"""

import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def create_postgres_database(url: str, prefix: str = "linli_bench") -> tuple[str, str]:
    """A temporary database on the server of `url`: (its URL, its name)."""
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}")), name


def drop_postgres_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def bench_database(db: str, name: str):
    """Point Django at a fresh database of kind `db` ("sqlite" or "postgres") for the block, with
    its own LINLI_VAR_DIR; yields that directory. Everything is removed afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=f"linli-bench-{name}-"))
    os.environ["LINLI_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    postgres = None
    try:
        if db == "sqlite":
            os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        else:
            if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
                sys.exit("--db postgres needs DATABASE_URL=postgres://user:pass@host:port/name")
            base_url = os.environ["DATABASE_URL"]
            os.environ["DATABASE_URL"], database = create_postgres_database(base_url, f"linli_bench_{name}")
            postgres = (base_url, database)
        yield workdir
    finally:
        if postgres:
            from django.db import connections

            connections.close_all()
            drop_postgres_database(*postgres)
        shutil.rmtree(workdir, ignore_errors=True)


def setup_django() -> None:
    """Set Django up on the benchmark's database and create its tables."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def print_figures(figures: dict) -> None:
    print(" ".join(f"{key}={value}" for key, value in figures.items()))
