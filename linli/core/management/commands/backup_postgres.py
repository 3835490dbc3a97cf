"""Backup of the PostgreSQL database with pg_dump's custom format, which pg_restore reads table by
table and in parallel. The connection comes from the settings (DATABASE_URL).

    manage.py backup_postgres var/backups/linli-$(date +%F).dump

Restore into an empty database (docs/deploy.md):
    pg_restore --no-owner --role=linli -d "$DATABASE_URL" --jobs=4 var/backups/linli-….dump
then `manage.py audit_verify`."""

import os
import shutil
import subprocess
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


def pg_environment(settings_dict: dict) -> dict:
    """libpq's environment for a Django connection, so no password appears on a command line."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def pg_tool(name: str) -> str:
    """The client tool of the server's major version when it is installed there (Debian's layout)."""
    for candidate in (os.environ.get("PGBIN", ""), "/usr/lib/postgresql/15/bin"):
        if candidate and Path(candidate, name).exists():
            return str(Path(candidate, name))
    found = shutil.which(name)
    if found is None:
        raise CommandError(f"{name} not found: install the PostgreSQL client or set PGBIN")
    return found


class Command(BaseCommand):
    help = "Dump the PostgreSQL database to DEST with pg_dump -Fc and check that pg_restore can read it."

    def add_arguments(self, parser):
        parser.add_argument("dest", help="file to write (it must not exist yet)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, dest, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(f"database {database!r} is {connection.vendor}, not PostgreSQL: use backup_sqlite")
        target = Path(dest)
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file name")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        env = pg_environment(connection.settings_dict)
        started = time.monotonic()
        # pg_dump reads in one repeatable-read snapshot: a consistent copy while the site runs.
        dump = subprocess.run([pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}"],
                              env=env, capture_output=True, text=True)
        if dump.returncode:
            partial.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {dump.stderr.strip()}")
        listing = subprocess.run([pg_tool("pg_restore"), "--list", str(partial)], capture_output=True, text=True)
        if listing.returncode or "TABLE DATA" not in listing.stdout:
            partial.unlink(missing_ok=True)
            raise CommandError(f"pg_restore cannot read the dump: {listing.stderr.strip()}")
        partial.rename(target)
        self.stdout.write(self.style.SUCCESS(
            f"backup ok: {target} ({target.stat().st_size / 1e6:.1f} MB in {time.monotonic() - started:.1f} s)"))
