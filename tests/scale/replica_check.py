"""Run by tests/scale/test_replica.py in a child process, with DATABASE_URL (the primary) and
DATABASE_REPLICA_URL (its streaming replica) set: the real settings decide the databases.

Creates the bills table on the primary (only it: the report reads nothing else), bills a
community, and observes where a report reads from: the replica's answer, then with the
replica's replay paused — so that it lags behind a new bill — the report's answer against an
ordinary read's and one inside a transaction. Prints what it saw as JSON."""

import json
import os
import sys
import time
from decimal import Decimal

COMMUNITY, PERIOD = 1, "2026-03"


def main() -> None:
    import django

    django.setup()
    from django.db import connections, transaction
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext

    from linli.billing import reports
    from linli.billing.models import Bill

    primary, replica = connections["default"], connections["replica"]

    def scalar(connection, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def wait_for_replay():
        target = scalar(primary, "SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + 20
        while scalar(replica, f"SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '{target}')") < 0:
            if time.monotonic() > deadline:
                sys.exit("the replica did not replay the primary's WAL within 20 s")
            time.sleep(0.05)

    def bill(unit, amount, paid):
        Bill.objects.create(community_id=COMMUNITY, unit_id=unit, period=PERIOD, amount=Decimal(amount),
                            paid=Decimal(paid))

    def report():
        with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(replica) as on_replica:
            row = reports.collection(community=COMMUNITY, period=PERIOD)
        return {"billed": str(row.billed), "collected": str(row.collected),
                "queries_on_primary": len(on_primary), "queries_on_replica": len(on_replica)}

    def ordinary_read():
        sums = Bill.objects.filter(community_id=COMMUNITY, period=PERIOD).aggregate(b=Sum("amount"))
        return str(sums["b"])

    with primary.schema_editor() as editor:
        editor.create_model(Bill)
        # Its foreign keys would need the whole schema; the report reads this table alone.
        editor.deferred_sql.clear()
    bill(1, "100.00", "100.00")
    bill(2, "50.00", "0.00")
    wait_for_replay()

    seen = {
        "primary_in_recovery": scalar(primary, "SELECT pg_is_in_recovery()"),
        "replica_in_recovery": scalar(replica, "SELECT pg_is_in_recovery()"),
        "replicated": report(),
    }
    scalar(replica, "SELECT pg_wal_replay_pause()::text")
    bill(3, "25.00", "25.00")
    seen["lagging"] = report()
    seen["ordinary_read"] = ordinary_read()
    with transaction.atomic():
        seen["in_transaction"] = report()
    scalar(replica, "SELECT pg_wal_replay_resume()::text")
    wait_for_replay()
    seen["caught_up"] = report()
    print(json.dumps(seen))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    main()
