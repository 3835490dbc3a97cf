"""Online backup of the SQLite database: a consistent copy taken while the site keeps running
(SQLite's backup API, as `sqlite3 .backup` does), checked before it is reported good.

    manage.py backup_sqlite var/backups/linli-$(date +%F).sqlite3

Restore: stop the web and job processes, put the copy in place of the database file (and remove
its -wal and -shm files), start them again, then run `manage.py audit_verify` (docs/deploy.md)."""

import sqlite3
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


class Command(BaseCommand):
    help = "Copy the live SQLite database to DEST with SQLite's online backup API and check the copy."

    def add_arguments(self, parser):
        parser.add_argument("dest", help="file to write (it must not exist yet)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--pages", type=int, default=1024,
                            help="pages copied per step; writers may go on between steps (default 1024)")

    def handle(self, *args, dest, database, pages, **options):
        connection = connections[database]
        if connection.vendor != "sqlite":
            raise CommandError(f"database {database!r} is {connection.vendor}, not SQLite: use backup_postgres")
        target = Path(dest)
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file name")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        started = time.monotonic()
        connection.ensure_connection()
        copy = sqlite3.connect(partial)
        try:
            # If a writer changes the database mid-copy, SQLite restarts the copy, so what is
            # written is always one consistent state of the database.
            connection.connection.backup(copy, pages=pages, sleep=0.005)
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
            copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        finally:
            copy.close()
        if check != "ok":
            partial.unlink(missing_ok=True)
            raise CommandError(f"the copy failed its integrity check: {check}")
        partial.rename(target)
        self.stdout.write(self.style.SUCCESS(
            f"backup ok: {target} ({target.stat().st_size / 1e6:.1f} MB in {time.monotonic() - started:.1f} s)"))
