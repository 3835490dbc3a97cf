"""Backup and restore (docs/deploy.md), end to end in separate processes, whatever database the
suite itself runs on: SQLite's online backup of a live database, and pg_dump/pg_restore of a
PostgreSQL 15 started here from its binaries. Each restored copy has the same rows as the
original and its audit chain verifies; a copy altered afterwards does not."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))

# argv: how many events (0: until the stop file appears), the stop file or "-", a tag for the names.
WRITE_EVENTS = """
import sys
from pathlib import Path
from django.db import transaction
from linli.core.audit import audit_record
from linli.orgs.models import User
count, stop, tag = int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
i = 0
while (i < count) if count else not stop.exists():
    with transaction.atomic():
        user = User.objects.create(username=f"backup-{tag}-{i}")
        audit_record(actor=None, action="backup.test", target=user, data={"i": i, "text": "备份测试"})
    i += 1
"""


def manage(env: dict, *args, check=True):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=900)
    if check and result.returncode:
        raise AssertionError(f"manage.py {' '.join(args)}: {result.stdout}{result.stderr}")
    return result


def write_events(env: dict, count: int, tag: str):
    return subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + WRITE_EVENTS, str(count), "-",
                           tag], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=600, check=True)


def base_env(tmp: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE="linli.settings", DATABASE_URL=database_url, LINLI_VAR_DIR=str(tmp / "var"),
               LINLI_HUEY_IMMEDIATE="1")
    return env


def sqlite_counts(path: Path) -> dict:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                           "AND name NOT LIKE 'sqlite_%'")]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


# SQLite -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def live_sqlite(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sqlite-backup")
    env = base_env(tmp, f"sqlite:///{tmp / 'live.sqlite3'}")
    manage(env, "migrate", "--noinput", "-v", "0")
    write_events(env, 40, "first")
    return tmp, env


def test_sqlite_online_backup_restores_the_same_rows_and_a_sound_audit_chain(live_sqlite):
    tmp, env = live_sqlite
    backup = tmp / "backups" / "quiet.sqlite3"
    result = manage(env, "backup_sqlite", str(backup))
    assert "backup ok" in result.stdout
    live = sqlite_counts(tmp / "live.sqlite3")
    assert live["core_auditevent"] >= 40
    assert sqlite_counts(backup) == live
    restored = tmp / "restored.sqlite3"
    shutil.copy(backup, restored)
    verified = manage({**env, "DATABASE_URL": f"sqlite:///{restored}"}, "audit_verify")
    assert f"{live['core_auditevent']} events verified" in verified.stdout


def test_sqlite_backup_taken_while_writers_run_is_one_consistent_state(live_sqlite):
    tmp, env = live_sqlite
    stop = tmp / "stop-writer"
    writer = subprocess.Popen([sys.executable, "-c", "import django; django.setup()\n" + WRITE_EVENTS, "0",
                               str(stop), "during"], cwd=settings.BASE_DIR, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        before = sqlite_counts(tmp / "live.sqlite3")["core_auditevent"]
        deadline = time.monotonic() + 60
        while sqlite_counts(tmp / "live.sqlite3")["core_auditevent"] < before + 20 and time.monotonic() < deadline:
            time.sleep(0.2)
        backup = tmp / "backups" / "busy.sqlite3"
        manage(env, "backup_sqlite", str(backup), "--pages", "8")
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr.read().decode()
    copied = sqlite_counts(backup)
    after = sqlite_counts(tmp / "live.sqlite3")["core_auditevent"]
    assert before + 20 <= copied["core_auditevent"] <= after
    # Each event is written with its user in one transaction: a torn copy would differ here.
    assert copied["orgs_user"] - copied["core_auditevent"] == sqlite_counts(tmp / "live.sqlite3")["orgs_user"] - after
    verified = manage({**env, "DATABASE_URL": f"sqlite:///{backup}"}, "audit_verify")
    assert f"{copied['core_auditevent']} events verified" in verified.stdout


def test_an_altered_sqlite_copy_fails_verification(live_sqlite):
    tmp, env = live_sqlite
    backup = tmp / "backups" / "altered.sqlite3"
    manage(env, "backup_sqlite", str(backup))
    with sqlite3.connect(backup) as db:
        db.execute("UPDATE core_auditevent SET action = 'backup.forged' WHERE id = "
                   "(SELECT min(id) + 5 FROM core_auditevent)")
    result = manage({**env, "DATABASE_URL": f"sqlite:///{backup}"}, "audit_verify", check=False)
    assert result.returncode != 0 and "broken at event" in result.stderr


def test_backup_sqlite_refuses_to_overwrite(live_sqlite):
    tmp, env = live_sqlite
    existing = tmp / "backups" / "exists.sqlite3"
    existing.parent.mkdir(exist_ok=True)
    existing.write_bytes(b"keep me")
    result = manage(env, "backup_sqlite", str(existing), check=False)
    assert result.returncode != 0 and existing.read_bytes() == b"keep me"


# PostgreSQL ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL 15 on loopback, from the binaries CI installs."""
    if not (PGBIN / "initdb").exists():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL 15 binaries missing at {PGBIN}; CI must have them")
        pytest.skip("PostgreSQL 15 binaries are not installed on this machine")
    # Not under pytest's temporary folder: the postgres user cannot enter root's.
    root = Path(tempfile.mkdtemp(prefix="linli-pg-backup-"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(root, "postgres")
    port = free_port()
    run = lambda *args: subprocess.run([*as_postgres, *args], check=True, capture_output=True, text=True)  # noqa: E731
    run(str(PGBIN / "initdb"), "-D", f"{root}/data", "-U", "postgres", "-A", "trust", "-E", "UTF8",
        "--locale=C.UTF-8")
    run(str(PGBIN / "pg_ctl"), "-D", f"{root}/data", "-l", f"{root}/log", "-w", "-o",
        f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off", "start")
    url = f"postgres://postgres@127.0.0.1:{port}"
    try:
        yield url, root
    finally:
        subprocess.run([*as_postgres, str(PGBIN / "pg_ctl"), "-D", f"{root}/data", "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def psql(url: str, sql: str) -> str:
    return subprocess.run([str(PGBIN / "psql"), url, "-qtAX", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                          capture_output=True, text=True).stdout.strip()


def pg_counts(url: str) -> dict:
    tables = psql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").split()
    return {t: int(psql(url, f'SELECT count(*) FROM "{t}"')) for t in tables}


def test_pg_dump_and_pg_restore_round_trip(postgres, tmp_path):
    server, _root = postgres
    psql(f"{server}/postgres", "CREATE DATABASE live")
    psql(f"{server}/postgres", "CREATE DATABASE restored")
    env = base_env(tmp_path, f"{server}/live")
    manage(env, "migrate", "--noinput", "-v", "0")
    write_events(env, 40, "pg")
    dump = tmp_path / "backups" / "linli.dump"
    assert "backup ok" in manage(env, "backup_postgres", str(dump)).stdout
    restore = subprocess.run([str(PGBIN / "pg_restore"), "--no-owner", "--exit-on-error", "--jobs=2",
                              "-d", f"{server}/restored", str(dump)], capture_output=True, text=True)
    assert restore.returncode == 0, restore.stderr
    live = pg_counts(f"{server}/live")
    assert live["core_auditevent"] == 40 and live["orgs_user"] >= 40
    assert pg_counts(f"{server}/restored") == live
    restored_env = {**env, "DATABASE_URL": f"{server}/restored"}
    assert "40 events verified" in manage(restored_env, "audit_verify").stdout
    # New rows after a restore continue the sequences instead of colliding with restored ids.
    write_events(restored_env, 1, "after")
    psql(f"{server}/restored", "UPDATE core_auditevent SET action = 'backup.forged' WHERE id = "
                               "(SELECT min(id) + 3 FROM core_auditevent)")
    result = manage(restored_env, "audit_verify", check=False)
    assert result.returncode != 0 and "broken at event" in result.stderr
