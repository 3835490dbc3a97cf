"""Reports read from a streaming replica (DESIGN §9): a real primary and a real replica
(pg_basebackup -R) on loopback, with the PostgreSQL 15 binaries. The settings and the router
are exercised in a child process (tests/scale/replica_check.py) configured only through
DATABASE_URL and DATABASE_REPLICA_URL, as a deployment would be."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("LINLI_PG_BIN", "/usr/lib/postgresql/15/bin"))

pytestmark = pytest.mark.skipif(not (PG_BIN / "pg_basebackup").exists() and not os.environ.get("CI"),
                                reason="PostgreSQL 15 server binaries are not installed (CI has them)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """Runs the server binaries as the postgres user when we are root (PostgreSQL refuses root)."""

    def __init__(self, base: Path):
        self.base = base
        self.as_postgres = os.geteuid() == 0

    def run(self, binary: str, *args: str) -> None:
        command = [str(PG_BIN / binary), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self, data: Path, port: int) -> None:
        self.run("pg_ctl", "-D", str(data), "-l", str(self.base / f"{data.name}.log"), "-w", "-o",
                 f"-c listen_addresses=127.0.0.1 -p {port} -k {self.base} -c fsync=off -c full_page_writes=off",
                 "start")

    def stop(self, data: Path) -> None:
        if (data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(data), "-m", "immediate", "stop")


@pytest.fixture
def primary_and_replica():
    base = Path(tempfile.mkdtemp(prefix="linli-replica-"))
    cluster = Cluster(base)
    if cluster.as_postgres:
        shutil.chown(base, "postgres")
    primary, replica = base / "primary", base / "replica"
    primary_port, replica_port = free_port(), free_port()
    try:
        # initdb's pg_hba.conf trusts replication connections from 127.0.0.1 with -A trust.
        cluster.run("initdb", "-D", str(primary), "-U", "postgres", "-A", "trust", "--no-sync")
        cluster.start(primary, primary_port)
        cluster.run("createdb", "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres", "linli")
        cluster.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres",
                    "-D", str(replica), "-R", "-X", "stream", "-c", "fast", "--no-sync")
        cluster.start(replica, replica_port)
        yield (f"postgres://postgres@127.0.0.1:{primary_port}/linli",
               f"postgres://postgres@127.0.0.1:{replica_port}/linli")
    finally:
        cluster.stop(replica)
        cluster.stop(primary)
        shutil.rmtree(base, ignore_errors=True)


def test_reports_read_from_the_replica_and_everything_else_from_the_primary(primary_and_replica, tmp_path):
    primary_url, replica_url = primary_and_replica
    env = {**os.environ, "DATABASE_URL": primary_url, "DATABASE_REPLICA_URL": replica_url,
           "DJANGO_SETTINGS_MODULE": "linli.settings", "LINLI_VAR_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "tests.scale.replica_check"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    assert seen["primary_in_recovery"] is False
    assert seen["replica_in_recovery"] is True
    # The report reads the replica only, and the replica has the primary's bills.
    assert seen["replicated"] == {"billed": "150.00", "collected": "100.00",
                                  "queries_on_primary": 0, "queries_on_replica": 1}
    # Replay paused, a third bill on the primary: the report still sees the replica's two bills,
    # an ordinary read sees all three (read-your-writes), and so does a report in a transaction.
    assert seen["lagging"] == {"billed": "150.00", "collected": "100.00",
                               "queries_on_primary": 0, "queries_on_replica": 1}
    assert seen["ordinary_read"] == "175.00"
    assert seen["in_transaction"] == {"billed": "175.00", "collected": "125.00",
                                      "queries_on_primary": 1, "queries_on_replica": 0}
    assert seen["caught_up"] == {"billed": "175.00", "collected": "125.00",
                                 "queries_on_primary": 0, "queries_on_replica": 1}


def test_without_a_replica_every_read_goes_to_the_primary():
    from linli.billing.models import Bill
    from linli.core.db_router import ReplicaRouter, reads_from_replica, replica_in_use

    router = ReplicaRouter()
    with reads_from_replica():
        assert replica_in_use() is False
        assert router.db_for_read(Bill) == "default"
    assert router.db_for_write(Bill) == "default"
